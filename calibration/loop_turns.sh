#!/usr/bin/env bash
# How many turns of a gevent worker's loop each wait of a psycopg2 connect takes, by kind
# (bench/loop_turns.py): N greenlets connecting at once in one gevent process, as in a
# storm's worker, against the kit's PostgreSQL (max_connections 100, scram-sha-256).
#
#   calibration/loop_turns.sh      writes results/loop-turns.txt
#
# N (100) greenlets, ROUNDS (5).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
N="${N:-100}"
ROUNDS="${ROUNDS:-5}"
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
"$PYTHON" "$HERE/bench/loop_turns.py" "$N" "$ROUNDS" >"$RESULTS/loop-turns.txt"
quiet_end now
cat "$RESULTS/loop-turns.txt" >&2
