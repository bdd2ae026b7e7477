#!/usr/bin/env bash
# Who waits for a core in a gthread worker on SQLAlchemy's pool: one gthread worker with
# THREADS threads (8 20) on app/wsgi_pool.py (QueuePool 5 + 10, psycopg2 blocking:
# CAL_GREEN=0), hey -n 2000 -c 40 after 300 to warm up, under `perf sched record`; then
# each command's scheduling delays, a task's wake-up to its running on a core
# (bench/sched_delays.py over perf sched timehist), and perf sched latency's table
# (results/pool-sched/, summed up in results/pool-sched.txt; docs/validation.md,
# "Persistent connections in sync and gthread workers"). YARDSTICK=yes measures the
# kit's yardstick the same way instead (one gevent worker x 100 on the actors handler,
# hey -n 1000 -c 100 after 200: results/pool-sched-yardstick.txt). Needs root and perf.
#
#   calibration/pool_sched.sh
#   YARDSTICK=yes calibration/pool_sched.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy linux-perf)
RESULTS="${RESULTS:-$HERE/results}"
THREADS="${THREADS:-8 20}"
ONLY=.
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"
export CAL_GREEN=0
OUT="$RESULTS/pool-sched"
mkdir -p "$OUT"
if [ "${YARDSTICK:-no}" = yes ]; then
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); one gevent worker x 100 on the actors handler (psycogreen, a connection per request), hey -n 1000 -c 100 on / (after 200 to warm up), under perf sched record"
    gunicorn_up "pool-sched" wsgi_actors --workers=1 --worker-class=gevent --worker-connections=100 --keep-alive=2
    quiet_begin
    hey -n 200 -c 100 -t 0 "$URL" >/dev/null
    perf sched record -q -o "$WORK/perf-yardstick.data" -- hey -n 1000 -c 100 -t 0 "$URL" >"$OUT/hey-yardstick.txt" 2>/dev/null
    quiet_end now
    echo "gevent 1 x 100, actors: $(awk '/Requests\/sec/ {print $2}' "$OUT/hey-yardstick.txt") req/s"
    "$PYTHON" "$HERE/bench/sched_delays.py" "$WORK/perf-yardstick.data" | sed "s|$WORK/||"
    gunicorn_down
  } >"$RESULTS/pool-sched-yardstick.txt"
  cat "$RESULTS/pool-sched-yardstick.txt" >&2
  exit 0
fi
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); one gthread worker with THREADS threads ($THREADS), hey -n 2000 -c 40 on / (after 300 to warm up), under perf sched record"
  for t in $THREADS; do
    whole_count t
    gunicorn_up "pool-sched" wsgi_pool --workers=1 --worker-class=gthread --threads="$t" --keep-alive=2
    quiet_begin
    hey -n 300 -c 40 -t 0 "$URL" >/dev/null
    perf sched record -q -o "$WORK/perf-$t.data" -- hey -n 2000 -c 40 -t 0 "$URL" >"$OUT/hey-gthread1x$t.txt" 2>/dev/null
    quiet_end now
    echo "gthread 1 x $t: $(awk '/Requests\/sec/ {print $2}' "$OUT/hey-gthread1x$t.txt") req/s"
    perf sched latency -i "$WORK/perf-$t.data" --sort max 2>/dev/null | head -12 >"$OUT/latency-gthread1x$t.txt"
    "$PYTHON" "$HERE/bench/sched_delays.py" "$WORK/perf-$t.data" | sed "s|$WORK/||"
    gunicorn_down
  done
} >"$RESULTS/pool-sched.txt"
cat "$RESULTS/pool-sched.txt" >&2
