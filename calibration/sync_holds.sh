#!/usr/bin/env bash
# How much of each request a sync worker holds its database connection in the kit's sync
# storm (120 sync workers, the actors handler, psycopg2 blocking, hey -n 1000 -c 1000), RUNS
# (3) times. The handler logs when it started and ended in each worker (wsgi_actors.py), and
# its connection is open for nearly all of it (connect, query, close); between two handlers
# a worker writes the response, accepts the next connection and reads its request.
# bench/sync_holds.py gives, per run, the handlers' length, the gap from a worker's handler
# to its next, the share of the workers' time spent in handlers, and the handlers open at
# once (time-weighted over the run), which calibration/sync_holds_model.mjs gives for the
# model. Writes results/sync-holds[-TAG].txt and each run's request lines beside it.
#
#   calibration/sync_holds.sh intel1208
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
TAG="${1:-}"
OUT="$RESULTS/sync-holds${TAG:+-$TAG}.txt"
kit_init
postgres_up
CAL_GREEN=0 gunicorn_up sync-holds wsgi_actors --workers=120 --worker-class=sync
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) cores; 120 sync workers, wsgi_actors, psycopg2 blocking; hey -n 1000 -c 1000 -t 0" >"$OUT"
for r in $(seq 1 "${RUNS:-3}"); do
  logstart=$(wc -l <"$GUNICORN_LOG")
  t0=$(date +%s.%N)
  hey -n 1000 -c 1000 -t 0 "http://$HOST:$APP_PORT/" >"$WORK/hey.txt"
  sleep 1
  lines="$RESULTS/sync-holds${TAG:+-$TAG}.r$r.requests.txt"
  tail -n +"$((logstart + 1))" "$GUNICORN_LOG" | grep -E '^(handled|failed) request' >"$lines" || true
  refused=$(awk '/\[500\]/ {print $2}' "$WORK/hey.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/hey.txt")
  say "run $r: ${refused:-0} 500s, $rps req/s"
  { echo "run $r: ${refused:-0} 500s, $rps req/s, hey started $t0"; "$PYTHON" "$HERE/bench/sync_holds.py" "$lines" "$t0"; } >>"$OUT"
  sleep 2
done
quiet_end now
say "wrote $OUT"
