#!/usr/bin/env bash
# How hey's keep-alive connections fall to two workers: gunicorn 2 workers (gthread x 40
# threads, gevent x 40 connections) on app/wsgi_split.py (about a millisecond of Python a
# request, no database), hey -n 2000 -c 100; the app logs each request's worker and
# connection. ROUNDS runs of each class (default 5), gunicorn started again for each.
# Then the summary (bench/accept_split.py): the busier worker's share of the connections
# and of the requests, which the model's random accept (acceptPolicy) draws for gthread.
#
#   calibration/accept_split.sh TAG     writes results/accept-split-TAG/CLASS.rN.log and summary.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TAG="${1:-}"
result_tag "$TAG" results/accept-split-TAG/
ROUNDS="${ROUNDS:-5}"
whole_count ROUNDS
OUT="$HERE/results/accept-split-$TAG"
kit_init
mkdir -p "$OUT"
URL="http://$HOST:$APP_PORT/"
for r in $(seq 1 "$ROUNDS"); do
  for cls in gthread gevent; do
    if [ "$cls" = gthread ]; then opts=(--worker-class=gthread --threads=40); else opts=(--worker-class=gevent --worker-connections=40); fi
    gunicorn_up "split-$cls" wsgi_split --workers=2 --keep-alive=2 "${opts[@]}"
    quiet_begin
    hey -n 2000 -c 100 -t 0 "$URL" >"$OUT/$cls.r$r.hey.txt"
    quiet_end
    grep '^split ' "$GUNICORN_LOG" >"$OUT/$cls.r$r.log" || true
    gunicorn_down
  done
done
"$PYTHON" "$HERE/bench/accept_split.py" "$OUT" | tee "$OUT/summary.txt"
