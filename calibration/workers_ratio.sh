#!/usr/bin/env bash
# A check of the scheduler that the machine's drift cannot blur: one gevent worker x 100
# at hey -c 100 and two workers x 100 at -c 200 (the actors handler, keep-alive 2,
# -n 1000), alternated run by run for ROUNDS rounds, so that both see the same machine.
# Their ratio of Requests/sec is what one run queue per core changes (docs/validation.md,
# "Per-core run queues": the model's ratio with one shared queue and with per-core queues
# was written down before the runs, results/workers-ratio.predicted.txt). Saves
# results/ratio-1x100-c100.rN.* and results/ratio-2x100-c200.rN.*.
#   calibration/workers_ratio.sh      ROUNDS (default 5)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-5}"
ONLY=.
kit_init
postgres_up
URL="http://$HOST:$APP_PORT/"
for r in $(seq 1 "$ROUNDS"); do
  gunicorn_up ratio-1x100 wsgi_actors --workers=1 --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure ratio-1x100-c100 1 -n 1000 -c 100 -t 0 "$URL"
  keep_round ratio-1x100-c100 "$r"
  gunicorn_down
  gunicorn_up ratio-2x100 wsgi_actors --workers=2 --worker-class=gevent --worker-connections=100 --keep-alive=2
  measure ratio-2x100-c200 1 -n 1000 -c 200 -t 0 "$URL"
  keep_round ratio-2x100-c200 "$r"
  gunicorn_down
  quiet_end
done
rounds_done ratio-
for r in $(seq 1 "$ROUNDS"); do
  a=$(awk '/Requests\/sec/ {print $2}' "$RESULTS/ratio-1x100-c100.r$r.txt")
  b=$(awk '/Requests\/sec/ {print $2}' "$RESULTS/ratio-2x100-c200.r$r.txt")
  say "round $r: 1 x 100 $a req/s, 2 x 100 $b req/s, ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
done
