#!/usr/bin/env bash
# How SQLAlchemy's pool churns under gevent, turn by turn of the workers' loops: the pool
# rows 2 x 100 at -c 200 and 4 x 100 at -c 1000 (pool.sh's), alternated ROUNDS rounds, with
# app/wsgi_pool.py logging each connection opened, closed and checked in, and the loop
# iteration it fell in (CAL_POOL_EVENTS=1). bench/pool_iterations.py counts, run by run,
# the connections opened and closed (and closed while greenlets waited) and how many checkins
# each turn held (results/pool-iterations.txt; each run's events in
# results/pool-iterations/NAME.rN.events.txt). The model's same figures:
# `node calibration/pool_iterations_model.mjs` (docs/validation.md, "The hub's order within
# a poll").
#
#   ROUNDS=3 calibration/pool_iterations.sh
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
mkdir -p "$RESULTS/pool-iterations"

export CAL_POOL_EVENTS=1
for r in $(seq 1 "$ROUNDS"); do
  for shape in 2x100-c200 4x100-c1000; do
    workers=${shape%%x*}
    c=${shape##*-c}
    gunicorn_up "pool-$shape" wsgi_pool --workers="$workers" --worker-class=gevent --worker-connections=100 --keep-alive=2
    measure_round "pool-$shape" "$r" "$RESULTS/pool-iterations" -n 5000 -c "$c" -t 0 "$URL"
    gunicorn_down
    quiet_end now
  done
done

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); sqlalchemy $("$PYTHON" -c 'import sqlalchemy; print(sqlalchemy.__version__)'); gevent $("$PYTHON" -c 'import gevent; print(gevent.__version__)')"
  "$PYTHON" "$HERE/bench/pool_iterations.py" "$RESULTS"/pool-iterations/pool-*.events.txt
} >"$RESULTS/pool-iterations.txt"
cat "$RESULTS/pool-iterations.txt" >&2
