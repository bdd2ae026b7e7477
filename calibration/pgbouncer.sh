#!/usr/bin/env bash
# PgBouncer between the kit's gunicorn and PostgreSQL: its costs, then load runs.
#
#   calibration/pgbouncer.sh     ONLY (a regular expression) runs only the matching steps;
#                                REPEATS (5) runs of each load configuration;
#                                MAX_CLIENT_CONN (1000): another max_client_conn, whose load
#                                runs are named ...-mccN; POOL_MODE (transaction): session
#                                names them ...-session; POOL_SIZE (20): another
#                                default_pool_size, named ...-poolN
#
# Debian's pgbouncer on 127.0.0.1:6432, transaction pooling, default_pool_size 20,
# max_client_conn 1000, scram-sha-256 with the postgres role's SCRAM secret from
# pg_authid in its auth_file (so it logs in to PostgreSQL with the client's keys), every
# other setting its default. Results: results/pgbouncer-costs.txt (bench/pgbouncer_costs.py),
# results/pgbouncer-NAME.rN.txt (hey's output after a "$ hey ..." line) with
# NAME.rN.cpu.txt (bench/loadrun.py) and NAME.rN.server.log (what PgBouncer and
# PostgreSQL logged during the run).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(pgbouncer)
RESULTS="${RESULTS:-$HERE/results}"
REPEATS="${REPEATS:-5}"
ONLY="${ONLY:-.}"
B="$HERE/bench"
BOUNCER_PORT=6432
BOUNCER_PID=""
kit_cleanup_hook() { if [ -n "$BOUNCER_PID" ]; then kill "$BOUNCER_PID" 2>/dev/null; fi; }
kit_init
PG_EXTRA_OPTS="-c log_connections=on"
postgres_up

pgbouncer_up() {
  local secret
  secret=$(pg_local -At -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'")
  printf '"postgres" "%s"\n' "$secret" >"$WORK/userlist.txt"
  cat >"$WORK/pgbouncer.ini" <<INI
[databases]
* = host=$HOST port=$PG_PORT
[pgbouncer]
listen_addr = $HOST
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/userlist.txt
pool_mode = ${POOL_MODE:-transaction}
default_pool_size = ${POOL_SIZE:-20}
max_client_conn = ${MAX_CLIENT_CONN:-1000}
logfile = $WORK/pgbouncer.log
pidfile = $WORK/pgbouncer.pid
INI
  chown postgres: "$WORK/userlist.txt" "$WORK/pgbouncer.ini"
  as_pg_owner pgbouncer -d "$WORK/pgbouncer.ini"
  local i
  for i in $(seq 1 50); do [ -s "$WORK/pgbouncer.pid" ] && break; sleep 0.1; done
  BOUNCER_PID=$(cat "$WORK/pgbouncer.pid")
  say "pgbouncer $(pgbouncer --version | head -n 1) (pid $BOUNCER_PID) on $HOST:$BOUNCER_PORT"
}
pgbouncer_up
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  dpkg-query -W -f='${Package} ${Version}\n' pgbouncer postgresql gunicorn python3-gevent python3-psycopg2
  echo "pgbouncer.ini:"
  grep -v '^auth_file\|^logfile\|^pidfile' "$WORK/pgbouncer.ini"
} >"$RESULTS/pgbouncer-machine.txt"

if [[ pgbouncer-costs =~ $ONLY ]]; then
  quiet_begin
  say "PgBouncer's CPU per login, per query, per server connection"
  CAL_PGHOST="$HOST" CAL_PGPORT="$BOUNCER_PORT" CAL_PGPASSWORD="$PASSWORD" \
    "$PYTHON" "$B/pgbouncer_costs.py" --pgbouncer "$BOUNCER_PID" --n 300 --reps 5 >"$RESULTS/pgbouncer-costs.txt"
  tail -n 4 "$RESULTS/pgbouncer-costs.txt" >&2
  quiet_end now
fi

