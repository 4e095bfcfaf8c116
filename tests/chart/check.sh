#!/usr/bin/env bash
# The chart checks, without helm or a cluster: renders helm/qpp like
# `helm template` with tests/chart/render (Go, sprig and sigs.k8s.io/yaml
# from Debian's packages, built offline) for the default values, the
# production-like values and the other options (helm/qpp/ci/*-values.yaml),
# then checks the renders with yamllint and tests/chart/check_chart.mjs
# (values.schema.json, the Kubernetes schemas, the binaries' flags, probes,
# mTLS, NetworkPolicies, audit). Also `docker compose config` where the
# client exists.
#
# Usage: tests/chart/check.sh [--bin-dir DIR] [--out DIR]
#   --bin-dir  the built binaries (default $QPP_TEST_BIN_DIR or build/bin)
#   --out      where renders go (default build/chart)
# Prints "chart checks: N passed, N failed" last; exits 1 on a failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BIN_DIR="${QPP_TEST_BIN_DIR:-$ROOT/build/bin}"
OUT="$ROOT/build/chart"
while (($#)); do
  case "$1" in
    --bin-dir) BIN_DIR="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "check.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

passed=0 failed=0
result() {  # result NAME STATUS
  if [[ $2 == 0 ]]; then passed=$((passed + 1)); echo "ok: $1"
  else failed=$((failed + 1)); echo "FAILED: $1"; fi
}

# ---------------------------------------------------------------------------
# The renderer, from Debian's Go packages.
if ! bash tests/chart/build-render.sh "$OUT"; then
  echo "FAILED: building tests/chart/render (apt-get install golang-go" \
    "golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev)"
  echo "chart checks: 0 passed, 1 failed"
  exit 1
fi

# ---------------------------------------------------------------------------
# Renders: the name, then the renderer's arguments.
declare -A CASES=(
  [default]=""
  [production]="-f helm/qpp/ci/production-values.yaml -set-file gateway.policyJson=deploy/gateway/policy.json"
  [options]="-f helm/qpp/ci/options-values.yaml"
)
rendered=()
for name in default production options; do
  # shellcheck disable=SC2086  # the arguments are words
  if "$OUT/render" -chart helm/qpp ${CASES[$name]} -o "$OUT/$name.yaml" \
      -json "$OUT/$name.json" -values-out "$OUT/$name.values.json" \
      -notes >"$OUT/$name.notes.txt"; then
    rendered+=("$OUT/$name")
    result "render $name" 0
  else
    result "render $name" 1
  fi
done
# A missing required value fails the render, as helm's `required` does.
if "$OUT/render" -chart helm/qpp -f /dev/stdin -o /dev/null 2>/dev/null <<'EOF'
gateway: {apiKeysSecret: {name: ""}}
EOF
then
  result "render refuses a missing required Secret name" 1
else
  result "render refuses a missing required Secret name" 0
fi

# ---------------------------------------------------------------------------
status=0
yamllint -c tests/chart/yamllint.yaml "${rendered[@]/%/.yaml}" \
  helm/qpp/values.yaml helm/qpp/ci/*.yaml helm/qpp/Chart.yaml \
  deploy/compose.yaml deploy/prometheus/*.yml deploy/grafana/provisioning \
  || status=$?
result "yamllint (renders, values, compose, prometheus, grafana provisioning)" "$status"

status=0
node tests/chart/check_chart.mjs --bin-dir "$BIN_DIR" --root "$ROOT" \
  "${rendered[@]}" || status=$?
result "values schema, Kubernetes schemas, flags, probes, mTLS, policies, audit" "$status"

# ---------------------------------------------------------------------------
# The compose file, where Docker's client with the compose plugin exists.
if docker compose version >/dev/null 2>&1; then
  status=0
  QPP_DB_PASSWORD=check QPP_DATA_KEYRING=1:check \
    docker compose -f deploy/compose.yaml config --quiet || status=$?
  result "docker compose config" "$status"
else
  echo "skipped: docker compose config (no docker compose client here)"
fi

echo "chart checks: $passed passed, $failed failed"
((failed == 0))
