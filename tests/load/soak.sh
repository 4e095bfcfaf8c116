#!/usr/bin/env bash
# Soak: the whole system as deploy/local/run.sh starts it (in a run folder of
# its own, .run-soak), the integrators' mix through the gateway (the
# registry's, training's, demobase's, cultivation's and funding's shares;
# funding's as the funding system, with a key of its own) at half the
# maximum measured first, for 30 minutes; every minute the QPS, p50/p99 and, per process, RSS,
# open descriptors and sockets. Not part of CI.
#
# Usage: tests/load/soak.sh [--minutes N] [--fraction F]
#   --minutes N    length of the soak (default 30)
#   --fraction F   share of the measured maximum (default 0.5)
# Stop a local run on the same ports (deploy/local/run.sh) first. The
# curve is printed and kept in .run-soak/soak.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
minutes=30 fraction=0.5
while (($#)); do
  case "$1" in
    --minutes) minutes="$2"; shift ;;
    --fraction) fraction="$2"; shift ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

RUN_DIR="$ROOT/.run-soak"
mkdir -p "$RUN_DIR"
# The shipped policy, with the development and funding keys' rate limits
# lifted so that the soak measures the system, not the limiter.
/usr/bin/python3 - "$ROOT/deploy/gateway/policy.json" \
    "$RUN_DIR/policy.json" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
for p in policy["principals"]:
    if p["id"] in ("dev", "finance-funding"):
        p["rateLimit"] = {"requestsPerSecond": 100000, "burst": 100000}
json.dump(policy, open(sys.argv[2], "w"), indent=2)
PY

# The API keys, made here (run.sh keeps a keys file it finds): the
# development key (programme office) and the funding system's.
if [[ ! -s $RUN_DIR/gateway/api_keys || ! -s $RUN_DIR/gateway/funding_api_key ]]; then
  mkdir -p "$RUN_DIR/gateway"
  chmod 700 "$RUN_DIR/gateway"
  entries=""
  for principal in dev finance-funding; do
    out="$(timeout 10 "$ROOT/build/bin/qpp-gateway" \
      --generate_key="$principal" </dev/null 2>&1)"
    key="$(sed -n 's/^key: //p' <<<"$out")"
    entry="$(sed -n 's/^entry: //p' <<<"$out")"
    [[ -n $key && -n $entry ]] || { echo "soak.sh: no key: $out" >&2; exit 1; }
    entries+="$entry"$'\n'
    file=dev_api_key
    [[ $principal == finance-funding ]] && file=funding_api_key
    (umask 077 && printf '%s\n' "$key" >"$RUN_DIR/gateway/$file")
  done
  (umask 077 && printf '# Keys of "dev" and "finance-funding", made by soak.sh.\n%s' \
    "$entries" >"$RUN_DIR/gateway/api_keys")
fi

QPP_RUN_DIR="$RUN_DIR" QPP_GATEWAY_POLICY_FILE="$RUN_DIR/policy.json" \
  setsid bash deploy/local/run.sh --no-install --no-demo --db-port 3317 \
  >"$RUN_DIR/run.log" 2>&1 &
run_pid=$!
stop() {
  kill -TERM "$run_pid" 2>/dev/null || true
  wait "$run_pid" 2>/dev/null || true
}
trap stop EXIT

echo "waiting for the system (log: $RUN_DIR/run.log)"
for _ in $(seq 1 600); do
  if grep -q "gateway" "$RUN_DIR/run.log" 2>/dev/null &&
      [[ -s $RUN_DIR/gateway/dev_api_key ]] &&
      /usr/bin/python3 "$ROOT/deploy/local/grpc_health.py" 127.0.0.1:9000 \
        >/dev/null 2>&1; then
    break
  fi
  kill -0 "$run_pid" 2>/dev/null || { tail -20 "$RUN_DIR/run.log"; exit 1; }
  sleep 1
done

watch=""
for pid_file in "$RUN_DIR"/pids/*.pid; do
  [[ -e $pid_file ]] || continue
  watch+="$(basename "$pid_file" .pid)=$(<"$pid_file"),"
done
if [[ -s $RUN_DIR/mariadb.pid ]]; then
  watch+="mariadb=$(<"$RUN_DIR/mariadb.pid"),"
fi

# Sized for 30 minutes: 100 x 1,000 (session, trainee) pairs to register,
# 50 events of 10,000 seats, 10,000 enterprises to apply (and 30,000 reviews
# to assign and score), so that none runs out before the end.
"$ROOT/build/bin/qpp-load" --soak --duration="${minutes}m" \
  --services=registry,training,demobase,cultivation,funding \
  --training_sessions=100 --training_trainees=1000 \
  --demobase_events=50 --demobase_capacity=10000 \
  --cultivation_organizations=10000 --funding_organizations=200 \
  --funding_api_key_file="$RUN_DIR/gateway/funding_api_key" \
  --soak_fraction="$fraction" --watch="${watch%,}" \
  --api_key_file="$RUN_DIR/gateway/dev_api_key" --target=127.0.0.1:9000 \
  | tee "$RUN_DIR/soak.txt"
