#!/usr/bin/env bash
# SQLAlchemy's connection pool (QueuePool, pool_size 5, max_overflow 10) in each gunicorn
# gevent worker, the actors query: its costs, then load runs.
#
#   calibration/pool.sh     ONLY (a regular expression) runs only the matching steps
#
# pool-costs: one worker, bench/pool_costs.py (results/pool-costs.txt); pool-concurrency:
# the same worker's CPU per request at higher -c; pool-error: a refused request's CPU
# (below). Load runs, hey's
# output in results/NAME.rN.txt with NAME.rN.cpu.txt and NAME.rN.server.log (lib.sh's measure):
# pool-4x100-c1000 (4 workers x 100 greenlets: 60 pooled connections at most, under
# PostgreSQL's 100) and pool-8x100-c1000 (8 workers: 120 at most, beyond it), 5 runs each;
# pool-wait-4x100-c1000: 4 workers, a pool of 5 without overflow; and the held-out rows
# at the end.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
ONLY="${ONLY:-.}"
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"

# POOL_CLASS=sync CAL_GREEN=0: the same handler's CPU in a sync worker, psycopg2 blocking
# (results/pool-costs-sync.txt; calibration/shapes-4.json). POOL_CLASS=gthread CAL_GREEN=0:
# in a gthread worker of POOL_THREADS (4) threads, which hey's 5 connections keep busy
# together: a gthread worker's handler costs more from its second busy thread on
# (docs/validation.md, "Persistent connections in sync and gthread workers")
# (results/pool-costs-gthreadN.txt; calibration/shapes-6.json).
POOL_CLASS="${POOL_CLASS:-gevent}"
POOL_THREADS="${POOL_THREADS:-4}"
case "$POOL_CLASS" in
  gevent | sync) COSTS_OUT="$RESULTS/pool-costs$([ "$POOL_CLASS" = gevent ] || echo "-$POOL_CLASS").txt"; CLASS_ARGS=(); COSTS_ARGS=() ;;
  # Without /wait's batches: hey -c 50 on a few threads can hang (bench/pool_costs.py --no-wait).
  gthread) whole_count POOL_THREADS; COSTS_OUT="$RESULTS/pool-costs-gthread$POOL_THREADS.txt"; CLASS_ARGS=(--threads="$POOL_THREADS" --keep-alive=2); COSTS_ARGS=(--no-wait) ;;
  *) say "POOL_CLASS: $POOL_CLASS is none of gevent, sync, gthread"; exit 2 ;;
esac
if [[ pool-costs =~ $ONLY ]]; then
  gunicorn_up pool-costs wsgi_pool --workers=1 --worker-class="$POOL_CLASS" --worker-connections=1000 "${CLASS_ARGS[@]}"
  quiet_begin
  worker=$(pgrep -P "$GUNICORN_PID" | head -n 1)
  say "the actors request through SQLAlchemy's pool: the worker's and the backends' CPU"
  { echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "sqlalchemy $("$PYTHON" -c 'import sqlalchemy; print(sqlalchemy.__version__)')";
    "$PYTHON" "$HERE/bench/pool_costs.py" --worker "$worker" --postmaster "$(postmaster_pid)" --n 3000 --reps 5 "${COSTS_ARGS[@]}"; } >"$COSTS_OUT"
  tail -n 4 "$COSTS_OUT" >&2
  gunicorn_down
  quiet_end now
fi

# pool-concurrency: one worker's CPU per /wait request (5 connections, no overflow: none is
# ever opened or closed under load) at hey -c 5, 100 and 1000, 5000 requests each,
# alternately, 3 rounds (results/pool-concurrency.txt).
if [[ pool-concurrency =~ $ONLY ]]; then
  gunicorn_up pool-concurrency wsgi_pool --workers=1 --worker-class=gevent --worker-connections=1000 --keep-alive=2
  quiet_begin
  worker=$(pgrep -P "$GUNICORN_PID" | head -n 1)
  "$PYTHON" "$HERE/bench/pool_costs.py" --worker "$worker" --postmaster "$(postmaster_pid)" --n 5000 --reps 3 \
    --concurrency 5,100,1000 >"$RESULTS/pool-concurrency.txt"
  cat "$RESULTS/pool-concurrency.txt" >&2
  gunicorn_down
  quiet_end now
