# Shared by the kit's scripts (run.sh: the load series, costs.sh: the micro-benchmarks,
# and the others); sourced, not run. It defines the settings and the functions that start
# and stop the kit's private PostgreSQL and gunicorn (127.0.0.1 only), the fleet kits'
# nginx configuration, and the quiet protocol. Nothing starts until
# a script calls kit_init.
#
# The quiet protocol: the machine's cores are shared with other work, which waits while
# /tmp/QUIET exists (`wait-quiet`). quiet_begin creates it for the duration of a
# measurement, first waiting (up to QUIET_SETTLE seconds) until the machine is idle;
# quiet_end removes it, and after a block longer than QUIET_MAX_BLOCK seconds leaves it
# removed for QUIET_PAUSE seconds so that the others can run. The exit trap removes it.

# shellcheck shell=bash
HERE="${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
HOST=127.0.0.1
APP_PORT="${APP_PORT:-8000}"
PG_PORT="${PG_PORT:-54329}"
# Nothing listens here: the "connection refused" run aims at it.
CLOSED_PORT=8001
PASSWORD=password
# Debian's Python, the one its gunicorn and python3-* packages use (another python3 may
# come first on PATH).
PYTHON=/usr/bin/python3
PACKAGES=(postgresql gunicorn python3-gevent python3-psycopg2 python3-psycogreen hey)
QUIET_FILE=/tmp/QUIET
QUIET_SETTLE="${QUIET_SETTLE:-180}"
QUIET_MAX_BLOCK="${QUIET_MAX_BLOCK:-420}"
QUIET_PAUSE="${QUIET_PAUSE:-90}"
# How many times measure runs a load run again that shared the machine (see measure).
KIT_RERUNS="${KIT_RERUNS:-2}"
# A load run still going after KIT_HANG_AFTER seconds has hung (the kit's runs take 25 s at
# most): it is killed, kept as NAME.rN.hung*.* and run again, up to KIT_HANG_RERUNS times.
KIT_HANG_AFTER="${KIT_HANG_AFTER:-120}"
KIT_HANG_RERUNS="${KIT_HANG_RERUNS:-3}"
# Extra postgres -c settings (costs.sh turns autovacuum off).
PG_EXTRA_OPTS="${PG_EXTRA_OPTS:-}"

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }

# whole_count NAME: the variable NAME holds a positive whole number (ROUNDS=3), or the
# script stops with exit 2 before it starts anything.
whole_count() {
  case "${!1}" in '' | *[!0-9]* | 0) say "$1 must be a positive whole number, not '${!1}'"; exit 2 ;; esac
}

