#!/usr/bin/env bash
# PostgreSQL's statement_timeout, checked against the simulator's model of it
# (src/model/database/statementTimeout.ts): a query still running at the limit is
# cancelled at the limit with "canceling statement due to statement timeout" (SQLSTATE
# 57014; psycopg2 raises QueryCanceled), whether it sleeps (pg_sleep) or computes; and the
# session goes on: after the rollback, the same backend answers the next query. A private
# PostgreSQL as run.sh starts it; one psycopg2 connection; LIMIT_MS (500), REPS (5).
#
#   calibration/statement_timeout.sh    writes results/statement-timeout.txt;
#                                       node calibration/incidents.mjs puts it in docs/validation.md
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
LIMIT_MS="${LIMIT_MS:-500}"
REPS="${REPS:-5}"
kit_init
postgres_up
quiet_begin
"$PYTHON" "$HERE/bench/statement_timeout.py" "$HOST" "$PG_PORT" "$PASSWORD" "$LIMIT_MS" "$REPS" >"$RESULTS/statement-timeout.txt"
quiet_end now
"$PGBIN/postgres" --version >>"$RESULTS/statement-timeout.txt"
cat "$RESULTS/statement-timeout.txt" >&2
