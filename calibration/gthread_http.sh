#!/usr/bin/env bash
# A gthread worker's own CPU per request, beside a gevent worker's (server.requestCpu and
# server.acceptCpu, which costs.sh measures on gevent alone): the trivial handler
# (app/wsgi_bench.py: 204, no database) under hey -n N -c C (10), keep-alive and
# -disable-keepalive, each minus a 10-request batch, exactly as costs.sh's first block
# (bench/bench_http.py). One worker each: gevent x 1000, gthread x 10 threads and x 50
# threads, a gunicorn started afresh for each, the three alternated, ROUNDS rounds (3).
# gthread's path differs from gevent's: its main thread polls the listener and the
# keep-alive connections (selectors), hands each request to a ThreadPoolExecutor's thread
# through a queue and a futex wake, and takes the connection back into its poller after the
# response (gthread.py accept, enqueue_req, finish_request), every hand-off a GIL take.
#
#   calibration/gthread_http.sh TAG     results/gthread-http-TAG.txt (raw: results/gthread-http-TAG/)
#   C=50 calibration/gthread_http.sh TAG   hey -c 50: as many requests in flight as the
#                                          larger pool's threads (gthread's main loop scans
#                                          its pending futures at every turn)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
TAG="${1:?usage: calibration/gthread_http.sh TAG}"
ROUNDS="${ROUNDS:-3}"
N="${N:-3000}"
C="${C:-10}"
RAW="$RESULTS/gthread-http-$TAG"
mkdir -p "$RAW"
kit_init
quiet_begin
for r in $(seq 1 "$ROUNDS"); do
  for cls in gevent gthread10 gthread50; do
    case "$cls" in
      gevent) gunicorn_up bench wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000 ;;
      gthread10) gunicorn_up bench wsgi_bench --workers=1 --worker-class=gthread --threads=10 ;;
      gthread50) gunicorn_up bench wsgi_bench --workers=1 --worker-class=gthread --threads=50 ;;
    esac
    say "round $r of $ROUNDS: $cls"
    "$PYTHON" "$HERE/bench/bench_http.py" --master "$GUNICORN_PID" --reps 1 --out "$RAW/$cls.r$r.json" --log "$RAW/$cls.r$r.log" \
      --run label=ka path=/ n="$N" c="$C" keepalive=1 \
      --run label=ka-base path=/ n="$C" c="$C" keepalive=1 \
      --run label=noka path=/ n="$N" c="$C" keepalive=0 \
      --run label=noka-base path=/ n="$C" c="$C" keepalive=0
    gunicorn_down
  done
done
quiet_end now
"$PYTHON" "$HERE/bench/gthread_http.py" "$RAW" "$ROUNDS" "$C" >"$RESULTS/gthread-http-$TAG.txt"
cat "$RESULTS/gthread-http-$TAG.txt" >&2
