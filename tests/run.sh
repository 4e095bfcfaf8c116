#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs every check of qpp:
# clang-format over the tracked C++ sources, buf lint over the protos, the
# ShellCheck linter over the scripts, promtool over the Prometheus
# configuration and alert rules, swagger-parser and redocly over the
# gateway's OpenAPI document (after the build), and all CTest tests (unit, integration,
# end-to-end, and the Helm chart's checks and smoke test, label "chart")
# against a throwaway MariaDB.
#
# Usage: tests/run.sh [--no-install] [--no-build] [--no-lint] [--no-sanitize]
#                     [--no-fuzz] [CTEST ARGS...]
#   e.g. tests/run.sh -L unit          only the tests labelled "unit"
#        tests/run.sh -R Uscc -j2      a subset, two at a time
#
# The MariaDB lives in a temporary folder on a free port (never 3307, so a
# running deploy/local/run.sh is left alone) and is removed on exit. Tests
# find it through QPP_TEST_DB_HOST, QPP_TEST_DB_PORT, QPP_TEST_DB_USER and
# QPP_TEST_DB_PASSWORD, and create their own qpp_test_* schemas; end-to-end
# tests find the binaries through QPP_TEST_BIN_DIR.
#
# A full run (no CTest arguments) then builds every unit test again with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer in
# $QPP_BUILD_DIR-asan and runs them (--no-sanitize leaves it out), and ends
# with a short pass of the fuzz targets (tests/fuzz/run.sh, clang with
# ASan+UBSan; QPP_FUZZ_RUNS executions per target, default 100000;
# --no-fuzz leaves it out).
#
# Exit status: CTest's if it failed, else 1 if the fuzz pass or a lint
# failed, else 0.
# QPP_LINT=warn reports lint findings without failing the run;
# QPP_BUILD_DIR (default build) and QPP_BUILD_JOBS (default 2) as named.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${QPP_BUILD_DIR:-$ROOT/build}"

install=1 build=1 lint=1 sanitize=1 fuzz=1
while (($#)); do
  case "$1" in
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --no-lint) lint=0 ;;
    --no-sanitize) sanitize=0 ;;
    --no-fuzz) fuzz=0 ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0 ;;
    *) break ;;
  esac
  shift
done
ctest_args=("$@")

step() { printf '\n==> %s\n' "$*"; }
declare -a summary=()
lint_failed=0

# ---------------------------------------------------------------------------
if [[ $install == 1 ]]; then
  step "Packages"
  bash "$ROOT/deploy/local/install-deps.sh"
fi

