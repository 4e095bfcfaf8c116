#!/usr/bin/env bash
# A private MariaDB server in a folder of its own, on loopback: no system
# service, no /etc/mysql, nothing outside DIR.
#
# Usage:
#   deploy/local/mariadb.sh start DIR [PORT]   start (creating DIR on first use)
#   deploy/local/mariadb.sh stop DIR           clean shutdown, waits for it
#   deploy/local/mariadb.sh status DIR         exit 0 if it answers
#   deploy/local/mariadb.sh client DIR [ARGS]  mariadb client as the admin
#
# PORT defaults to 3307, so that it never meets a system server on 3306.
# Set QPP_MARIADB_EPHEMERAL=1 for a throwaway test server: faster, but
# trades durability for speed (no fsync per commit, no doublewrite).
#
# Layout of DIR:
#   my.cnf                  written on every start
#   data/                   the databases (kept across runs)
#   mariadb.sock, mariadb.pid
#   logs/mariadb.log        the server's error log
#   secrets/db_password     password of 'qpp'@'127.0.0.1' (mode 600)
#
# The admin is the OS user running this script (root here), authenticated by
# the socket, so no admin password exists. Services connect over TCP as
# 'qpp'@'127.0.0.1', which may do anything in schemas named qpp_*.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

die() { echo "mariadb.sh: $*" >&2; exit 1; }

find_tool() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    if [[ -x /usr/sbin/$name ]]; then echo "/usr/sbin/$name"; return; fi
  done
  die "none of $* found; run deploy/local/install-deps.sh"
}

# Absolute path of DIR (created if needed).
abs_dir() { mkdir -p "$1" && (cd "$1" && pwd); }