# result_tag TAG WHERE: TAG names results (WHERE, e.g. results/run-seconds-TAG/): not empty,
# no /, not hidden; or the script stops with exit 2 before it starts anything.
result_tag() {
  case "$1" in '' | */* | .*) say "give a TAG ($2), a name without /"; exit 2 ;; esac
}

# --- The Debian packages ---------------------------------------------------------------

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

# --- What we start, and how it is stopped ------------------------------------------------

GUNICORN_PID=""
PG_STARTED=""
QUIET_HELD=""
QUIET_SINCE=0

# kit_init: packages, PostgreSQL binaries, open-file limit, a work directory, the trap.
kit_init() {
  ensure_packages
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$PGBIN/initdb" ] || { say "no PostgreSQL server binaries under /usr/lib/postgresql"; exit 1; }
  # hey -c 1000 holds 1000 sockets at once.
  ulimit -n 8192 2>/dev/null || say "could not raise the open-file limit: ulimit -n is $(ulimit -n)"
  WORK="$(mktemp -d /tmp/gunicorn-sim-calibration.XXXXXX)"
  trap kit_cleanup EXIT
  trap 'exit 130' INT TERM
}

as_pg_owner() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

kit_cleanup() {
  set +eu
  if declare -F kit_cleanup_hook >/dev/null; then kit_cleanup_hook; fi
  spinners_stop
  sched_trace_end
  fill_down
  gunicorn_down
  if [ -n "$PG_STARTED" ]; then as_pg_owner "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m fast -w stop >/dev/null; fi
  rm -rf "$WORK"
  if [ -n "$QUIET_HELD" ]; then rm -f "$QUIET_FILE"; fi
}

postgres_up() {
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$WORK"; fi
  printf '%s\n' "$PASSWORD" >"$WORK/pwfile"
  # Defaults as `docker run postgres` has them (max_connections 100, 3 reserved for
  # superusers), password authentication over TCP like the article's, loopback only.
  as_pg_owner "$PGBIN/initdb" -D "$WORK/pgdata" -U postgres --pwfile="$WORK/pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer >"$WORK/initdb.log"
  as_pg_owner "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/postgres.log" -w \
    -o "-c listen_addresses=$HOST -c port=$PG_PORT -c unix_socket_directories=$WORK -c max_connections=100 -c superuser_reserved_connections=3 $PG_EXTRA_OPTS" \
    start >/dev/null
  PG_STARTED=1
  export PGPASSWORD="$PASSWORD"
  "$HERE/setup-db.sh" "$HOST" "$PG_PORT"
}

# postgres_down: the kit's PostgreSQL stopped and its data directory gone, so that
# postgres_up can start another with other options (PG_EXTRA_OPTS).
postgres_down() {
  [ -n "$PG_STARTED" ] || return 0
  as_pg_owner "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m fast -w stop >/dev/null
  rm -rf "$WORK/pgdata"
  PG_STARTED=""
}

postmaster_pid() { head -n 1 "$WORK/pgdata/postmaster.pid"; }

# SQL as the postgres superuser over the Unix socket (peer authentication), so it works
# whatever pg_hba.conf says for TCP.
pg_local() { as_pg_owner psql -X -q -h "$WORK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# pg_host_auth METHOD: every TCP line of pg_hba.conf uses METHOD; reloads.
pg_host_auth() {
  sed -i -E "s/^(host[[:space:]].*[[:space:]])(scram-sha-256|md5|trust|password)[[:space:]]*$/\\1$1/" "$WORK/pgdata/pg_hba.conf"
  pg_local -c 'SELECT pg_reload_conf()' >/dev/null
  sleep 0.5
}

# auth_known METHOD: one of pg_hba.conf's methods the kit sets up.
auth_known() { case "$1" in scram-sha-256 | md5 | trust) return 0 ;; *) return 1 ;; esac; }

# auth_check WHO: AUTH (default scram-sha-256: the kit's initdb) is a known method, or WHO
# exits 2 saying so, before anything starts.
auth_check() {
  AUTH="${AUTH:-scram-sha-256}"
  auth_known "$AUTH" && return 0
  echo "$1: AUTH is scram-sha-256, md5 or trust (pg_hba.conf's method), not '$AUTH'" >&2
  exit 2
}

# pg_auth METHOD: the kit's role authenticates over TCP with METHOD (scram-sha-256, md5 or
# trust): its password stored for it (PostgreSQL answers an md5 line with scram when the
# stored password is scram's) and every TCP line of pg_hba.conf set to it.
pg_auth() {
  auth_known "$1" || { echo "pg_auth: METHOD is scram-sha-256, md5 or trust, not '$1'" >&2; return 2; }
  local stored=scram-sha-256
  [ "$1" = md5 ] && stored=md5
  pg_local -c "SET password_encryption = '$stored'" -c "ALTER ROLE postgres PASSWORD '$PASSWORD'"
  pg_host_auth "$1"
}

# postgres_up_with_auth WHO BASE [SUFFIX]: AUTH checked (auth_check WHO), the kit's
# PostgreSQL up with its role authenticating by AUTH, and OUT set to where WHO writes:
# $RESULTS/BASE SUFFIX with scram-sha-256 (the kit's initdb), $RESULTS/BASE-AUTH SUFFIX else.
postgres_up_with_auth() {
  auth_check "$1"
  kit_init
  postgres_up
  OUT="$RESULTS/$2${3:-}"
  if [ "$AUTH" != scram-sha-256 ]; then
    pg_auth "$AUTH"
    OUT="$RESULTS/$2-$AUTH${3:-}"
  fi
}

# gunicorn_up NAME MODULE [gunicorn options...]
gunicorn_up() {
  local name="$1" module="$2" workers=1 arg
  shift 2
  for arg in "$@"; do case "$arg" in --workers=*) workers="${arg#--workers=}" ;; esac; done
  GUNICORN_LOG="$WORK/gunicorn-$name.log"
  # Created before gunicorn starts, so that the readiness check below can read it at once.
  : >"$GUNICORN_LOG"
  # APP_PG_PORT: where the app connects, when not to PostgreSQL itself (pgbouncer.sh).
  CAL_PGHOST="$HOST" CAL_PGPORT="${APP_PG_PORT:-$PG_PORT}" CAL_PGPASSWORD="$PASSWORD" PYTHONUNBUFFERED=1 \
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

# measure_round NAME ROUND DIR [hey flags...] URL: one run of measure's, saved in DIR as
# round ROUND's (NAME.rROUND.*), with the pool's event lines of the gunicorn's log
# (app/wsgi_pool.py's CAL_POOL_EVENTS) as NAME.rROUND.events.txt. measure numbers its runs
# itself; a round's run is the first of a directory of its own, renamed.
measure_round() {
  local name="$1" round="$2" dir="$3" out="$RESULTS" f
  shift 3
  RESULTS="$WORK/run"
  mkdir -p "$RESULTS" "$dir"
  measure "$name" 1 "$@"
  RESULTS="$out"
  for f in "$WORK/run/$name.r1."*; do
    mv "$f" "$dir/$(basename "$f" | sed "s/\.r1\./.r$round./")"
  done
  grep '^pool ' "$GUNICORN_LOG" >"$dir/$name.r$round.events.txt" || true
}

# measure NAME REPEATS [hey flags...] URL: REPEATS runs of hey (when ONLY selects NAME),
# each saved as NAME.rN.txt (hey's output after a "$ hey ..." line) with NAME.rN.cpu.txt
# (bench/loadrun.py), NAME.rN.server.log (server_summary) and, when hey failed,
# NAME.rN.stderr.log; the machine held quiet (quiet_begin). A run that shared the machine
# with other work is run again (below). With KIT_ROUND set (run.sh's ALTERNATE), only run
# KIT_ROUND of the REPEATS, and nothing past them.
measure() {
  local name="$1" repeats="$2" of="$2" r out rc logstart pgstart other shared hung
  shift 2
  [[ "$name" =~ $ONLY ]] || return 0
  r=1
  if [ -n "${KIT_ROUND:-}" ]; then
    [ "$KIT_ROUND" -le "$repeats" ] || return 0
    r=$KIT_ROUND repeats=$KIT_ROUND
  fi
  quiet_begin
  shared=0
  hung=0
  while [ "$r" -le "$repeats" ]; do
    out="$RESULTS/$name.r$r.txt"
    logstart=$(wc -l <"$GUNICORN_LOG" 2>/dev/null || echo 0)
    pgstart=$(wc -l <"$WORK/postgres.log")
    say "$name (run $r of $of): hey $*"
    { printf '$ hey %s\n' "$*"; } >"$out"
    rm -f "$RESULTS/$name.r$r.stderr.log"
    rc=0
    "$PYTHON" "$HERE/bench/loadrun.py" --out "$out" --stderr "$WORK/hey.stderr" --cpu "$RESULTS/$name.r$r.cpu.txt" \
      ${GUNICORN_PID:+--gunicorn-pid "$GUNICORN_PID" --gunicorn-log "$GUNICORN_LOG"} \
      --postmaster-pid "$(postmaster_pid)" --hang-after "$KIT_HANG_AFTER" --hung "$RESULTS/$name.r$r.connections.txt" \
      -- "$@" || rc=$?
    if [ "$rc" -ne 0 ] || [ -s "$WORK/hey.stderr" ]; then
      # Kept apart so that NAME.rN.txt stays exactly what hey printed on stdout.
      { echo "exit status $rc"; cat "$WORK/hey.stderr"; } >"$RESULTS/$name.r$r.stderr.log"
      say "hey exited with status $rc; stderr saved in $name.r$r.stderr.log"
    fi
    server_summary "$logstart" "$pgstart" >"$RESULTS/$name.r$r.server.log"
    grep -E 'Requests/sec|responses|^\s+\[[0-9]+\]' "$out" >&2 || true
    grep -E '^(postmaster share|workers cpu|hey share|other processes cpu)' "$RESULTS/$name.r$r.cpu.txt" >&2 || true
    # Let keep-alive connections expire and backends exit before the next run (loadrun.py
    # has waited 1 s already).
    sleep 3
    if grep -q '^hey hung' "$RESULTS/$name.r$r.cpu.txt"; then
      hung=$((hung + 1))
      set_hung "$name.r$r" "$hung"
      if [ "$hung" -le "$KIT_HANG_RERUNS" ]; then
        say "WARNING: hey hung in $name.r$r, killed after $KIT_HANG_AFTER s: kept as $name.r$r.hung*, run again"
        continue
      fi
      say "WARNING: hey hung in $name.r$r $hung times: kept as $name.r$r.hung*, not run again"
      hung=0
      r=$((r + 1))
      continue
    fi
    # Other work took a fifth of a core or more while the run ran: the quiet protocol
    # checked the machine only when the block began, so the run measured a shared machine.
    # It is set aside (RESULTS/shared/) and run again once the machine is idle, up to
    # KIT_RERUNS times; past that it is kept, with the warning.
    other=$(shared_cores "$RESULTS/$name.r$r.cpu.txt")
    if [ -n "$other" ]; then
      if [ "$shared" -lt "$KIT_RERUNS" ]; then
        shared=$((shared + 1))
        set_aside "$name.r$r" "$shared"
        say "WARNING: other processes used $other cores during $name.r$r: set aside in shared/, run again once the machine is idle"
        wait_idle
        say "machine ${IDLE_BUSY}% busy after waiting ${IDLE_WAITED} s"
        continue
      fi
      say "WARNING: other processes used $other cores during $name.r$r: the run shared the machine (kept after $KIT_RERUNS reruns)"
    fi
    shared=0
    r=$((r + 1))
  done
}

# shared_cores CPU_TXT: the cores other processes used during the run (bench/loadrun.py's
# "other processes cpu" line), printed when a fifth of a core or more, else nothing.
shared_cores() {
  local share
  share=$(sed -n 's/^other processes cpu: [0-9.]* (share \([0-9.]*\) cores.*/\1/p' "$1")
  if [ -n "$share" ] && awk -v s="$share" 'BEGIN { exit !(s >= 0.2) }'; then echo "$share"; fi
}

