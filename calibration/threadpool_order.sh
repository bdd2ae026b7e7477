#!/usr/bin/env bash
# Which waiting `def` request does a freed thread of FastAPI's threadpool go to? One
# UvicornWorker, /syncport (time.sleep(0.05) in the threadpool, logging when each request
# reached the app, when a thread started it, and its client's port), hey -n 2000 -c 100
# (60 more clients than anyio's 40 threads), 3 runs. Writes results/threadpool-order.txt:
# the anyio installed and its CapacityLimiter's release, then per run hey's Requests/sec,
# the waits for a thread and when each connection got its last response
# (bench/threadpool_order.py). First in, first out, every client would finish near the
# end; last in, first out, some finish early and others wait through the run.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-uvicorn python3-asyncpg python3-fastapi python3-uvloop python3-httptools)
RESULTS="${RESULTS:-$HERE/results}"
ONLY=.
kit_init
postgres_up
OUT="$RESULTS/threadpool-order.txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  dpkg-query -W -f='${Package} ${Version}\n' python3-anyio python3-fastapi python3-starlette python3-uvicorn 2>/dev/null || true
  echo "anyio's asyncio CapacityLimiter.release_on_behalf_of, as installed:"
  "$PYTHON" -c 'import inspect, anyio._backends._asyncio as a; print(inspect.getsource(a.CapacityLimiter.release_on_behalf_of))'
} >"$OUT"
CAL_POOL_MIN=1 CAL_POOL_MAX=1 gunicorn_up tp asgi_app --workers=1 --worker-class=uvicorn.workers.UvicornWorker
quiet_begin
hey -n 200 -c 100 -t 0 "http://$HOST:$APP_PORT/syncport" >/dev/null
for r in 1 2 3; do
  from=$(($(wc -l <"$GUNICORN_LOG") + 1))
  rps=$(hey -n 2000 -c 100 -t 0 "http://$HOST:$APP_PORT/syncport" | awk '/Requests\/sec/ {print $2}')
  sleep 0.5
  tail -n +"$from" "$GUNICORN_LOG" >"$WORK/run.log"
  echo "run $r: hey -n 2000 -c 100: $rps req/s; $("$PYTHON" "$HERE/bench/threadpool_order.py" "$WORK/run.log")" >>"$OUT"
done
gunicorn_down
quiet_end now
cat "$OUT" >&2