# ---------------------------------------------------------------------------
if [[ $lint == 1 ]]; then
  step "clang-format"
  if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -d '' sources < <(git -C "$ROOT" ls-files -z -- '*.cc' '*.h')
  else
    mapfile -d '' sources < <(find common services tools bench tests \
      \( -name '*.cc' -o -name '*.h' \) -print0 2>/dev/null)
  fi
  if ((${#sources[@]} == 0)); then
    summary+=("clang-format: no sources")
  else
    format_log="$(mktemp)"
    if clang-format --dry-run --Werror "${sources[@]}" >"$format_log" 2>&1; then
      summary+=("clang-format: ok (${#sources[@]} files)")
    else
      lint_failed=1
      mapfile -t unformatted < <(grep -o '^[^:]*\.\(cc\|h\):[0-9]*:[0-9]*: error' \
        "$format_log" | cut -d: -f1 | sort -u)
      head -n 60 "$format_log"
      echo "files to run 'clang-format -i' on: ${unformatted[*]}"
      summary+=("clang-format: FAILED (${#unformatted[@]} of ${#sources[@]} files unformatted)")
    fi
    rm -f "$format_log"
  fi

  step "buf lint"
  if "$ROOT/node_modules/.bin/buf" lint; then
    summary+=("buf lint: ok")
  else
    lint_failed=1
    summary+=("buf lint: FAILED")
  fi

  step "shellcheck"
  if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -d '' scripts < <(git -C "$ROOT" ls-files -z -- '*.sh' .ci/run)
  else
    mapfile -d '' scripts < <(find deploy tests .ci -type f \( -name '*.sh' \
      -o -path .ci/run \) -print0)
  fi
  if ((${#scripts[@]} == 0)) || shellcheck -S warning -x "${scripts[@]}"; then
    summary+=("shellcheck: ok (${#scripts[@]} scripts)")
  else
    lint_failed=1
    summary+=("shellcheck: FAILED")
  fi

  step "Prometheus configuration and alert rules"
  if promtool check config "$ROOT/deploy/prometheus/prometheus.yml" &&
      promtool check config "$ROOT/deploy/prometheus/prometheus-compose.yml" &&
      promtool test rules "$ROOT/deploy/prometheus/alerts_test.yml"; then
    summary+=("promtool: ok")
  else
    lint_failed=1
    summary+=("promtool: FAILED")
  fi
fi

# ---------------------------------------------------------------------------
if [[ $build == 1 ]]; then
  step "Build (ninja -j${QPP_BUILD_JOBS:-2})"
  # Paths below the root are hashed relative to it, so a clone in another
  # folder (as CI makes) reuses the compiler cache of earlier builds.
  export CCACHE_BASEDIR="$ROOT"
  if [[ ! -f $BUILD_DIR/build.ninja ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  if ! ninja -C "$BUILD_DIR" -j"${QPP_BUILD_JOBS:-2}"; then
    printf '%s\n' "${summary[@]}" "build: FAILED" "tests: 0 passed, 0 failed"
    exit 1
  fi
fi

# ---------------------------------------------------------------------------
# The gateway's OpenAPI document is a build output, so it is checked after
# the build, with the validators integrators use (package.json).
if [[ $lint == 1 ]]; then
  step "OpenAPI document"
  openapi="$BUILD_DIR/bin/qpp-gateway.openapi.json"
  if [[ ! -f $openapi ]]; then
    lint_failed=1
    summary+=("openapi: FAILED (no $openapi; build first)")
  else
    if node "$ROOT/services/gateway/tools/validate_openapi.js" "$openapi"; then
      summary+=("swagger-parser validate: ok")
    else
      lint_failed=1
      summary+=("swagger-parser validate: FAILED")
    fi
    # Relative to the root, where .redocly.lint-ignore.yaml names it.
    if (cd "$ROOT" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
        node_modules/.bin/redocly lint --config redocly.yaml \
        "$(realpath --relative-to="$ROOT" "$openapi")"); then
      summary+=("redocly lint: ok")
    else
      lint_failed=1
      summary+=("redocly lint: FAILED")
    fi
  fi
fi

# ---------------------------------------------------------------------------
step "Throwaway MariaDB"
DB_DIR="$(mktemp -d "${TMPDIR:-/tmp}/qpp-test-db.XXXXXX")"
cleanup() {
  bash "$ROOT/deploy/local/mariadb.sh" stop "$DB_DIR" >/dev/null 2>&1 || true
  rm -rf "$DB_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
db_port=""
for attempt in 1 2 3 4 5; do
  candidate=$((20000 + RANDOM % 20000))
  port_busy "$candidate" && continue
  if QPP_MARIADB_EPHEMERAL=1 bash "$ROOT/deploy/local/mariadb.sh" start \
      "$DB_DIR" "$candidate"; then
    db_port="$candidate"
    break
  fi
  echo "MariaDB did not start on port $candidate (attempt $attempt)" >&2
done
if [[ -z $db_port ]]; then
  printf '%s\n' "${summary[@]}" "mariadb: FAILED to start"
  exit 1
fi

export QPP_TEST_DB_HOST=127.0.0.1
export QPP_TEST_DB_PORT="$db_port"
export QPP_TEST_DB_USER=qpp
QPP_TEST_DB_PASSWORD="$(<"$DB_DIR/secrets/db_password")"
export QPP_TEST_DB_PASSWORD
export QPP_TEST_BIN_DIR="$BUILD_DIR/bin"
# A test that needs the database fails, rather than skips, without one.
export QPP_TEST_REQUIRE_DB=1

# ---------------------------------------------------------------------------
step "CTest"
ctest_log="$DB_DIR/ctest.log"
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 600 \
  "${ctest_args[@]}" 2>&1 | tee "$ctest_log"
ctest_status=${PIPESTATUS[0]}
set -e

passed=0 failed=0
if line="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' \
    "$ctest_log" | tail -n 1)"; then
  failed="$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$line")"
  total="$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")"
  passed=$((total - failed))
elif grep -q 'No tests were found' "$ctest_log"; then
  summary+=("ctest: no tests were found")
fi

# ---------------------------------------------------------------------------
# The unit tests again, built with clang, ASan and UBSan in a folder of
# their own (only their targets, unoptimised, with assertions on). Clang
# rather than g++, and -O0: a sanitized g++ -O1 build of this code takes
# several times as long, and the unit tests run in seconds either way.
sanitize_failed=0
if [[ $sanitize == 1 && ${#ctest_args[@]} == 0 ]]; then
  step "Unit tests under ASan+UBSan (clang)"
  asan_dir="$BUILD_DIR-asan"
  mapfile -t unit_targets < <(ctest --test-dir "$BUILD_DIR" -L unit \
    --show-only=json-v1 | /usr/bin/python3 -c '
import json, os, sys
tests = json.load(sys.stdin)["tests"]
print("\n".join(sorted({os.path.basename(t["command"][0]) for t in tests})))')
  if [[ ! -f $asan_dir/build.ninja ]]; then
    cmake -S "$ROOT" -B "$asan_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" -DQPP_SANITIZE=ON >/dev/null
  fi
  if ninja -C "$asan_dir" -j"${QPP_BUILD_JOBS:-2}" "${unit_targets[@]}" &&
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir "$asan_dir" -L unit --output-on-failure; then
    summary+=("asan+ubsan unit tests: ok (${#unit_targets[@]} binaries)")
  else
    sanitize_failed=1
    summary+=("asan+ubsan unit tests: FAILED, see above")
  fi
fi

# ---------------------------------------------------------------------------
fuzz_failed=0
if [[ $fuzz == 1 && ${#ctest_args[@]} == 0 ]]; then
  step "Fuzz targets, short pass (ASan+UBSan)"
  if bash "$ROOT/tests/fuzz/run.sh" --runs "${QPP_FUZZ_RUNS:-100000}" \
      --build-dir "$BUILD_DIR-fuzz"; then
    summary+=("fuzz: ok (${QPP_FUZZ_RUNS:-100000} executions per target)")
  else
    fuzz_failed=1
    summary+=("fuzz: FAILED, see above")
  fi
fi

# ---------------------------------------------------------------------------
echo
echo "==> Summary"
if ((${#summary[@]})); then printf '%s\n' "${summary[@]}"; fi
if ((ctest_status != 0)); then
  echo "ctest: FAILED (status $ctest_status)"
fi
status=0
if ((ctest_status != 0)); then
  status="$ctest_status"
elif ((fuzz_failed || sanitize_failed)); then
  status=1
elif ((lint_failed)) && [[ ${QPP_LINT:-fail} != warn ]]; then
  echo "lint: FAILED, see above (QPP_LINT=warn makes lint findings advisory)"
  status=1
fi
echo "tests: $passed passed, $failed failed"
exit "$status"