# measure NAME [hey flags...] URL
measure() {
  local name="pgbouncer-$1" r out blog pglog
  shift
  quiet_begin
  for r in $(seq 1 "$REPEATS"); do
    out="$RESULTS/$name.r$r.txt"
    blog=$(wc -l <"$WORK/pgbouncer.log")
    pglog=$(wc -l <"$WORK/postgres.log")
    say "$name (run $r of $REPEATS): hey $*"
    printf '$ hey %s\n' "$*" >"$out"
    "$PYTHON" "$B/loadrun.py" --out "$out" --stderr "$WORK/hey.stderr" --cpu "$RESULTS/$name.r$r.cpu.txt" \
      --gunicorn-pid "$GUNICORN_PID" --gunicorn-log "$GUNICORN_LOG" --postmaster-pid "$(postmaster_pid)" -- "$@"
    {
      echo "gunicorn: $GUNICORN_ARGS"
      echo "pgbouncer server connections closed, client disconnect while server was not ready: $(tail -n +$((blog + 1)) "$WORK/pgbouncer.log" | grep -c 'client disconnect while server was not ready' || true)"
      echo "pgbouncer new connections to server: $(tail -n +$((blog + 1)) "$WORK/pgbouncer.log" | grep -c 'new connection to server' || true)"
      echo "postgres connections authorized: $(tail -n +$((pglog + 1)) "$WORK/postgres.log" | grep -c 'connection authorized' || true)"
      echo "postgres too many clients: $(tail -n +$((pglog + 1)) "$WORK/postgres.log" | grep -c 'too many clients' || true)"
    } >"$RESULTS/$name.r$r.server.log"
    grep -E 'Requests/sec|^\s+\[[0-9]+\]' "$out" | tr -s '\t ' ' ' >&2 || true
    sed -n 2,3p "$RESULTS/$name.r$r.server.log" >&2
    sleep 3
  done
}

URL="http://$HOST:$APP_PORT/"
# The kit's storm (4 x 100 actors, keep-alive 2, -c 1000) through PgBouncer: the handler
# as it is (psycopg2's implicit transaction open at close), then with autocommit.
for ac in 0 1; do
  name=actors4x100-ka2-c1000$([ "$ac" = 1 ] && echo -autocommit || true)$([ "${MAX_CLIENT_CONN:-1000}" = 1000 ] || echo "-mcc$MAX_CLIENT_CONN")$([ "${POOL_MODE:-transaction}" = transaction ] || echo "-$POOL_MODE")$([ "${POOL_SIZE:-20}" = 20 ] || echo "-pool$POOL_SIZE")
  [[ "pgbouncer-$name" =~ $ONLY ]] || continue
  CAL_AUTOCOMMIT=$ac APP_PG_PORT=$BOUNCER_PORT gunicorn_up "pgbouncer-$name" wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure "$name" -n 1000 -c 1000 -t 0 "$URL"
  gunicorn_down
  quiet_end now
done
# PgBouncer's queue: 4 x 30 greenlets, each request a one-second pg_sleep, through 20
# server connections (REPEATS runs of hey -n 400 -c 100).
if [[ pgbouncer-sleep4x30-c100 =~ $ONLY ]]; then
  APP_PG_PORT=$BOUNCER_PORT gunicorn_up pgbouncer-sleep4x30 wsgi_patched --workers=4 --worker-class=gevent --worker-connections=30
  measure sleep4x30-c100 -n 400 -c 100 -t 0 "$URL"
  gunicorn_down
  quiet_end now
fi
# The same three alternated run by run (straight to PostgreSQL, through PgBouncer, through
# it with autocommit), so that the machine's drift falls on all three alike:
# results/pgbouncer-alt-{direct,bouncer,autocommit}.rN.txt, REPEATS rounds.
if [[ pgbouncer-alt =~ $ONLY ]]; then
  for r in $(seq 1 "$REPEATS"); do
    for cfg in direct bouncer autocommit; do
      port=$BOUNCER_PORT ac=0
      [ "$cfg" = direct ] && port=$PG_PORT
      [ "$cfg" = autocommit ] && ac=1
      CAL_AUTOCOMMIT=$ac APP_PG_PORT=$port gunicorn_up "pgbouncer-alt-$cfg" wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
      REPEATS=1 measure "alt-$cfg" -n 1000 -c 1000 -t 0 "$URL"
      keep_round "pgbouncer-alt-$cfg" "$r"
      gunicorn_down
    done
  done
  rounds_done pgbouncer-alt-
  quiet_end now
fi
say "results in $RESULTS/pgbouncer-*"
