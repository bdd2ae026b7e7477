#!/usr/bin/env bash
# Where a gthread worker's holds of a pooled connection spend their time: one gthread worker
# on app/wsgi_pool.py (SQLAlchemy's QueuePool, pool_size 5, max_overflow 10, psycopg2
# blocking: CAL_GREEN=0) with each request's parts logged on the wall clock and the
# thread's CPU (CAL_SEGMENTS=2: the checkout, the query and its rows, the checkin with its
# rollback) and the pool's events (CAL_POOL_EVENTS=2), hey -n 2000 -c C (40) after 300 to
# warm up, for each thread count in THREADS (8 4). Each run's lines in
# results/pool-holds/gthread1xN.txt, summed up by bench/pool_holds.py in
# results/pool-holds.txt (docs/validation.md, "Persistent connections in sync and gthread
# workers").
#
#   calibration/pool_holds.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
C="${C:-40}"
THREADS="${THREADS:-8 4}"
whole_count C
ONLY=.
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"
export CAL_SEGMENTS=2 CAL_GREEN=0 CAL_POOL_EVENTS=2 CAL_SEGMENTS_OUT="$WORK/segments"
mkdir -p "$RESULTS/pool-holds"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); one gthread worker with THREADS threads ($THREADS), hey -n 2000 -c $C on / (after 300 to warm up)"
  for t in $THREADS; do
    whole_count t
    gunicorn_up "pool-holds" wsgi_pool --workers=1 --worker-class=gthread --threads="$t" --keep-alive=2
    quiet_begin
    hey -n 300 -c "$C" -t 0 "$URL" >/dev/null
    before=$(wc -l <"$GUNICORN_LOG")
    echo "gthread 1 x $t: $(hey -n 2000 -c "$C" -t 0 "$URL" | awk '/Requests\/sec/ {print $2}') req/s"
    sleep 0.5
    tail -n +$((before + 1)) "$GUNICORN_LOG" | grep -E '^(hold|pool) ' >"$RESULTS/pool-holds/gthread1x$t.txt" || true
    gunicorn_down
    quiet_end now
  done
  "$PYTHON" "$HERE/bench/pool_holds.py" "$RESULTS"/pool-holds/gthread1x*.txt
} >"$RESULTS/pool-holds.txt"
cat "$RESULTS/pool-holds.txt" >&2
