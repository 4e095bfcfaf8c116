#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole qpp system on this
# machine: a private MariaDB on 127.0.0.1:3307 with its data in .run/, every
# service that the build produced, then the gateway. Ctrl-C (or SIGTERM)
# stops the services, then MariaDB; the data stays for the next run.
#
# Usage: deploy/local/run.sh [options]
#   --no-install    do not look for missing packages
#   --no-build      run what is in build/bin as it is
#   --demo          load the demo organisations without asking
#   --no-demo       do not load them
#   --db-port N     port of the private MariaDB (default 3307, or QPP_DB_PORT)
#   --prometheus    also start Prometheus (Debian's package) on
#                   127.0.0.1:9090 (or QPP_PROMETHEUS_PORT), scraping every
#                   process started here, with deploy/prometheus/alerts.yml
#
# Environment: QPP_RUN_DIR (default .run), QPP_BIN_DIR (default build/bin),
# QPP_BUILD_JOBS (default 2), QPP_LOG_LEVEL (default info),
# QPP_GATEWAY_POLICY_FILE.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="$ROOT/deploy/local"
RUN_DIR="${QPP_RUN_DIR:-$ROOT/.run}"
BIN_DIR="${QPP_BIN_DIR:-$ROOT/build/bin}"
DB_PORT="${QPP_DB_PORT:-3307}"
LOG_LEVEL="${QPP_LOG_LEVEL:-info}"
PYTHON=/usr/bin/python3  # Debian's, which has python3-grpcio
DEMO_CSV="$HERE/demo-organizations.csv"

install=1 build=1 demo=ask prometheus=0
PROMETHEUS_PORT="${QPP_PROMETHEUS_PORT:-9090}"
while (($#)); do
  case "$1" in
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --demo) demo=yes ;;
    --no-demo) demo=no ;;
    --prometheus) prometheus=1 ;;
    --db-port) DB_PORT="${2:?--db-port needs a value}"; shift ;;
    --db-port=*) DB_PORT="${1#*=}" ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ -t 1 ]]; then
  say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
else
  say() { printf '==> %s\n' "$*"; }
