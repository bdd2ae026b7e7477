#!/usr/bin/env bash
# When does a closing backend give its PGPROC slot back? The backend's CPU after the
# client's Terminate, split at ProcKill (DisownLatch, just before the slot returns to the
# freelist): before it the slot is still taken (ShutdownPostgres, the statistics flush,
# leaving the ProcArray), after it only the process's exit remains.
#
#   calibration/slot_release.sh    writes results/slot-release/trace-connect.rN.json and
#                                  results/slot-release/summary.txt
#
# TRACE_REPS (5) batches of N_TRACE (200) sequential psycopg2 connect + close against the
# kit's PostgreSQL (autovacuum off), each under a system-wide perf recording with uprobes
# on InitProcess, ReadyForQuery, proc_exit and DisownLatch (bench/pgtrace.py).
# costs.sh records the same probe since; this script measures only the split.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
OUT="$RESULTS/slot-release"
N_TRACE="${N_TRACE:-200}"
TRACE_REPS="${TRACE_REPS:-5}"
TRACE_PERIOD="${TRACE_PERIOD:-200000}"
PG_EXTRA_OPTS="-c autovacuum=off"
B="$HERE/bench"
kit_init
kit_cleanup_hook() { perf probe -q -d 'probe_postgres:*' 2>/dev/null; }
postgres_up
PM="$(postmaster_pid)"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
mkdir -p "$OUT"
perf probe -q -x "$PGBIN/postgres" --add InitProcess --add ReadyForQuery --add proc_exit --add DisownLatch
quiet_begin
for r in $(seq 1 "$TRACE_REPS"); do
  perf record -q -a -m 4096 -c "$TRACE_PERIOD" -o "$WORK/perf.data" \
    -e cpu-clock -e sched:sched_process_fork -e sched:sched_process_exit \
    -e probe_postgres:InitProcess -e probe_postgres:ReadyForQuery -e probe_postgres:proc_exit -e probe_postgres:DisownLatch \
    -- "$PYTHON" "$B/bench_db.py" connect --postmaster "$PM" --n "$N_TRACE" --reps 1 --out "$WORK/bench.json" --log "$OUT/bench.log" 2>>"$OUT/perf.log"
  perf script -i "$WORK/perf.data" --show-lost-events -F comm,tid,cpu,time,event,trace 2>/dev/null |
    "$PYTHON" "$B/pgtrace.py" "$PM" "$TRACE_PERIOD" >"$OUT/trace-connect.r$r.json"
  rm -f "$WORK/perf.data"
done
quiet_end now
"$PYTHON" - "$OUT" >"$OUT/summary.txt" <<'PY'
import glob, json, statistics, sys
rows = []
for f in sorted(glob.glob(f"{sys.argv[1]}/trace-connect.r*.json")):
    d = json.load(open(f))
    s = d["successful"]
    rows.append(d["fractions"]["shutdown_of_after_ready"])
    print(f"{f.rsplit('/', 1)[-1]}: {s['shutdown']['n']} backends; after ready {s['after_ready']['mean'] * 1e3:.3f} ms (mean), "
          f"of it before the slot is free (Terminate to DisownLatch) {s['shutdown']['mean'] * 1e3:.3f} ms, after {s['after_slot']['mean'] * 1e3:.3f} ms; "
          f"share before {d['fractions']['shutdown_of_after_ready']:.3f}; lost event records {d['lost']}")
print(f"share of the CPU after ready spent before the slot is free: median {statistics.median(rows):.3f} (range {min(rows):.3f}-{max(rows):.3f}), {len(rows)} batches")
PY
cat "$OUT/summary.txt" >&2
