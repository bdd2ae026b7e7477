#!/usr/bin/env bash
# The backend's CPU for the statements the driver and the pool send by themselves around a
# handler's query (bench/statement_cpu.py): BEGIN (psycopg2 without autocommit) and ROLLBACK
# (SQLAlchemy's reset on return), beside SELECT 1 and the kit's actors query, one connection,
# alternated ROUNDS (5) rounds of N (2000). AUTH as run.sh's. Writes results/statement-cpu.txt
# (with AUTH=md5 or trust, results/statement-cpu-AUTH.txt); docs/validation.md, "How the
# real workers leave their core".
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-5}"
N="${N:-2000}"
ONLY=.
postgres_up_with_auth statement_cpu.sh statement-cpu .txt
mkdir -p "$RESULTS"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
{
  echo "date: $(date -u +%FT%TZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $AUTH; one connection, $N a batch"
  cd "$HERE/bench"
  "$PYTHON" statement_cpu.py --n "$N" --rounds "$ROUNDS"
} >"$OUT"
quiet_end now
say "$(grep medians "$OUT")"
