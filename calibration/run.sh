#!/usr/bin/env bash
# The article's experiment on your own machine, for `sim fit` and `sim compare`.
#
#   calibration/run.sh           check/install the packages, run the whole series
#   calibration/run.sh --check   only say which Debian packages are missing
#
# It starts a private PostgreSQL (its own data directory under /tmp, port 54329) and
# gunicorn, both on 127.0.0.1 only, runs the series of hey runs below, saves each
# output as results/NAME.rN.txt, and stops everything it started. Nothing here talks to
# any address but 127.0.0.1. Every hey run is bounded (-n), and so is the series.
#
# Each saved file is hey's output exactly, after one first line that records the command
# ("$ hey -n 100 -c 100 -t 0 http://127.0.0.1:8000/"), the way the article quotes its
# runs; `sim compare` reads -n, -c, -t and -disable-keepalive from that line. Beside it,
# NAME.rN.server.log counts what the server side logged during the run.
#
# Environment: RESULTS (default: calibration/results), REPEATS (3: each article run is
# measured this many times), ONLY (a regular expression: run only the matching names).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
RESULTS="${RESULTS:-$HERE/results}"
REPEATS="${REPEATS:-3}"
ONLY="${ONLY:-.}"
HOST=127.0.0.1
APP_PORT=8000
PG_PORT=54329
# Nothing listens here: the "connection refused" run aims at it.
CLOSED_PORT=8001
PASSWORD=password
# Debian's Python, the one its gunicorn and python3-* packages use (another python3 may
# come first on PATH).
PYTHON=/usr/bin/python3
PACKAGES=(postgresql gunicorn python3-gevent python3-psycopg2 python3-psycogreen hey)

say() { printf 'run.sh: %s\n' "$*" >&2; }

# --- 1. The Debian packages ---------------------------------------------------------

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

ensure_packages() {
  local missing
  missing="$(missing_packages | tr '\n' ' ')"
  if [ -z "$missing" ]; then
    say "packages present: ${PACKAGES[*]}"
    return 0
  fi
  say "missing Debian packages: $missing"
  if [ "${1:-}" = check ]; then exit 1; fi
  if [ "$(id -u)" -ne 0 ]; then
    say "install them with: sudo apt-get update && sudo apt-get install -y $missing"
    exit 1
  fi
  apt-get update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
}

if [ "${1:-}" = --check ]; then
  ensure_packages check
  exit 0
fi
ensure_packages

PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$PGBIN/initdb" ] || { say "no PostgreSQL server binaries under /usr/lib/postgresql"; exit 1; }

# hey -c 1000 holds 1000 sockets at once.
ulimit -n 8192 2>/dev/null || say "could not raise the open-file limit: ulimit -n is $(ulimit -n)"

# --- 2. What we start, and how it is stopped ----------------------------------------

WORK="$(mktemp -d /tmp/gunicorn-sim-calibration.XXXXXX)"
GUNICORN_PID=""
PG_STARTED=""

as_pg_owner() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  set +e
  gunicorn_down
  if [ -n "$PG_STARTED" ]; then as_pg_owner "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m fast -w stop >/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

postgres_up() {
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$WORK"; fi
  printf '%s\n' "$PASSWORD" >"$WORK/pwfile"
  # Defaults as `docker run postgres` has them (max_connections 100, 3 reserved for
  # superusers), password authentication over TCP like the article's, loopback only.
  as_pg_owner "$PGBIN/initdb" -D "$WORK/pgdata" -U postgres --pwfile="$WORK/pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer >"$WORK/initdb.log"
  as_pg_owner "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/postgres.log" -w \
    -o "-c listen_addresses=$HOST -c port=$PG_PORT -c unix_socket_directories=$WORK -c max_connections=100 -c superuser_reserved_connections=3" \
    start >/dev/null
  PG_STARTED=1
  export PGPASSWORD="$PASSWORD"
  "$HERE/setup-db.sh" "$HOST" "$PG_PORT"
}

# gunicorn_up NAME MODULE [gunicorn options...]
gunicorn_up() {
  local name="$1" module="$2" workers=1 arg
  shift 2
  for arg in "$@"; do case "$arg" in --workers=*) workers="${arg#--workers=}" ;; esac; done
  GUNICORN_LOG="$WORK/gunicorn-$name.log"
  CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" PYTHONUNBUFFERED=1 \
    gunicorn --bind="$HOST:$APP_PORT" --chdir "$HERE/app" "$@" "$module:application" >"$GUNICORN_LOG" 2>&1 &
  GUNICORN_PID=$!
  GUNICORN_ARGS="$*"
  # Ready when every worker has booted (the socket listens earlier, before the app loads).
  local i
  for i in $(seq 1 100); do
    if [ "$(grep -c 'Booting worker' "$GUNICORN_LOG" || true)" -ge "$workers" ]; then break; fi
    kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$GUNICORN_LOG" >&2; say "gunicorn did not start"; exit 1; }
    sleep 0.1
  done
  sleep 1
  say "gunicorn $GUNICORN_ARGS $module (pid $GUNICORN_PID)"
}

gunicorn_down() {
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null
    wait "$GUNICORN_PID" 2>/dev/null
    GUNICORN_PID=""
  fi
}

# --- 3. One measurement ---------------------------------------------------------------