pid_of() {
  local pid_file="$1/mariadb.pid" pid
  [[ -s $pid_file ]] || return 1
  pid="$(<"$pid_file")"
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A server killed with -9 stays a zombie until its parent reaps it (no
  # init reaps it in some containers): it holds nothing and is not running.
  [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" == Z* ]] && return 1
  echo "$pid"
}

admin() { "$MARIADB_ADMIN" --defaults-file="$DIR/my.cnf" "$@"; }

write_config() {
  local port="$1" os_user
  os_user="$(id -un)"
  {
    echo "# Written by deploy/local/mariadb.sh on every start; edit that instead."
    echo "[client]"
    echo "socket = $DIR/mariadb.sock"
    echo "user = $os_user"
    echo "default-character-set = utf8mb4"
    echo
    echo "[mysqld]"
    echo "user = $os_user"
    echo "bind-address = 127.0.0.1"
    echo "port = $port"
    echo "socket = $DIR/mariadb.sock"
    echo "datadir = $DIR/data"
    echo "pid-file = $DIR/mariadb.pid"
    echo "log-error = $DIR/logs/mariadb.log"
    echo "tmpdir = $DIR/tmp"
    echo "character-set-server = utf8mb4"
    echo "collation-server = utf8mb4_unicode_ci"
    echo "innodb_buffer_pool_size = 256M"
    echo "max_connections = 500"
    echo "skip-name-resolve"
    echo "skip-log-bin"
    if [[ ${QPP_MARIADB_EPHEMERAL:-0} == 1 ]]; then
      echo "# Throwaway server: speed over durability."
      echo "innodb_flush_log_at_trx_commit = 0"
      echo "innodb_doublewrite = 0"
    fi
  } >"$DIR/my.cnf.new"
  mv "$DIR/my.cnf.new" "$DIR/my.cnf"
}

new_password() {
  # 32 characters [A-Za-z0-9]: no quoting trouble in SQL, shells or URLs.
  local pw=""
  while ((${#pw} < 32)); do
    pw+="$(head -c 48 /dev/urandom | base64 -w0 | tr -d '/+=')"
  done
  echo "${pw:0:32}"
}

ensure_app_user() {
  local pw_file="$DIR/secrets/db_password" pw
  if [[ ! -s $pw_file ]]; then
    (umask 077 && new_password >"$pw_file")
  fi
  chmod 600 "$pw_file"
  pw="$(<"$pw_file")"
  [[ $pw =~ ^[A-Za-z0-9]+$ ]] || die "$pw_file must hold only [A-Za-z0-9]"
  # ALTER keeps the account in step with the file if someone replaced it.
  "$MARIADB" --defaults-file="$DIR/my.cnf" --batch <<SQL
CREATE USER IF NOT EXISTS 'qpp'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER 'qpp'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON \`qpp\\_%\`.* TO 'qpp'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
}

cmd_start() {
  local port="${1:-3307}" pid i
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    die "bad port '$port'"
  fi
  mkdir -p "$DIR/logs" "$DIR/tmp" "$DIR/secrets"
  chmod 700 "$DIR/secrets"

  if pid="$(pid_of "$DIR")"; then
    if admin --connect-timeout=2 ping >/dev/null 2>&1; then
      echo "mariadb: already running (pid $pid) in $DIR"
      ensure_app_user
      return 0
    fi
    die "a mariadbd (pid $pid) owns $DIR but does not answer; stop it first"
  fi

  write_config "$port"

  if [[ ! -d $DIR/data/mysql ]]; then
    echo "mariadb: creating a new data directory in $DIR/data"
    local install_args=(
      --no-defaults --datadir="$DIR/data" --user="$(id -un)"
      --auth-root-authentication-method=socket --skip-test-db
      --skip-name-resolve
    )
    if ! "$INSTALL_DB" "${install_args[@]}" >"$DIR/logs/install-db.log" 2>&1
    then
      tail -n 30 "$DIR/logs/install-db.log" >&2
      rm -rf "$DIR/data"
      die "mariadb-install-db failed (log: $DIR/logs/install-db.log)"
    fi
  fi

  # Own session: a Ctrl-C in the caller's terminal must not reach the server;
  # the caller stops it in order, after the services that use it.
  local log_size=0
  [[ -f $DIR/logs/mariadb.log ]] && log_size="$(stat -c %s "$DIR/logs/mariadb.log")"
  setsid "$MARIADBD" --defaults-file="$DIR/my.cnf" \
    </dev/null >>"$DIR/logs/mariadb.log" 2>&1 &
  local server_pid=$!

  for ((i = 0; i < 600; i++)); do
    if admin --connect-timeout=1 ping >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "mariadb: the server exited during start-up; its log says:" >&2
      tail -c +"$((log_size + 1))" "$DIR/logs/mariadb.log" | tail -n 20 >&2
      exit 1
    fi
    sleep 0.1
  done
  if ! admin --connect-timeout=1 ping >/dev/null 2>&1; then
    kill -TERM "$server_pid" 2>/dev/null || true
    die "no answer after 60 s (log: $DIR/logs/mariadb.log)"
  fi

  ensure_app_user
  echo "mariadb: ready on 127.0.0.1:$port (pid $server_pid, data in $DIR/data)"
}

cmd_stop() {
  local pid i
  if ! pid="$(pid_of "$DIR")"; then
    echo "mariadb: not running in $DIR"
    return 0
  fi
  if ! admin --connect-timeout=5 shutdown >/dev/null 2>&1; then
    echo "mariadb: shutdown via the socket failed; sending SIGTERM to $pid" >&2
    kill -TERM "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$pid" 2>/dev/null || { echo "mariadb: stopped"; return 0; }
    sleep 0.1
  done
  echo "mariadb: still running after 120 s; killing $pid" >&2
  kill -KILL "$pid" 2>/dev/null || true
  return 1
}

cmd_status() {
  local pid
  if pid="$(pid_of "$DIR")" && admin --connect-timeout=2 ping >/dev/null 2>&1
  then
    echo "mariadb: running (pid $pid) on port $(sed -n 's/^port = //p' \
      "$DIR/my.cnf")"
    return 0
  fi
  echo "mariadb: not running in $DIR"
  return 1
}

[[ $# -ge 2 ]] || { usage >&2; exit 2; }
command="$1"
if [[ $command == start ]]; then
  DIR="$(abs_dir "$2")"
elif [[ -d $2 ]]; then
  DIR="$(cd "$2" && pwd)"
else
  echo "mariadb: nothing in $2"
  [[ $command == stop ]] && exit 0 || exit 1
fi
shift 2

MARIADB="$(find_tool mariadb mysql)"
MARIADB_ADMIN="$(find_tool mariadb-admin mysqladmin)"
MARIADBD="$(find_tool mariadbd mysqld)"
INSTALL_DB="$(find_tool mariadb-install-db mysql_install_db)"

case "$command" in
  start) cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  client) exec "$MARIADB" --defaults-file="$DIR/my.cnf" "$@" ;;
  *) usage >&2; exit 2 ;;
esac
