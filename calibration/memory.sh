#!/usr/bin/env bash
# A gunicorn worker's memory, measured for fleet.workerMemory and fleet.requestMemory: the
# resident set (VmRSS, /proc/PID/status) of the arbiter and of one gevent worker running
# app/wsgi_fleet.py, idle, then while it holds 200 requests in flight (/slow sleeps 2 s in
# each; hey -n 200 -c 200), sampled 1 s into the run. Per request = (busy - idle) / 200.
# 127.0.0.1 only.
#
#   calibration/memory.sh    writes results/memory.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
kit_init
PORT=8201
gunicorn --bind="$HOST:$PORT" --chdir "$HERE/app" --workers=1 --worker-class=gevent --worker-connections=1000 wsgi_fleet:application >"$WORK/gunicorn.log" 2>&1 &
MASTER=$!
kit_cleanup_hook() { kill -TERM "$MASTER" 2>/dev/null || true; }
for _ in $(seq 1 100); do grep -q 'Booting worker' "$WORK/gunicorn.log" && break; sleep 0.1; done
sleep 1
WORKER=$(cat /proc/"$MASTER"/task/*/children | tr ' ' '\n' | grep -v '^$' | head -n 1)
rss() { awk '/^VmRSS/ { print $2 }' /proc/"$1"/status; }
# Warm the worker up: its first requests import and allocate what every later one reuses.
hey -n 200 -c 20 "http://$HOST:$PORT/" >/dev/null
idle_m=$(rss "$MASTER"); idle_w=$(rss "$WORKER")
hey -n 200 -c 200 -t 0 "http://$HOST:$PORT/slow" >/dev/null &
HEY=$!
sleep 1
busy_w=$(rss "$WORKER")
wait "$HEY"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  dpkg-query -W -f='${Package} ${Version}\n' gunicorn python3-gevent
  echo "arbiter VmRSS idle: $idle_m kB"
  echo "worker VmRSS idle: $idle_w kB"
  echo "worker VmRSS with 200 requests in flight: $busy_w kB"
  echo "per request in flight: $(( (busy_w - idle_w) / 200 )) kB"
} | tee "$RESULTS/memory.txt"
