#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer and
# UndefinedBehaviorSanitizer), then runs each target from its seed corpus
# for a fixed number of executions; exits non-zero on the first crash, leak
# or sanitizer finding, leaving the input that caused it in the work
# folder. (tests/run.sh runs the unit tests under the same sanitizers.)
#
# Usage: tests/fuzz/run.sh [--runs N] [--targets "a b"] [--build-dir DIR]
#   --runs N     executions per target (default 1000000; CI runs fewer)
#   --targets    a subset, e.g. "http_parser transcoder"
# The seed corpora are tests/fuzz/corpus/<target>/; new interesting inputs
# go to the work folder (printed), not into the repository.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="$ROOT/build-fuzz"
runs=1000000
targets="validators http_parser http_target path_match transcoder page_token api_keys csv"
while (($#)); do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --targets) targets="$2"; shift ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $runs =~ ^[0-9]+$ ]] || { echo "--runs: a number" >&2; exit 2; }

command -v clang++ >/dev/null || {
  echo "clang++ is missing; run deploy/local/install-deps.sh" >&2
  exit 1
}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR="$ROOT"
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  cmake -S "$ROOT/tests/fuzz" -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
fi
ninja -C "$BUILD_DIR" -j"${QPP_BUILD_JOBS:-2}"

work="$(mktemp -d "${TMPDIR:-/tmp}/qpp-fuzz.XXXXXX")"
echo "work folder: $work"
declare -a summary=()
failed=0
for target in $targets; do
  binary="$BUILD_DIR/fuzz_$target"
  [[ -x $binary ]] || { echo "no fuzz target $target" >&2; exit 2; }
  corpus="$work/$target"
  mkdir -p "$corpus"
  cp "$ROOT/tests/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
  log="$work/$target.log"
  start=$SECONDS
  # Leaks are findings too; no time limit per input beyond 10 s (a hang).
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$binary" -runs="$runs" -max_len=1024 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$work/$target-" -print_final_stats=1 \
      "$corpus" >"$log" 2>&1; then
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
    summary+=("$(printf '%-12s %9s executions %5ss  coverage %s  ok' \
      "$target" "${execs:-?}" "$((SECONDS - start))" "${cov:-?}")")
  else
    failed=1
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20
    summary+=("$(printf '%-12s FAILED (log %s)' "$target" "$log")")
  fi
done

echo
printf '%s\n' "${summary[@]}"
if ((failed)); then exit 1; fi
rm -rf "$work"
