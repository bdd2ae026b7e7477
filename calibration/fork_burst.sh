#!/usr/bin/env bash
# The postmaster's CPU per connection when it forks back to back (connections arriving
# all at once) against one at a time (it wakes from its select() for each): the part of
# database.postmasterCpu that is its wake-up (bench/fork_burst.py).
#
#   calibration/fork_burst.sh     writes results/fork-burst.txt (last line: the summary)
#
# REPS (9) alternated pairs of N (90) connections, against the kit's PostgreSQL
# (autovacuum off; 90 stays below max_connections, so none is refused).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
PG_EXTRA_OPTS="-c autovacuum=off"
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
(cd "$HERE/bench" && "$PYTHON" fork_burst.py --postmaster "$(postmaster_pid)" --n "${N:-90}" --reps "${REPS:-9}") >"$RESULTS/fork-burst.txt"
quiet_end now
tail -n 1 "$RESULTS/fork-burst.txt" >&2
