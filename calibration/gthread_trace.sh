#!/usr/bin/env bash
# gunicorn's gthread worker traced from inside (app/gthread_traced.py): one worker of
# THREADS (8) threads on app/wsgi_pool.py with psycopg2 blocking (CAL_GREEN=0) and the
# pool's events logged, checkouts too (CAL_POOL_EVENTS=2), hey -n 2000 -c 40 keep-alive, ROUNDS (2)
# runs. Each run's trace (results/gthread-trace/NAME.rN.trace.txt: the main loop's turns,
# each request handed to the thread pool, each thread's handle()) and pool events
# (NAME.rN.events.txt); bench/gthread_trace.py summarizes them (results/gthread-trace.txt):
# how many threads were handling a request over the run, the main loop's turns, the jobs
# already queued when a request was handed to the thread pool, and how many connections
# were out of the pool.
#
#   calibration/gthread_trace.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-2}"
THREADS="${THREADS:-8}"
whole_count ROUNDS
ONLY=.
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"
mkdir -p "$RESULTS/gthread-trace"

export CAL_POOL_EVENTS=2 CAL_GREEN=0
for r in $(seq 1 "$ROUNDS"); do
  name="gthread1x$THREADS-pool-c40"
  export CAL_TRACE_OUT="$WORK/trace"
  rm -f "$WORK"/trace.*
  gunicorn_up "$name" wsgi_pool --workers=1 --worker-class=gthread_traced.TracedThreadWorker --threads="$THREADS" --keep-alive=2
  measure_round "$name" "$r" "$RESULTS/gthread-trace" -n 2000 -c 40 -t 0 "$URL"
  gunicorn_down
  quiet_end now
  cat "$WORK"/trace.* >"$RESULTS/gthread-trace/$name.r$r.trace.txt"
done
"$PYTHON" "$HERE/bench/gthread_trace.py" "$RESULTS"/gthread-trace/*.trace.txt >"$RESULTS/gthread-trace.txt"
cat "$RESULTS/gthread-trace.txt" >&2