# set_aside RUN K: a run that shared the machine moves to RESULTS/shared/RUN.K.* (its
# NAME.rN.* files), out of the way of the readers that glob NAME.r*.txt.
set_aside() {
  local run="$1" k="$2" f
  mkdir -p "$RESULTS/shared"
  for f in "$RESULTS/$run".*; do
    [ -e "$f" ] || continue
    mv "$f" "$RESULTS/shared/$run.$k.${f#"$RESULTS/$run".}"
  done
}

# set_hung RUN K: a run whose hey hung becomes RUN.hung.* (RUN.hungK.* from its second
# hang on), out of the way of the readers that glob NAME.rN.txt.
set_hung() {
  local run="$1" k="$2" f tag=hung
  [ "$k" -le 1 ] || tag="hung$k"
  for f in "$RESULTS/$run".*; do
    [ -e "$f" ] || continue
    case "$f" in "$RESULTS/$run".hung*) continue ;; esac
    mv "$f" "$RESULTS/$run.$tag.${f#"$RESULTS/$run".}"
  done
}

# wait_idle: until the machine is under 10 % busy for a second, at most QUIET_SETTLE
# seconds; IDLE_BUSY and IDLE_WAITED say how busy it was at the end and how long it took.
wait_idle() {
  IDLE_WAITED=0
  while IDLE_BUSY=$(machine_busy) && [ "$IDLE_BUSY" -ge 10 ] && [ "$IDLE_WAITED" -lt "$QUIET_SETTLE" ]; do
    IDLE_WAITED=$((IDLE_WAITED + 1))
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

# keep_round NAME R: a single run saved as NAME.r1.* becomes round R of an alternated
# series (NAME.rR.*, held as .tmp until rounds_done, so a broken series leaves no round
# mistaken for a whole one).
keep_round() {
  local f
  for f in "$RESULTS/$1".r1.*; do
    [[ $f == *.tmp ]] || mv "$f" "$RESULTS/$1.r$2${f#"$RESULTS/$1.r1"}.tmp"
  done
}
# rounds_done PREFIX: the rounds kept for names starting with PREFIX are complete.
rounds_done() {
  local f
  for f in "$RESULTS/$1"*.tmp; do [ -e "$f" ] && mv "$f" "${f%.tmp}"; done
  return 0
}

# wait_log_lines REGEX N: until gunicorn's log has N lines matching REGEX (at most 30 s).
wait_log_lines() {
  local i
  for i in $(seq 1 300); do
    if [ "$(grep -cE "$1" "$GUNICORN_LOG" || true)" -ge "$2" ]; then return 0; fi
    sleep 0.1
  done
  say "gunicorn's log has fewer than $2 lines matching '$1' after 30 s"
}

gunicorn_down() {
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null
    wait "$GUNICORN_PID" 2>/dev/null
    GUNICORN_PID=""
  fi
}

# --- nginx, for the fleet kits ----------------------------------------------------------

# nginx_conf PORT LOCATION UPSTREAM_PORT...: $WORK/nginx.conf, an nginx of one worker
# process on HOST:PORT in front of the upstreams on HOST (round robin), its pid file and
# error log in WORK (Debian's own nginx service is not used). LOCATION: directives after
# proxy_pass ("" for nginx's defaults).
nginx_conf() {
  local port="$1" location="$2" upstream servers=""
  shift 2
  for upstream in "$@"; do servers+="server $HOST:$upstream; "; done
  cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream app { $servers}
  server {
    listen $HOST:$port backlog=4096;
    location / { proxy_pass http://app;${location:+ $location} }
  }
}
NGINX
}

# --- The quiet protocol ----------------------------------------------------------------

# Busy fraction of the whole machine over one second, from /proc/stat.
machine_busy() {
  local a b sa sb
  a=($(head -n 1 /proc/stat))
  sa=$(spinner_ticks)
  sleep 1
  b=($(head -n 1 /proc/stat))
  sb=$(spinner_ticks)
  local total=0 idle i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  # The spinners' time is the idle time they take, not work.
  idle=$((b[4] - a[4] + b[5] - a[5] + sb - sa))
  echo $(((total - idle) * 100 / (total > 0 ? total : 1)))
}

# Spinners: one busy loop a core at SCHED_IDLE, which runs only when nothing else wants the
# core, so that no core goes idle between the operations a micro-benchmark times (on the
# third AMD machine an operation that follows an idle moment of its core costs 1.5-1.8 times
# as much: bench/duty_speed.py). Started by the script that stops them (busy_cores.sh,
# measure.sh, spinner_cost.sh); the scripts it runs see SPINNER_PIDS and leave them be.
# spinners_start [COMMAND...]: the busy loop, a shell loop unless given.
SPINNER_PIDS="${SPINNER_PIDS:-}"
SPINNER_OWNER="${SPINNER_OWNER:-}"
spinners_start() {
  local c
  [ "$#" -gt 0 ] || set -- sh -c 'while :; do :; done'
  SPINNER_OWNER=$$
  for c in $(seq 0 $(($(nproc) - 1))); do
    chrt -i 0 taskset -c "$c" "$@" &
    SPINNER_PIDS="$SPINNER_PIDS $!"
  done
  export SPINNER_PIDS SPINNER_OWNER
  say "a SCHED_IDLE spinner on each of $(nproc) cores:$SPINNER_PIDS"
}
spinners_stop() {
  [ "$SPINNER_OWNER" = $$ ] || return 0
  # shellcheck disable=SC2086
  [ -z "$SPINNER_PIDS" ] || { kill $SPINNER_PIDS 2>/dev/null; wait $SPINNER_PIDS 2>/dev/null; } || true
  SPINNER_PIDS=""
  SPINNER_OWNER=""
}
# The spinners' CPU so far, in the clock ticks of /proc/stat.
spinner_ticks() {
  local p t=0 f
  for p in $SPINNER_PIDS; do
    f=($(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null)) || continue
    t=$((t + f[11] + f[12]))
  done
  echo "$t"
}

FILL_PID=""
# PostgreSQL full: fill_pg.py holds every connection slot until its stdin closes.
fill_up() {
  mkfifo "$WORK/fill.in"
  CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" \
    "$PYTHON" "$HERE/bench/fill_pg.py" <"$WORK/fill.in" >"$WORK/fill.out" &
  FILL_PID=$!
  exec 7>"$WORK/fill.in"
  local i
  for i in $(seq 1 100); do
    grep -q holding "$WORK/fill.out" 2>/dev/null && break
    sleep 0.1
  done
  say "fill_pg.py: $(cat "$WORK/fill.out")"
  grep -q 'holding 100 connections' "$WORK/fill.out" || { say "PostgreSQL not full"; exit 1; }
}

fill_down() {
  if [ -n "$FILL_PID" ]; then
    exec 7>&-
    wait "$FILL_PID" 2>/dev/null || true
    FILL_PID=""
    rm -f "$WORK/fill.in"
    sleep 1
  fi
}

quiet_begin() {
  if [ -n "$QUIET_HELD" ]; then return 0; fi
  # Another measurement (another kit) holds it: wait for it.
  while [ -e "$QUIET_FILE" ]; do sleep 5; done
  touch "$QUIET_FILE"
  QUIET_HELD=1
  QUIET_SINCE=$SECONDS
  # Work that started before the flag appeared runs to its end.
  wait_idle
  say "quiet (machine ${IDLE_BUSY}% busy after waiting ${IDLE_WAITED} s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

# quiet_end [now]: after a block longer than QUIET_MAX_BLOCK, release the flag and pause
# QUIET_PAUSE seconds before the next block; with "now", release it at once, no pause.
quiet_end() {
  if [ -z "$QUIET_HELD" ]; then return 0; fi
  if [ "${1:-}" = now ]; then
    rm -f "$QUIET_FILE"
    QUIET_HELD=""
    say "quiet released after $((SECONDS - QUIET_SINCE)) s"
  elif [ $((SECONDS - QUIET_SINCE)) -ge "$QUIET_MAX_BLOCK" ]; then
    rm -f "$QUIET_FILE"
    QUIET_HELD=""
    say "quiet released after $((SECONDS - QUIET_SINCE)) s; pausing ${QUIET_PAUSE} s"
    sleep "$QUIET_PAUSE"
  fi
}

# The kernel's scheduler events through tracefs (root; wakeups.sh, sched_waves below), and
# any other event named GROUP/NAME (postmaster_backlog.sh: sock/inet_sock_set_state).
# sched_trace_check: tracefs is there and writable. sched_trace_begin KB EVENT...: the
# per-CPU buffer set to KB (put back by sched_trace_end, or by kit_cleanup when a run
# stops early); sched_trace_start clears the trace and records the events,
# sched_trace_stop stops; the trace is "$TRACEFS/trace".
TRACEFS=/sys/kernel/tracing
SCHED_EVENTS=()
SCHED_OLD_BUFFER=""
sched_trace_check() {
  # A machine that never traced has tracefs unmounted: as root, mount it (what it needs no more than root).
  if [ ! -e "$TRACEFS/tracing_on" ] && [ "$(id -u)" -eq 0 ] && [ -d "$TRACEFS" ]; then
    mount -t tracefs nodev "$TRACEFS" && say "mounted tracefs at $TRACEFS"
  fi
  [ -w "$TRACEFS/tracing_on" ] || { say "no writable tracefs at $TRACEFS (run as root, with tracefs mounted)"; exit 1; }
}

# measure_preflight: what measure.sh's steps need beyond the kit's packages, checked before
# the first of them starts rather than minutes in: root (perf's uprobes on postgres, the
# scheduler's events in tracefs), tracefs, perf (Debian's linux-perf, installed as the
# packages are) and a C compiler (the spinners, wakeup_latency.c).
measure_preflight() {
  [ "$(id -u)" -eq 0 ] || { say "needs root: perf's uprobes on postgres and the scheduler's events in tracefs"; exit 1; }
  sched_trace_check
  command -v cc >/dev/null || { say "needs a C compiler (cc): apt-get install -y gcc"; exit 1; }
  PACKAGES+=(linux-perf)
  ensure_packages
  command -v perf >/dev/null || { say "linux-perf is installed but no perf command is on PATH"; exit 1; }
}
sched_trace_begin() {
  local kb="$1"
  shift
  SCHED_EVENTS=("$@")
  SCHED_OLD_BUFFER=$(awk '{print $1}' "$TRACEFS/buffer_size_kb")
  echo "$kb" >"$TRACEFS/buffer_size_kb"
}
sched_trace_start() {
  local e
  echo 0 >"$TRACEFS/tracing_on"
  echo >"$TRACEFS/trace"
  for e in "${SCHED_EVENTS[@]}"; do echo 1 >"$TRACEFS/events/$(trace_event_path "$e")/enable"; done
  echo 1 >"$TRACEFS/tracing_on"
}
sched_trace_stop() {
  local e
  echo 0 >"$TRACEFS/tracing_on"
  for e in "${SCHED_EVENTS[@]}"; do echo 0 >"$TRACEFS/events/$(trace_event_path "$e")/enable"; done
}
# An event's directory under events/: a scheduler event by its name, another as GROUP/NAME.
trace_event_path() { case "$1" in */*) echo "$1" ;; *) echo "sched/$1" ;; esac; }
# sched_traced_storm SECONDS: the kit's storm (hey -n 1000 -c 1000) with the scheduler's
# events traced for its first SECONDS; hey's output in $WORK/hey.txt, the trace in
# $WORK/trace.txt (storm_backends.sh, storm_slots.sh).
sched_traced_storm() {
  local hey_pid
  sched_trace_start
  hey -n 1000 -c 1000 -t 0 "http://$HOST:$APP_PORT/" >"$WORK/hey.txt" &
  hey_pid=$!
  sleep "$1"
  sched_trace_stop
  wait "$hey_pid"
  cat "$TRACEFS/trace" >"$WORK/trace.txt"
}
# sched_storm_runs OUT CMD...: RUNS (2) storms traced as sched_traced_storm does them (for
# TRACE_SECONDS, 2.0), each one's 500s and Requests/sec said and appended to OUT, followed
# by what CMD reads of the trace ($WORK/trace.txt) (storm_slots.sh, sync_close.sh,
# postmaster_backlog.sh).
sched_storm_runs() {
  local out="$1" r refused rps
  shift
  for r in $(seq 1 "${RUNS:-2}"); do
    sched_traced_storm "${TRACE_SECONDS:-2.0}"
    refused=$(awk '/\[500\]/ {print $2}' "$WORK/hey.txt")
    rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/hey.txt")
    say "run $r: $(wc -l <"$WORK/trace.txt") events, ${refused:-0} 500s, $rps req/s"
    { echo "run $r: ${refused:-0} 500s, $rps req/s"; "$@"; } >>"$out"
    sleep 2
  done
}
sched_trace_end() {
  [ -n "$SCHED_OLD_BUFFER" ] || return 0
  sched_trace_stop
  echo "$SCHED_OLD_BUFFER" >"$TRACEFS/buffer_size_kb"
  SCHED_OLD_BUFFER=""
}

# Waves traced (spread_sched.sh, wave_wakes.sh). sched_waves NAME OUT READ EVENT...: one
# gevent worker x 1000 with the kit's pg_sleep(1) handler, hey -n C -c C for C = 50 and 100
# alternated RUNS (3) rounds, the scheduler's EVENTs traced around each; READ (a shell
# function) reads the trace in $WORK/trace.txt, with the worker's pid in W, the postmaster's
# in PM, c, r and Slowest - Fastest in spread, and appends to OUT.
sched_waves() {
  local name="$1" out="$2" read="$3" r c
  shift 3
  gunicorn_up "$name" wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000
  W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
  PM=$(postmaster_pid)
  quiet_begin
  mkdir -p "$(dirname "$out")"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) cores; one gevent worker x 1000, wsgi_patched (pg_sleep(1)); hey -n C -c C -t 0" >"$out"
  sched_trace_begin 16384 "$@"
  for r in $(seq 1 "${RUNS:-3}"); do
    for c in 50 100; do
      sched_trace_start
      spread=$(hey -n "$c" -c "$c" -t 0 "http://$HOST:$APP_PORT/" | awk '/Slowest/ {s=$2} /Fastest/ {f=$2} END {printf "%.3f", s - f}')
      sched_trace_stop
      cat "$TRACEFS/trace" >"$WORK/trace.txt"
      say "c$c run $r: $(wc -l <"$WORK/trace.txt") events"
      "$read" >>"$out"
      sleep 2
    done
  done
  sched_trace_end
  gunicorn_down
  quiet_end now
  cat "$out" >&2
}

# The wire (storm_wire.sh, spread_wire.sh). wire_start [TCPDUMP_OPTION...]: tcpdump on lo
# into $WORK/wire.pcap, every SYN and every segment with a payload (IP length less the IP
# and TCP headers) on the app's and PostgreSQL's ports; wire_stop ends it and prints
# tcpdump's counts (captured, dropped) on one line.
wire_start() {
  local filter="tcp and (port $APP_PORT or port $PG_PORT) and (tcp[tcpflags] & tcp-syn != 0 or (ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2)) > 0)"
  tcpdump -i lo -n -s 96 -B 32768 "$@" -w "$WORK/wire.pcap" "$filter" 2>"$WORK/tcpdump.err" &
  WIRE_PID=$!
  sleep 1
}
wire_stop() {
  kill -INT "$WIRE_PID"
  wait "$WIRE_PID" || true
  echo "tcpdump: $(grep -E 'captured|dropped' "$WORK/tcpdump.err" | tr '\n' ';')"
}
