#!/usr/bin/env bash
# sync configurations given as WORKERS:CLIENTS (e.g. 4:100 16:1000): the actors handler
# without psycogreen (CAL_GREEN=0, psycopg2 blocking its process), hey -n 1000 -c CLIENTS,
# the configurations alternated ROUNDS (3) rounds, one run each a round, so that the
# machine's drift falls on all alike (results/i1203-sync-actorsW-cC.rN.*, NAME_PREFIX to
# change the prefix).
#
#   calibration/sync_workers.sh 4:100 16:100 16:1000
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
PREFIX="${NAME_PREFIX:-i1203-}"
ONLY="."
[ "$#" -gt 0 ] || { say "give configurations, e.g. 4:100 16:1000"; exit 2; }
kit_init
postgres_up
for r in $(seq 1 "$ROUNDS"); do
  for cfg in "$@"; do
    w=${cfg%:*} c=${cfg#*:}
    CAL_GREEN=0 gunicorn_up "sync-actors$w" wsgi_actors --workers="$w" --worker-class=sync
    measure sync-run 1 -n 1000 -c "$c" -t 0 "http://$HOST:$APP_PORT/"
    for f in txt cpu.txt server.log; do mv "$RESULTS/sync-run.r1.$f" "$RESULTS/${PREFIX}sync-actors$w-c$c.r$r.$f"; done
    [ ! -e "$RESULTS/sync-run.r1.stderr.log" ] || mv "$RESULTS/sync-run.r1.stderr.log" "$RESULTS/${PREFIX}sync-actors$w-c$c.r$r.stderr.log"
    gunicorn_down
  done
  quiet_end now
done
