#!/usr/bin/env bash
# How SQLAlchemy's pool churns in a gthread worker (psycopg2 blocking, CAL_GREEN=0): the
# shapes-4 row gthread 1 x 20 threads at hey -c 40 (a pool of 5 + 10 per worker), with
# app/wsgi_pool.py logging each connection opened, closed and checked in with the pool's
# state then (CAL_POOL_EVENTS=1): how many connections a run opens and closes (each run's
# events in results/pool-threads/NAME.rN.events.txt, counted in results/pool-threads.txt).
# Alternated ROUNDS rounds with the same at 1 x 8 threads at -c 40. THREADS: the thread
# counts (20 8). INTERVALS: CPython's switch interval in each (seconds,
# sys.setswitchinterval; CAL_SWITCH_INTERVAL), each a configuration of its own, its name
# then ending in -sN (N in microseconds). FIFO=yes: each configuration again with the worker
# at SCHED_FIFO 1 (chrt; its thread pool's threads, started later, inherit it), its name
# then ending in -fifo (and the same at the default policy in -other): a worker that the
# machine's other processes (the backends, hey) cannot preempt while it holds the GIL.
# CAL_POOL_EVENTS=2: checkouts logged too, each event naming its thread (tid=), for
# bench/pool_spans.py (results/pool-spans.txt).
#
#   ROUNDS=2 calibration/pool_threads.sh
#   THREADS=8 INTERVALS="0.005 0.0005" ROUNDS=3 calibration/pool_threads.sh
#   THREADS="8 20" FIFO=yes ROUNDS=2 calibration/pool_threads.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-2}"
whole_count ROUNDS
ONLY=.
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"
mkdir -p "$RESULTS/pool-threads"

export CAL_POOL_EVENTS="${CAL_POOL_EVENTS:-1}" CAL_GREEN=0
for r in $(seq 1 "$ROUNDS"); do
  for threads in ${THREADS:-20 8}; do
  for interval in ${INTERVALS:-default}; do
  for policy in other $([ "${FIFO:-no}" = yes ] && echo fifo); do
    name="pool-gthread1x$threads-c40"
    if [ "$interval" = default ]; then
      unset CAL_SWITCH_INTERVAL
    else
      export CAL_SWITCH_INTERVAL="$interval"
      name="$name-s$(printf '%.0f' "$(echo "$interval * 1000000" | bc -l)")"
    fi
    # With FIFO=yes, the same at the default policy is -other, beside -fifo.
    if [ "${FIFO:-no}" = yes ]; then name="$name-$policy"; fi
    gunicorn_up "$name" wsgi_pool --workers=1 --worker-class=gthread --threads="$threads" --keep-alive=2
    [ "$policy" = other ] || chrt -f -p 1 "$(pgrep -P "$GUNICORN_PID" | head -n 1)"
    measure_round "$name" "$r" "$RESULTS/pool-threads" -n 2000 -c 40 -t 0 "$URL"
    gunicorn_down
    quiet_end now
  done
  done
  done
done