fi
warn() { printf 'run.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

# Services in start order: what a service calls is started before it.
# name → gRPC port, metrics port (9200 + the gRPC port's last digit).
SERVICES=(registry training demobase cultivation)
declare -A GRPC_PORT=([gateway]=9000 [registry]=9101 [cultivation]=9102
  [training]=9103 [demobase]=9104)
declare -A METRICS_PORT=([gateway]=9200 [registry]=9201 [cultivation]=9202
  [training]=9203 [demobase]=9204)
# Services take calls only over mTLS; a plaintext port answering nothing but
# grpc.health.v1 serves probes (9300 + the same last digit).
declare -A HEALTH_PORT=([registry]=9301 [cultivation]=9302 [training]=9303
  [demobase]=9304)
# Who may call each service (certificate names; see deploy/local/certs.sh).
declare -A CALLERS=(
  [registry]="qpp-gateway,qpp-training,qpp-demobase,qpp-cultivation"
  [training]="qpp-gateway,qpp-cultivation"
  [demobase]="qpp-gateway,qpp-cultivation"
  [cultivation]="qpp-gateway")
GATEWAY_HTTP_PORT=8080

# ---------------------------------------------------------------------------
# 1. Packages and build.
if [[ $install == 1 ]]; then
  say "Checking packages"
  bash "$HERE/install-deps.sh"
fi
if [[ $build == 1 ]]; then
  say "Building (ninja -j${QPP_BUILD_JOBS:-2})"
  if [[ ! -f build/build.ninja ]]; then
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  ninja -C build -j"${QPP_BUILD_JOBS:-2}"
fi

present=()
for name in "${SERVICES[@]}"; do
  if [[ -x $BIN_DIR/qpp-$name ]]; then present+=("$name"); fi
done
if ((${#present[@]} == 0)); then
  warn "the build produced no services (no qpp-registry, qpp-training," \
    "qpp-demobase or qpp-cultivation in build/bin); nothing to run"
  exit 0
fi
have_gateway=0
[[ -x $BIN_DIR/qpp-gateway ]] && have_gateway=1

# ---------------------------------------------------------------------------
# 2. One run at a time per run folder; leftovers of a killed run are stopped.
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids" "$RUN_DIR/secrets"
chmod 700 "$RUN_DIR/secrets"
exec 9>"$RUN_DIR/run.lock"
flock -n 9 || die "another run.sh is already using $RUN_DIR"

for pid_file in "$RUN_DIR"/pids/*.pid; do
  [[ -e $pid_file ]] || continue
  pid="$(<"$pid_file")"
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
      [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$BIN_DIR"/* ]]; then
    warn "stopping qpp-$(basename "$pid_file" .pid) (pid $pid) left by an earlier run"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pid_file"
done

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
to_run=("${present[@]}")
if ((have_gateway)); then to_run+=(gateway); fi
for name in "${to_run[@]}"; do
  for port in "${GRPC_PORT[$name]}" "${METRICS_PORT[$name]}" \
      ${HEALTH_PORT[$name]:+"${HEALTH_PORT[$name]}"}; do
    port_busy "$port" && die "port $port (qpp-$name) is already in use"
  done
done
if ((have_gateway)) && port_busy "$GATEWAY_HTTP_PORT"; then
  die "port $GATEWAY_HTTP_PORT (gateway HTTP) is already in use"
fi
if ((prometheus)); then
  command -v prometheus >/dev/null 2>&1 ||
    die "--prometheus: no prometheus here (apt-get install prometheus)"
  port_busy "$PROMETHEUS_PORT" &&
    die "port $PROMETHEUS_PORT (Prometheus) is already in use"
fi

# ---------------------------------------------------------------------------
# 3. Stop everything, in reverse order, however this script ends.
declare -A PID=()
started=()
mariadb_started=0
cleaned=0
cleanup() {
  ((cleaned)) && return 0
  cleaned=1
  trap '' INT TERM HUP PIPE
  # Output may go to a pipe that Ctrl-C already closed (run.sh | tee log):
  # stopping must not depend on being able to say so.
  set +e
  if ((${#started[@]})) || ((mariadb_started)); then
    echo
    say "Stopping"
  fi
  local i name pid label
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    name="${started[i]}"
    pid="${PID[$name]}"
    label="qpp-$name"
    [[ $name == prometheus ]] && label=prometheus
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      # SIGTERM drains in-flight calls; give it 30 s before insisting.
      local n
      for ((n = 0; n < 300; n++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then
        warn "$label did not stop within 30 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      echo "stopped $label"
    fi
    rm -f "$RUN_DIR/pids/$name.pid"
  done
  if ((mariadb_started)); then
    bash "$HERE/mariadb.sh" stop "$RUN_DIR" 9>&- || true
  fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP
trap cleanup EXIT

# ---------------------------------------------------------------------------
# 4. MariaDB and the secrets of this run folder.
say "Starting MariaDB"
mariadb_started=1
bash "$HERE/mariadb.sh" start "$RUN_DIR" "$DB_PORT" 9>&-

# Data keyring (key id 1, 32 random bytes): encrypts personal data at rest.
# Made once per run folder; losing it makes the encrypted columns unreadable.
if [[ ! -s $RUN_DIR/secrets/data_keyring ]]; then
  (umask 077 && echo "1:$(head -c32 /dev/urandom | base64 -w0)" \
    >"$RUN_DIR/secrets/data_keyring")
fi
chmod 600 "$RUN_DIR/secrets/data_keyring"

# Settings every service reads (flags' environment overrides, QPP_<FLAG>).
# A service ignores a variable for a flag it does not have, so the same set
# goes to all; secrets are passed as file names, never as values.
COMMON_ENV=(
  QPP_DB_HOST=127.0.0.1
  QPP_DB_PORT="$DB_PORT"
  QPP_DB_USER=qpp
  QPP_DB_PASSWORD_FILE="$RUN_DIR/secrets/db_password"
  QPP_DATA_KEYRING_FILE="$RUN_DIR/secrets/data_keyring"
  QPP_LOG_LEVEL="$LOG_LEVEL"
  # Where a service finds the services it calls.
  QPP_REGISTRY_ADDRESS="127.0.0.1:${GRPC_PORT[registry]}"
  QPP_TRAINING_ADDRESS="127.0.0.1:${GRPC_PORT[training]}"
  QPP_DEMOBASE_ADDRESS="127.0.0.1:${GRPC_PORT[demobase]}"
  QPP_CULTIVATION_ADDRESS="127.0.0.1:${GRPC_PORT[cultivation]}"
)

# ---------------------------------------------------------------------------
# 5. Services.
wait_serving() {
  local name="$1" port="${HEALTH_PORT[$1]:-$2}" pid="$3" result
  if "$PYTHON" -c 'import grpc' 2>/dev/null; then
    if result="$("$PYTHON" "$HERE/grpc_health.py" "127.0.0.1:$port" \
        --wait 90 --pid "$pid")"; then
      return 0
    fi
    warn "qpp-$name is not serving: $result"
  else
    # Without python3-grpcio: the metrics port answering is the next best sign.
    local i
    for ((i = 0; i < 900; i++)); do
      curl -fs -o /dev/null "http://127.0.0.1:${METRICS_PORT[$name]}/metrics" &&
        return 0
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    warn "qpp-$name did not come up"
  fi
  echo "---- last lines of $RUN_DIR/logs/$name.log:" >&2
  tail -n 30 "$RUN_DIR/logs/$name.log" >&2
  return 1
}

start_service() {
  local name="$1"
  shift
  local log="$RUN_DIR/logs/$name.log"
  printf '\n---- %s run.sh starts qpp-%s\n' "$(date -Is)" "$name" >>"$log"
  # Own session: Ctrl-C reaches only this script, which stops the services
  # in order and MariaDB last.
  setsid env "${COMMON_ENV[@]}" "$BIN_DIR/qpp-$name" "$@" \
    </dev/null >>"$log" 2>&1 9>&- &
  PID[$name]=$!
  started+=("$name")
  echo "${PID[$name]}" >"$RUN_DIR/pids/$name.pid"
  printf '    qpp-%-12s pid %-7s ' "$name" "${PID[$name]}"
  if wait_serving "$name" "${GRPC_PORT[$name]}" "${PID[$name]}"; then
    echo "SERVING"
  else
    die "qpp-$name failed to start (log: $log)"
  fi
}

# mTLS between the gateway and the services: a private CA in the run folder
# and one certificate per process.
TLS_DIR="$RUN_DIR/tls"
bash "$HERE/certs.sh" "$TLS_DIR" gateway "${present[@]}"

say "Starting services"
for name in "${present[@]}"; do
  # The same certificate serves the service's listener and its calls to
  # the services it depends on.
  start_service "$name" \
    --listen_address="127.0.0.1:${GRPC_PORT[$name]}" \
    --metrics_address="127.0.0.1:${METRICS_PORT[$name]}" \
    --health_listen_address="127.0.0.1:${HEALTH_PORT[$name]}" \
    --tls_cert_file="$TLS_DIR/$name.crt" --tls_key_file="$TLS_DIR/$name.key" \
    --tls_client_ca_file="$TLS_DIR/ca.crt" \
    --allowed_callers="${CALLERS[$name]}"
done

# ===========================================================================
# GATEWAY ARGUMENTS — adjust this block when the gateway's flags change.
#
# Backends: every service of every proto package whose binary runs here,
# read from proto/qpp/<name>/v1/*.proto ("qpp.registry.v1.RegistryService=
# 127.0.0.1:9101,...").
#
# API keys: made once per run folder with `qpp-gateway --generate_key=dev`
# (which prints "key: <key>" and "entry: <keys-file line>"); the keys file
# holds only the salted hash, the key itself is kept in gateway/dev_api_key
# for curl and qppctl.
#
# Policy: QPP_GATEWAY_POLICY_FILE, else deploy/gateway/policy.json,
# where the principal "dev" holds the programme office's role.
GATEWAY_DIR="$RUN_DIR/gateway"
GATEWAY_POLICY_FILE="${QPP_GATEWAY_POLICY_FILE:-$ROOT/deploy/gateway/policy.json}"
GATEWAY_CLIENT_ID=dev
gateway_args() {
  local name file pkg svc out key entry backends=() protos=()
  for name in "${present[@]}"; do
    protos=("$ROOT/proto/qpp/$name/v1/"*.proto)
    # The cultivation binary also serves funding eligibility.
    [[ $name == cultivation ]] && protos+=("$ROOT/proto/qpp/funding/v1/"*.proto)
    for file in "${protos[@]}"; do
      [[ -f $file ]] || continue
      pkg="$(sed -n 's/^package \([A-Za-z0-9_.]*\);.*/\1/p' "$file")"
      for svc in $(sed -n 's/^service \([A-Za-z0-9_]*\).*/\1/p' "$file"); do
        backends+=("$pkg.$svc=127.0.0.1:${GRPC_PORT[$name]}")
      done
    done
  done
  mkdir -p "$GATEWAY_DIR/audit"
  chmod 700 "$GATEWAY_DIR"
  if [[ ! -s $GATEWAY_DIR/api_keys ]]; then
    out="$(timeout 10 "$BIN_DIR/qpp-gateway" \
      --generate_key="$GATEWAY_CLIENT_ID" </dev/null 2>&1 9>&-)" || true
    key="$(sed -n 's/^key: //p' <<<"$out")"
    entry="$(sed -n 's/^entry: //p' <<<"$out")"
    if [[ -n $key && -n $entry ]]; then
      (
        umask 077
        printf '# Development key of principal "%s", made by run.sh.\n%s\n' \
          "$GATEWAY_CLIENT_ID" "$entry" >"$GATEWAY_DIR/api_keys"
        printf '%s\n' "$key" >"$GATEWAY_DIR/dev_api_key"
      )
    else
      warn "could not make a development API key: $out"
    fi
  fi
  GATEWAY_ARGS=(
    --listen_address="127.0.0.1:${GRPC_PORT[gateway]}"
    --http_address="127.0.0.1:$GATEWAY_HTTP_PORT"
    --metrics_address="127.0.0.1:${METRICS_PORT[gateway]}"
    --backends="$(IFS=,; echo "${backends[*]}")"
    --backend_tls_ca_file="$TLS_DIR/ca.crt"
    --backend_tls_cert_file="$TLS_DIR/gateway.crt"
    --backend_tls_key_file="$TLS_DIR/gateway.key"
    --api_keys_file="$GATEWAY_DIR/api_keys"
    --policy_file="$GATEWAY_POLICY_FILE"
    --audit_dir="$GATEWAY_DIR/audit"
    --log_level="$LOG_LEVEL"
  )
}
# ===========================================================================

if ((have_gateway)) && [[ ! -f $GATEWAY_POLICY_FILE ]]; then
  warn "not starting the gateway: no policy file $GATEWAY_POLICY_FILE"
  have_gateway=0
fi
if ((have_gateway)); then
  gateway_args
  start_service gateway "${GATEWAY_ARGS[@]}"
fi

# ---------------------------------------------------------------------------
# 5b. Prometheus (--prometheus): the scrape configuration of
# deploy/prometheus/prometheus.yml, for the processes started here only,
# with its alert rules; data in the run folder.
start_prometheus() {
  local dir="$RUN_DIR/prometheus" name
  mkdir -p "$dir/data"
  {
    echo "# Made by deploy/local/run.sh from deploy/prometheus/prometheus.yml."
    sed -n '/^global:/,/^scrape_configs:/p' "$ROOT/deploy/prometheus/prometheus.yml" |
      sed "s#^  - alerts.yml#  - $ROOT/deploy/prometheus/alerts.yml#"
    echo "  - job_name: qpp"
    echo "    metrics_path: /metrics"
    echo "    static_configs:"
    for name in "${started[@]}"; do
      printf '      - targets: ["127.0.0.1:%s"]\n        labels:\n          service: %s\n' \
        "${METRICS_PORT[$name]}" "$name"
    done
  } >"$dir/prometheus.yml"
  local log="$RUN_DIR/logs/prometheus.log"
  printf '\n---- %s run.sh starts prometheus\n' "$(date -Is)" >>"$log"
  setsid prometheus --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=7d \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    </dev/null >>"$log" 2>&1 9>&- &
  PID[prometheus]=$!
  started+=(prometheus)
  printf '    %-16s pid %-7s ' prometheus "${PID[prometheus]}"
  local i
  for ((i = 0; i < 300; i++)); do
    if curl -fs -o /dev/null "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"; then
      echo "READY"
      return 0
    fi
    kill -0 "${PID[prometheus]}" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  die "prometheus failed to start (log: $log)"
}
if ((prometheus)); then
  say "Starting Prometheus"
  start_prometheus
fi

# ---------------------------------------------------------------------------
# 6. Demo data: 30 organisations, through the operators' CLI.
load_demo() {
  local marker="$RUN_DIR/demo-loaded" answer
  [[ $demo != no && -x $BIN_DIR/qppctl && -f $DEMO_CSV && -n ${PID[registry]:-} &&
    -n ${PID[gateway]:-} && -s $GATEWAY_DIR/dev_api_key ]] || return 0
  if [[ $demo == ask ]]; then
    [[ -f $marker ]] && return 0
    if [[ -t 0 ]]; then
      read -r -t 30 -p "Load the demo organisations ($(($(wc -l <"$DEMO_CSV") - 1)) rows)? [Y/n] " \
        answer || answer=y
      [[ $answer =~ ^[Nn] ]] && return 0
    fi
  fi
  say "Loading demo organisations"
  # Through the gateway, as an operator would: the registry takes calls only
  # from its mTLS callers.
  if QPP_API_KEY="$(<"$GATEWAY_DIR/dev_api_key")" "$BIN_DIR/qppctl" \
      --server "127.0.0.1:${GRPC_PORT[gateway]}" \
      import "$DEMO_CSV" >"$RUN_DIR/logs/demo-import.log" 2>&1; then
    touch "$marker"
    tail -n 3 "$RUN_DIR/logs/demo-import.log"
  else
    warn "demo import failed; see $RUN_DIR/logs/demo-import.log"
  fi
}
load_demo

# ---------------------------------------------------------------------------
# 7. Where things are, then watch until told to stop.
rel_run="${RUN_DIR#"$ROOT"/}"
echo
say "qpp is running — Ctrl-C stops it"
if ((have_gateway)); then
  printf '  %-12s gRPC 127.0.0.1:%s   HTTP/JSON http://127.0.0.1:%s   metrics http://127.0.0.1:%s/metrics\n' \
    gateway "${GRPC_PORT[gateway]}" "$GATEWAY_HTTP_PORT" "${METRICS_PORT[gateway]}"
fi
for name in "${present[@]}"; do
  printf '  %-12s gRPC 127.0.0.1:%s (mTLS)   health 127.0.0.1:%s   metrics http://127.0.0.1:%s/metrics\n' \
    "$name" "${GRPC_PORT[$name]}" "${HEALTH_PORT[$name]}" "${METRICS_PORT[$name]}"
done
if ((prometheus)); then
  # Debian's build serves the classic UI (/classic/targets); others /targets.
  printf '  %-12s http://127.0.0.1:%s/ (Status > Targets; Alerts)\n' \
    Prometheus "$PROMETHEUS_PORT"
fi
printf '  %-12s 127.0.0.1:%s  user qpp, password in %s/secrets/db_password\n' \
  MariaDB "$DB_PORT" "$rel_run"
printf '  %-12s deploy/local/mariadb.sh client %s\n' "SQL shell" "$rel_run"
echo
echo "  logs:   tail -f $rel_run/logs/*.log"
echo "  health: $PYTHON deploy/local/grpc_health.py 127.0.0.1:${HEALTH_PORT[registry]}"
echo "  mTLS:   CA and certificates in $rel_run/tls (deploy/local/certs.sh)"
if ((have_gateway)) && [[ -s $GATEWAY_DIR/dev_api_key ]]; then
  echo "  API key: $rel_run/gateway/dev_api_key (principal \"$GATEWAY_CLIENT_ID\"), e.g."
  echo "          curl -H \"x-api-key: \$(cat $rel_run/gateway/dev_api_key)\" http://127.0.0.1:$GATEWAY_HTTP_PORT/v1/organizations"
fi
if [[ -x $BIN_DIR/qppctl ]]; then
  echo "  CLI:    QPP_API_KEY=\$(cat $rel_run/gateway/dev_api_key) build/bin/qppctl --help"
fi

declare -A reported=()
while :; do
  sleep 2 &
  wait $! || true
  alive=0
  for name in "${started[@]}"; do
    if kill -0 "${PID[$name]}" 2>/dev/null; then
      alive=$((alive + 1))
    elif [[ -z ${reported[$name]:-} ]]; then
      reported[$name]=1
      status=0
      wait "${PID[$name]}" 2>/dev/null || status=$?
      warn "qpp-$name exited (status $status); see $rel_run/logs/$name.log"
    fi
  done
  ((alive > 0)) || die "every service has exited"
done
