#!/usr/bin/env bash
# gunicorn's gthread worker on the actors handler without psycogreen (as run.sh's gthread
# rows), in configurations given as WORKERSxTHREADS:CLIENTS, e.g. 2x50:1000 1x30:100:
# hey -n 1000 -c CLIENTS keep-alive, REPS (3) runs each (results/gthread-actorsWxT-ka2-cC.rN.*).
# gunicorn 20.1's gthread can hang a run for good (README.md): lib.sh's measure kills it,
# keeps it apart as NAME.rN.hung.* and runs it again. 127.0.0.1 only.
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
for cfg in "$@"; do
  wt=${cfg%:*} c=${cfg#*:} w=${wt%x*} t=${wt#*x}
  CAL_GREEN=0 gunicorn_up "gthread-actors$wt" wsgi_actors --workers="$w" --worker-class=gthread --threads="$t" --keep-alive=2
  measure "gthread-actors$wt-ka2-c$c" "$REPS" -n 1000 -c "$c" -t 0 "http://$HOST:$APP_PORT/"
  gunicorn_down
  quiet_end
done
quiet_end now
