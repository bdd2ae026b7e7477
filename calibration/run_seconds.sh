#!/usr/bin/env bash
# A load run second by second (bench/run_seconds.py): 4 sync workers on the actors handler
# at hey -n 6000 -c 50 (closed loop, both cores busy throughout), hey's per-request CSV
# (-o csv) and /proc/stat every 100 ms beside it, ROUNDS runs (default 3), gunicorn started
# again for each. Then the summary: each second's CPU per response, which moves within a
# run as the machine's speed does (core_speed.sh measures that apart).
#
#   calibration/run_seconds.sh TAG     writes results/run-seconds-TAG/sync4-c50.rN.{csv.gz,start,stat.txt}
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TAG="${1:-}"
result_tag "$TAG" results/run-seconds-TAG/
ROUNDS="${ROUNDS:-3}"
whole_count ROUNDS
OUT="$HERE/results/run-seconds-$TAG"
kit_init
mkdir -p "$OUT"
postgres_up
URL="http://$HOST:$APP_PORT/"
for r in $(seq 1 "$ROUNDS"); do
  CAL_GREEN=0 gunicorn_up sync4 wsgi_actors --workers=4 --worker-class=sync
  "$PYTHON" "$HERE/bench/run_seconds.py" stat 60 "$OUT/sync4-c50.r$r.stat.txt" &
  sampler=$!
  sleep 0.3
  date +%s.%N >"$OUT/sync4-c50.r$r.start"
  hey -n 6000 -c 50 -t 0 -o csv "$URL" | gzip >"$OUT/sync4-c50.r$r.csv.gz"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  gunicorn_down
done
"$PYTHON" "$HERE/bench/run_seconds.py" summary "$OUT/sync4-c50" | tee "$OUT/summary.txt"