# measure NAME REPEATS [hey flags...] URL
measure() {
  local name="$1" repeats="$2" r out rc logstart pgstart
  shift 2
  [[ "$name" =~ $ONLY ]] || return 0
  for r in $(seq 1 "$repeats"); do
    out="$RESULTS/$name.r$r.txt"
    logstart=$(wc -l <"$GUNICORN_LOG" 2>/dev/null || echo 0)
    pgstart=$(wc -l <"$WORK/postgres.log")
    say "$name (run $r of $repeats): hey $*"
    { printf '$ hey %s\n' "$*"; } >"$out"
    rc=0
    hey "$@" >>"$out" 2>"$WORK/hey.stderr" || rc=$?
    if [ "$rc" -ne 0 ] || [ -s "$WORK/hey.stderr" ]; then
      # Kept apart so that NAME.rN.txt stays exactly what hey printed on stdout.
      { echo "exit status $rc"; cat "$WORK/hey.stderr"; } >"$RESULTS/$name.r$r.stderr.log"
      say "hey exited with status $rc; stderr saved in $name.r$r.stderr.log"
    fi
    server_summary "$logstart" "$pgstart" >"$RESULTS/$name.r$r.server.log"
    grep -E 'Requests/sec|responses|^\s+\[[0-9]+\]' "$out" >&2 || true
    # Let keep-alive connections expire and backends exit before the next run.
    sleep 3
  done
}

# What gunicorn and PostgreSQL logged during the run that just ended.
server_summary() {
  local logstart="$1" pgstart="$2"
  echo "gunicorn: $GUNICORN_ARGS"
  echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "$GUNICORN_PID" ]; then
    tail -n +"$((logstart + 1))" "$GUNICORN_LOG" | awk '
      /handled request/ { handled++ }
      /Error handling request/ { errors++ }
      /WORKER TIMEOUT/ { timeouts++ }
      /^[A-Za-z0-9_.]+(Error|Exception): / { exc[$0]++ }
      END {
        printf "handled requests: %d\nError handling request: %d\nWORKER TIMEOUT: %d\n", handled, errors, timeouts
        for (e in exc) printf "[%d]\t%s\n", exc[e], e
      }' | sort
  else
    echo "(no gunicorn running)"
  fi
  tail -n +"$((pgstart + 1))" "$WORK/postgres.log" | awk '
    /too many clients/ { refused++ }
    /reserved for/ { reserved++ }
    END { printf "postgres too many clients: %d\npostgres reserved slots: %d\n", refused, reserved }'
}

# --- 4. The series --------------------------------------------------------------------

mkdir -p "$RESULTS"
postgres_up
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel: $(uname -sr)"
  echo "cores: $(nproc)"
  # Other programs on the machine take cores from the stack under test: record the load.
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "net.core.somaxconn: $(sysctl -n net.core.somaxconn)"
  echo "net.ipv4.tcp_syn_retries: $(sysctl -n net.ipv4.tcp_syn_retries)"
  echo "python: $("$PYTHON" --version 2>&1) ($PYTHON, the one gunicorn runs)"
  dpkg-query -W -f='${Package} ${Version}\n' "${PACKAGES[@]}"
  for s in server_version max_connections superuser_reserved_connections password_encryption; do
    echo "postgres $s: $(psql -X -h "$HOST" -p "$PG_PORT" -U postgres -d postgres -tAc "SHOW $s")"
  done
} >"$RESULTS/machine.txt"
URL="http://$HOST:$APP_PORT/"

# Not in the article: one connection's cost with nothing else running (docs/validation.md).
if [[ connect-cost =~ $ONLY ]]; then
  CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" "$PYTHON" "$HERE/app/connect_cost.py" 200 >"$RESULTS/connect-cost.txt"
  cat "$RESULTS/connect-cost.txt" >&2
fi

# The article's runs (shared/seed/gunicorn-async-workers-with-gevent.txt), hey -t 0.
gunicorn_up unpatched wsgi_unpatched --workers=1 --worker-class=gevent --worker-connections=1000
measure unpatched-c10 "$REPEATS" -n 10 -c 10 -t 0 "$URL"
gunicorn_down

gunicorn_up patched wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000
for c in 10 50 75 100 101 125; do measure "patched-c$c" "$REPEATS" -n "$c" -c "$c" -t 0 "$URL"; done
# Not in the article: more points past PostgreSQL's limit, where the simulator
# underestimates Total (docs/calibration.md, "the known gap").
for c in 110 150; do measure "patched-c$c" "$REPEATS" -n "$c" -c "$c" -t 0 "$URL"; done
# Not in the article: several requests per hey worker (keep-alive reuse).
measure patched-c50-n200 "$REPEATS" -n 200 -c 50 -t 0 "$URL"
gunicorn_down

gunicorn_up actors wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100
measure actors-c1000 "$REPEATS" -n 1000 -c 1000 -t 0 "$URL"
gunicorn_down

# Not in the article: the same with gunicorn's keep-alive off, so a greenlet frees its
# pool slot as soon as it has answered.
gunicorn_up actors-keepalive0 wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=0
measure actors-keepalive0-c1000 "$REPEATS" -n 1000 -c 1000 -t 0 "$URL"
gunicorn_down

# Not in the article: gunicorn's default worker class, 4 sync workers, one request each.
gunicorn_up sync4 wsgi_unpatched --workers=4 --worker-class=sync
measure sync4-c10-n20 "$REPEATS" -n 20 -c 10 -t 0 "$URL"
gunicorn_down

# Transport errors, for hey's Error distribution and for what Requests/sec counts:
# every second request sleeps 2 s and hits hey's 1 s timeout.
gunicorn_up slow wsgi_slow --workers=1 --worker-class=gevent --worker-connections=1000
measure slow-timeouts-c1-n10 1 -n 10 -c 1 -t 1 "$URL"
gunicorn_down
# Nothing listening: every request is refused.
measure refused-c2-n10 1 -n 10 -c 2 -t 1 "http://$HOST:$CLOSED_PORT/"

say "results in $RESULTS"
