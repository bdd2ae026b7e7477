#!/usr/bin/env bash
# libpq's connect + close (scram-sha-256) when several threads of one process connect at
# once (app.steps.N.contendedCpu): bench/connect_threads.py, one thread's connects against
# 2, 8 and 100 threads', REPS (3) rounds alternated, N (200) connects each. psycopg2
# releases the GIL for PQconnectdb, so the threads' proofs run side by side on the cores,
# and OpenSSL 3 takes a process-wide lock in every HMAC_Init_ex of the proof. PostgreSQL
# with max_connections 200 (no connect is refused). 127.0.0.1 only.
#
#   calibration/connect_threads.sh    writes results/connect-threads.txt (its last line:
#                                     contendedCpu, eight threads' CPU per connect less one's,
#                                     read by bench/make_scenario.py)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
PG_EXTRA_OPTS="-c max_connections=200"
kit_init
postgres_up
quiet_begin
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(dpkg-query -W -f='${Package} ${Version}' libssl3 2>/dev/null)"
  CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" "$PYTHON" "$HERE/bench/connect_threads.py" \
    --threads 1,2,8,100 --n "${N:-200}" --reps "${REPS:-3}"
} >"$RESULTS/connect-threads.txt"
quiet_end now
"$PYTHON" - "$RESULTS/connect-threads.txt" >>"$RESULTS/connect-threads.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
med = {int(t): float(m) for t, m in re.findall(r"^(\d+) threads: median ([\d.]+) ms", text, re.M)}
print(f"contendedCpu {(med[8] - med[1]) / 1000:.7f} s (8 threads' CPU per connect {med[8]:.3f} ms less one thread's {med[1]:.3f} ms)")
PY
cat "$RESULTS/connect-threads.txt" >&2
