#!/usr/bin/env bash
# Where a pooled request's worker CPU falls against its connection: app/wsgi_pool.py's
# handler timed in its parts (CAL_SEGMENTS=1: the thread's CPU for the checkout, the query
# and its rows, the checkin, and what runs after the connection is back in the pool), in
# one sync worker with psycopg2 blocking (CAL_GREEN=0), hey -n 3000 -c 5 on /, ROUNDS (3)
# runs, each in a gunicorn of its own (its figures written when the worker exits).
# results/pool-segments.txt: each run's means, in microseconds a request: where a
# scenario's app.steps would put the handler's CPU against its dbClose (docs/validation.md,
# "Persistent connections in sync and gthread workers").
#
#   calibration/pool_segments.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
whole_count ROUNDS
ONLY=.
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"
export CAL_SEGMENTS=1 CAL_GREEN=0 CAL_SEGMENTS_OUT="$WORK/segments"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); sqlalchemy $("$PYTHON" -c 'import sqlalchemy; print(sqlalchemy.__version__)'); one sync worker, hey -n 3000 -c 5 on / (after 300 to warm up); the handler's thread CPU a request (time.thread_time), us"
  for r in $(seq 1 "$ROUNDS"); do
    rm -f "$WORK"/segments.*
    gunicorn_up "pool-segments" wsgi_pool --workers=1 --worker-class=sync
    quiet_begin
    hey -n 300 -c 5 -t 0 "$URL" >/dev/null
    hey -n 3000 -c 5 -t 0 "$URL" >/dev/null
    gunicorn_down
    quiet_end now
    "$PYTHON" - "$WORK"/segments.* <<'PY'
import sys
for path in sys.argv[1:]:
    f = dict(kv.split("=") for kv in open(path).read().split())
    n = int(f.pop("requests"))
    parts = {k: int(v) / n / 1000 for k, v in f.items()}
    held = parts["checkout"] + parts["query"] + parts["checkin"]
    print(f"run: {n} requests; " + ", ".join(f"{k} {v:.1f}" for k, v in parts.items())
          + f"; with the connection out of the pool {held:.1f}, after it is back {parts['after']:.1f} ({100 * parts['after'] / (held + parts['after']):.0f} % of the handler's)")
PY
  done
} >"$RESULTS/pool-segments.txt"
cat "$RESULTS/pool-segments.txt" >&2
