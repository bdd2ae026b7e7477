#!/usr/bin/env bash
# How the gevent worker's loop takes a wave of connects, turn by turn: one gevent worker x
# 1000, the kit's pg_sleep(1) handler with a psycogreen-like wait callback that logs every
# wait and resume with the loop's turn (app/wsgi_wave.py), hey -n C -c C for C = 50 and 100
# alternated ROUNDS (5) rounds. bench/wave_turns.py gives each turn's resumes by which wait
# of their connect they ended, the turn's span, and when the connects returned and the
# queries went out. Writes results/wave-turns/ (each run's log and hey output) and
# results/wave-turns.txt.
#   calibration/wave_turns.sh
# shellcheck source=lib.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-5}"
ONLY=.
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
OUT="$RESULTS/wave-turns"
mkdir -p "$OUT"
gunicorn_up wave wsgi_wave --workers=1 --worker-class=gevent --worker-connections=1000
quiet_begin
# One small wave first, so that the measured ones find the worker warm.
hey -n 20 -c 20 -t 0 "http://$HOST:$APP_PORT/" >/dev/null
sleep 1.5
for r in $(seq 1 "$ROUNDS"); do
  for c in 50 100; do
    gl=$(wc -l <"$GUNICORN_LOG")
    hey -n "$c" -c "$c" -t 0 "http://$HOST:$APP_PORT/" >"$OUT/c$c.r$r.hey.txt"
    sleep 1.5
    tail -n +$((gl + 1)) "$GUNICORN_LOG" | grep '^wave ' >"$OUT/c$c.r$r.log" || true
  done
done
gunicorn_down
quiet_end now
{
  echo "date: $(date -u +%FT%TZ); $(uname -r); one gevent worker x 1000, app/wsgi_wave.py, hey -n C -c C -t 0, C = 50 and 100 alternated, $ROUNDS rounds"
  "$PYTHON" "$HERE/bench/wave_turns.py" "$OUT"/c50.r*.log "$OUT"/c100.r*.log
} >"$RESULTS/wave-turns.txt"
cat "$RESULTS/wave-turns.txt" >&2