fi

# pool-error: a refused connection's failure path, through the pool and without it. One
# worker while PostgreSQL is full (fill_pg.py holds every slot): hey -n 500 -c 10
# -disable-keepalive on / (SQLAlchemy raises its OperationalError, chained to psycopg2's),
# on /connect (psycopg2's alone, as costs.sh's server.errorCpu measures it) and 3000 on
# /trivial, alternately, 5 repetitions (results/pool-error.txt).
if [[ pool-error =~ $ONLY ]]; then
  gunicorn_up pool-error wsgi_pool --workers=1 --worker-class=gevent --worker-connections=1000
  quiet_begin
  fill_up
  "$PYTHON" "$HERE/bench/bench_http.py" --master "$GUNICORN_PID" --reps 5 --out "$WORK/pool-error.json" --log "$WORK/pool-error.log" \
    --run label=pool path=/ n=500 c=10 keepalive=0 \
    --run label=plain path=/connect n=500 c=10 keepalive=0 \
    --run label=trivial path=/trivial n=3000 c=10 keepalive=0
  fill_down
  { echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "sqlalchemy $("$PYTHON" -c 'import sqlalchemy; print(sqlalchemy.__version__)')";
    "$PYTHON" "$HERE/bench/pool_error_summary.py" "$WORK/pool-error.json"; } >"$RESULTS/pool-error.txt"
  cat "$RESULTS/pool-error.txt" >&2
  gunicorn_down
  quiet_end now
fi

for w in 4 8; do
  [[ "pool-${w}x100-c1000" =~ $ONLY ]] || continue
  gunicorn_up "pool-${w}x100" wsgi_pool --workers="$w" --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure "pool-${w}x100-c1000" 5 -n 5000 -c 1000 -t 0 "$URL"
  gunicorn_down
  quiet_end now
done
# The same 4 workers on /wait: a pool of 5 without overflow, so no connection is opened or
# closed after the first 20 (pool-wait-4x100-c1000, 5 runs).
if [[ pool-wait-4x100-c1000 =~ $ONLY ]]; then
  gunicorn_up pool-wait-4x100 wsgi_pool --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure pool-wait-4x100-c1000 5 -n 5000 -c 1000 -t 0 "${URL}wait"
  gunicorn_down
  quiet_end now
fi
# Held out (predicted first: results/pool-heldout.predicted.txt), 5 runs each, hey -n 5000
# -t 0 with keep-alive: 2 workers x 100 on / (pool 5 + 10) at -c 200; 4 workers x 100 at
# -c 400 (as many clients as greenlets: no connection waits in the listen queue for a
# keep-alive to end) on /wait (5, no overflow) and /wait10 (10, no overflow).
if [[ pool-2x100-c200 =~ $ONLY ]]; then
  gunicorn_up pool-2x100 wsgi_pool --workers=2 --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure pool-2x100-c200 5 -n 5000 -c 200 -t 0 "$URL"
  gunicorn_down
  quiet_end now
fi
# Held out after the churn fixes (predicted first: results/pool-2x100-c400.predicted.txt):
# 2 workers x 100 on / (pool 5 + 10) at -c 400, 5 runs.
if [[ pool-2x100-c400 =~ $ONLY ]]; then
  gunicorn_up pool-2x100 wsgi_pool --workers=2 --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure pool-2x100-c400 5 -n 5000 -c 400 -t 0 "$URL"
  gunicorn_down
  quiet_end now
fi
for path in wait wait10; do
  [[ "pool-${path}-4x100-c400" =~ $ONLY ]] || continue
  gunicorn_up "pool-${path}-4x100" wsgi_pool --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure "pool-${path}-4x100-c400" 5 -n 5000 -c 400 -t 0 "${URL}${path}"
  gunicorn_down
  quiet_end now
done
say "results in $RESULTS/pool-*"
