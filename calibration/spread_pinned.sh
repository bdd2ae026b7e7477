#!/usr/bin/env bash
# The spread wave of run.sh (one gevent worker x 1000, pg_sleep(1), hey -n C -c C at -c 50
# and -c 100) or, with KIND=storm, the kit's storm (4 gevent workers x 100, the actors
# query, keep-alive 2, hey -n 1000 -c 1000), with the stack's processes placed three ways,
# alternated ROUNDS (5) times:
#   shared    every process on both cores, as every other run of the kit;
#   pg-apart  PostgreSQL (the postmaster and so its backends) on core 1, gunicorn and hey
#             on core 0: PostgreSQL's children never wait behind the worker for a core;
#   one-core  everything on core 0.
# The model's side: calibration/spread_pinned_model.mjs (pg-apart as two hosts of one
# core, one-core as one). Which of them splits the wave into rounds of proofs tells
# whether the new backends' turns on a shared core are what splits the real one; the
# storm's 500s, whether the model's scheduler is off on one core or in placing processes
# on two. Needs two cores and taskset. 127.0.0.1 only.
#
#   calibration/spread_pinned.sh    writes results/pinned-{shared,pg-apart,one-core}-c{50,100}.rN.*
#   KIND=storm calibration/spread_pinned.sh    writes results/pinned-storm-{shared,pg-apart,one-core}.rN.*
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-5}"
ONLY=.
URL="http://$HOST:$APP_PORT/"
kit_init
postgres_up
KIND="${KIND:-spread}"
case "$KIND" in
  spread) gunicorn_up spread-pinned wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000 ;;
  storm) gunicorn_up storm-pinned wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2 ;;
  *) say "KIND must be spread or storm" && exit 2 ;;
esac
# The postmaster and whatever it has started; new backends inherit the postmaster's cores.
pin_postgres() {
  local p
  for p in $(postmaster_pid) $(pgrep -P "$(postmaster_pid)"); do taskset -p -c "$1" "$p" >/dev/null; done
}
pin_app() {
  local p
  for p in "$GUNICORN_PID" $(pgrep -P "$GUNICORN_PID"); do taskset -p -c "$1" "$p" >/dev/null; done
}
for r in $(seq 1 "$ROUNDS"); do
  for placement in shared pg-apart one-core; do
    case "$placement" in
      shared) pin_postgres 0,1 && pin_app 0,1 && hey_cores=0,1 ;;
      pg-apart) pin_postgres 1 && pin_app 0 && hey_cores=0 ;;
      one-core) pin_postgres 0 && pin_app 0 && hey_cores=0 ;;
    esac
    # This shell's cores are what loadrun.py and hey, its children, start on.
    taskset -p -c "$hey_cores" $$ >/dev/null
    if [ "$KIND" = storm ]; then
      measure "pinned-storm-$placement" 1 -n 1000 -c 1000 -t 0 "$URL"
      keep_round "pinned-storm-$placement" "$r"
    else
      for c in 50 100; do
        measure "pinned-$placement-c$c" 1 -n "$c" -c "$c" -t 0 "$URL"
        keep_round "pinned-$placement-c$c" "$r"
      done
    fi
  done
done
taskset -p -c 0,1 $$ >/dev/null
rounds_done pinned-
