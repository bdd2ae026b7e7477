#!/usr/bin/env bash
# The actors storm (4 gevent workers x 100, hey -n 1000 -c 1000, keep-alive 2) seen over
# time: when each handler started and ended (the handlers' own log lines), when the
# postmaster forked each backend, authorized it or refused it (PostgreSQL's
# log_connections with millisecond timestamps), and the CPU of the workers, the
# postmaster, hey and the rest every 20 ms (bench/cpu_sampler.py). Compares the first
# second of a storm with the simulator's (docs/validation.md).
#
#   calibration/storm_timeline.sh    writes results/storm-timeline/rN.{txt,cpu.txt,pglog,handlers,samples}
#                                    and results/storm-timeline/summary.txt
#
# REPS (3) runs; log_connections adds one log line per connection to the backends' work.
# KEEPALIVE (2): gunicorn's --keep-alive. AUTH (scram-sha-256): md5 or trust as run.sh's.
# OUT: where the runs go (results/storm-timeline).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
OUT="${OUT:-$RESULTS/storm-timeline}"
REPS="${REPS:-3}"
KEEPALIVE="${KEEPALIVE:-2}"
auth_check storm_timeline.sh
case "$KEEPALIVE" in '' | *[!0-9]*) echo "storm_timeline.sh: KEEPALIVE is gunicorn's --keep-alive in seconds, not '$KEEPALIVE'" >&2; exit 2 ;; esac
# No spaces in the prefix: pg_ctl passes the options through a shell.
PG_EXTRA_OPTS="-c log_connections=on -c log_line_prefix=%m,%p,"
kit_init
postgres_up
[ "$AUTH" = scram-sha-256 ] || pg_auth "$AUTH"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
mkdir -p "$OUT"
# The sampler runs from bench/: OUT as an absolute path.
OUT="$(cd "$OUT" && pwd)"
gunicorn_up storm wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive="$KEEPALIVE"
W="$(cd "$HERE/bench" && "$PYTHON" -c "import procstat as ps; print(','.join(str(x) for x in ps.children($GUNICORN_PID)))")"
quiet_begin
for r in $(seq 1 "$REPS"); do
  : >"$WORK/postgres.log"
  gl=$(wc -l <"$GUNICORN_LOG")
  (cd "$HERE/bench" && "$PYTHON" cpu_sampler.py "$W" "$(postmaster_pid)" 8 "$OUT/r$r.samples") &
  sampler=$!
  sleep 0.2
  echo "start $(date +%s.%N)" >"$OUT/r$r.pglog"
  "$PYTHON" "$HERE/bench/loadrun.py" --out "$OUT/r$r.txt" --stderr "$WORK/hey.stderr" --cpu "$OUT/r$r.cpu.txt" \
    --gunicorn-pid "$GUNICORN_PID" --gunicorn-log "$GUNICORN_LOG" --postmaster-pid "$(postmaster_pid)" \
    -- -n 1000 -c 1000 -t 0 "http://$HOST:$APP_PORT/"
  wait "$sampler"
  cat "$WORK/postgres.log" >>"$OUT/r$r.pglog"
  tail -n +$((gl + 1)) "$GUNICORN_LOG" | grep -E '^(handled|failed) request' >"$OUT/r$r.handlers" || true
  sleep 3
done
quiet_end now
"$PYTHON" "$HERE/bench/storm_summary.py" "$OUT" >"$OUT/summary.txt"
cat "$OUT/summary.txt" >&2
