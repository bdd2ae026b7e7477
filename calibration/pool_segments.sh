#!/usr/bin/env bash
# Where a pooled request's worker CPU falls against its connection: app/wsgi_pool.py's
# handler timed in its parts (CAL_SEGMENTS=1: the thread's CPU for the checkout, the query
# and its rows, the checkin, and what runs after the connection is back in the pool), in
# one worker with psycopg2 blocking (CAL_GREEN=0), hey -n 3000 -c C (5) on /, ROUNDS (3)
# rounds, each worker in a gunicorn of its own (its figures written when the worker exits).
# WORKERS: the workers to time, alternated within each round: sync, or gthread:N for
# gthread with N threads (default: sync alone). With threads the checkout also carries the
# connections the pool opens (a gthread worker with more threads than pool_size churns).
# results/pool-segments.txt (OUT): each run's means, in microseconds a request: where a
# scenario's app.steps would put the handler's CPU against its dbClose (docs/validation.md,
# "Persistent connections in sync and gthread workers").
#
#   calibration/pool_segments.sh
#   WORKERS="sync gthread:4 gthread:8" C=40 ROUNDS=2 OUT=pool-segments-gthread.txt calibration/pool_segments.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
C="${C:-5}"
WORKERS="${WORKERS:-sync}"
OUT="${OUT:-pool-segments.txt}"
whole_count ROUNDS
whole_count C
for w in $WORKERS; do
  case "$w" in sync | gthread:[1-9]*) ;; *) say "WORKERS: $w is neither sync nor gthread:N"; exit 2 ;; esac
done
ONLY=.
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"
export CAL_SEGMENTS=1 CAL_GREEN=0 CAL_SEGMENTS_OUT="$WORK/segments"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); sqlalchemy $("$PYTHON" -c 'import sqlalchemy; print(sqlalchemy.__version__)'); one worker ($WORKERS), hey -n 3000 -c $C on / (after 300 to warm up); the handler's thread CPU a request (time.thread_time), us"
  for r in $(seq 1 "$ROUNDS"); do
    for w in $WORKERS; do
      rm -f "$WORK"/segments.*
      case "$w" in
        sync) gunicorn_up "pool-segments" wsgi_pool --workers=1 --worker-class=sync ;;
        gthread:*) gunicorn_up "pool-segments" wsgi_pool --workers=1 --worker-class=gthread --threads="${w#gthread:}" --keep-alive=2 ;;
      esac
      quiet_begin
      hey -n 300 -c "$C" -t 0 "$URL" >/dev/null
      rps=$(hey -n 3000 -c "$C" -t 0 "$URL" | awk '/Requests\/sec/ {print $2}')
      gunicorn_down
      quiet_end now
      "$PYTHON" - "$w" "$rps" "$WORK"/segments.* <<'PY'
import sys
worker, rps = sys.argv[1], sys.argv[2]
for path in sys.argv[3:]:
    f = dict(kv.split("=") for kv in open(path).read().split())
    n = int(f.pop("requests"))
    parts = {k: int(v) / n / 1000 for k, v in f.items()}
    held = parts["checkout"] + parts["query"] + parts["checkin"]
    print(f"run: {worker}, {float(rps):.0f} req/s, {n} requests; " + ", ".join(f"{k} {v:.1f}" for k, v in parts.items())
          + f"; with the connection out of the pool {held:.1f}, after it is back {parts['after']:.1f} ({100 * parts['after'] / (held + parts['after']):.0f} % of the handler's)")
PY
    done
  done
} >"$RESULTS/$OUT"
cat "$RESULTS/$OUT" >&2
