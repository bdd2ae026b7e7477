#!/usr/bin/env bash
# Does a pooled request cost its worker more CPU among four workers than in one? The same
# load, hey -n 5000 -c 400 with keep-alive on /wait10 (SQLAlchemy's pool of 10 per worker
# without overflow: no connection opens or closes after the first ten), against gunicorn
# with 1 gevent worker x 400 and with 4 workers x 100, and one worker at hey -c 5 (the
# load of pool_costs.py's micro-benchmark), alternately, ROUNDS rounds (default 3), so
# that this machine's drift from minute to minute falls on every configuration alike.
# Writes results/poolworkers-CONFIG.rN.txt with .cpu.txt and .server.log (lib.sh's
# measure; CONFIG: 1x400-c400, 4x100-c400, 1x400-c5) and bench/pool_workers_summary.py's
# table in results/pool-workers.txt.
#
# PART=concurrency: instead, one worker, bench/bench_http.py's batches alternated (REPS,
# default 5): a trivial request and the pooled one (/wait10) at hey -c 5 and -c 400, the
# pooled one at -c 10 too (as many clients as connections, so none waits); the worker's
# CPU per request of each (results/pool-workers-concurrency.txt).
#
# PART=warm: does a fresh gunicorn cost more than one that has served? 1 x 400 and 4 x 100 at
# -c 400, each three runs in one gunicorn (the first right after it booted), alternately,
# ROUNDS rounds (results/poolworkers-warm-CONFIG-gN.rN.*, results/pool-workers-warm.txt).
#
#   calibration/pool_workers.sh       ROUNDS (default 3)
#   PART=concurrency calibration/pool_workers.sh
#   PART=warm calibration/pool_workers.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
ONLY="."
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/wait10"
if [ "${PART:-}" = concurrency ]; then
  gunicorn_up poolworkers-concurrency wsgi_pool --workers=1 --worker-class=gevent --worker-connections=1000 --keep-alive=2
  quiet_begin
  "$PYTHON" "$HERE/bench/bench_http.py" --master "$GUNICORN_PID" --reps "${REPS:-5}" --idle 1 \
    --out "$WORK/pool-workers-concurrency.json" --log "$WORK/pool-workers-concurrency.log" \
    --run label=trivial-c5 path=/trivial n=5000 c=5 keepalive=1 \
    --run label=trivial-c400 path=/trivial n=5000 c=400 keepalive=1 \
    --run label=wait10-c5 path=/wait10 n=3000 c=5 keepalive=1 \
    --run label=wait10-c10 path=/wait10 n=3000 c=10 keepalive=1 \
    --run label=wait10-c400 path=/wait10 n=5000 c=400 keepalive=1
  gunicorn_down
  quiet_end now
  "$PYTHON" "$HERE/bench/pool_workers_summary.py" --concurrency "$WORK/pool-workers-concurrency.json" | tee "$RESULTS/pool-workers-concurrency.txt"
  exit 0
fi
if [ "${PART:-}" = warm ]; then
  for i in $(seq 1 "$ROUNDS"); do
    for config in 1x400-c400 4x100-c400; do
      case "$config" in
        1x400-c400) WORKERS=1 CONNS=400 ;;
        4x100-c400) WORKERS=4 CONNS=100 ;;
      esac
      gunicorn_up "poolworkers-warm-$config" wsgi_pool --workers="$WORKERS" --worker-class=gevent --worker-connections="$CONNS" --keep-alive=2
      measure poolworkers-run 3 -n 5000 -c 400 -t 0 "$URL"
      for r in 1 2 3; do
        for f in txt cpu.txt server.log; do mv "$RESULTS/poolworkers-run.r$r.$f" "$RESULTS/poolworkers-warm-$config-g$i.r$r.$f"; done
      done
      gunicorn_down
    done
    quiet_end now
  done
  "$PYTHON" "$HERE/bench/pool_workers_summary.py" --warm "$RESULTS" "$ROUNDS" | tee "$RESULTS/pool-workers-warm.txt"
  exit 0
fi
for i in $(seq 1 "$ROUNDS"); do
  for config in 1x400-c400 4x100-c400 1x400-c5; do
    case "$config" in
      1x400-c400) WORKERS=1 CONNS=400 C=400 N=5000 ;;
      4x100-c400) WORKERS=4 CONNS=100 C=400 N=5000 ;;
      1x400-c5) WORKERS=1 CONNS=400 C=5 N=3000 ;;
    esac
    gunicorn_up "poolworkers-$config" wsgi_pool --workers="$WORKERS" --worker-class=gevent --worker-connections="$CONNS" --keep-alive=2
    measure poolworkers-run 1 -n "$N" -c "$C" -t 0 "$URL"
    for f in txt cpu.txt server.log; do mv "$RESULTS/poolworkers-run.r1.$f" "$RESULTS/poolworkers-$config.r$i.$f"; done
    gunicorn_down
  done
  quiet_end now
done
"$PYTHON" "$HERE/bench/pool_workers_summary.py" "$RESULTS" "$ROUNDS" | tee "$RESULTS/pool-workers.txt"
