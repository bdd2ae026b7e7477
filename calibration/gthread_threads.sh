#!/usr/bin/env bash
# gunicorn's gthread worker on the actors handler without psycogreen (as run.sh's gthread
# rows), in configurations given as WORKERSxTHREADS:CLIENTS, e.g. 2x50:1000 1x30:100:
# hey -n 1000 -c CLIENTS keep-alive, REPS (3) runs each (results/gthread-actorsWxT-ka2-cC.rN.*).
# gunicorn 20.1's gthread can hang a run for good (README.md): a hey older than 120 s is
# killed and its run kept as it ended. 127.0.0.1 only.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-3}"
ONLY="${ONLY:-.}"
[ "$#" -gt 0 ] || { say "give configurations, e.g. 2x50:1000 1x30:100"; exit 2; }
kit_init
postgres_up
( while sleep 5; do
    for p in $(pgrep -x hey || true); do
      if [ "$(ps -o etimes= -p "$p" | tr -d ' ')" -gt 120 ]; then say "killing a hung hey ($p)"; kill -KILL "$p"; fi
    done
  done ) &
WATCHDOG=$!
kit_cleanup_hook() { kill "$WATCHDOG" 2>/dev/null || true; }
for cfg in "$@"; do
  wt=${cfg%:*} c=${cfg#*:} w=${wt%x*} t=${wt#*x}
  CAL_GREEN=0 gunicorn_up "gthread-actors$wt" wsgi_actors --workers="$w" --worker-class=gthread --threads="$t" --keep-alive=2
  measure "gthread-actors$wt-ka2-c$c" "$REPS" -n 1000 -c "$c" -t 0 "http://$HOST:$APP_PORT/"
  gunicorn_down
  quiet_end
done
quiet_end now
