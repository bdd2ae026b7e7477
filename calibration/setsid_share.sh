#!/usr/bin/env bash
# How much of a new backend's start-up runs before it leaves the postmaster's session. A
# forked child is in its parent's session, so in the postmaster's autogroup, until
# InitPostmasterChild (miscinit.c) calls setsid(); from then on it is a session of its own
# (docs/validation.md, "Task groups"). In a storm the children's work before setsid()
# shares the postmaster's group with the postmaster's forks. A perf recording of batches
# of sequential connects (cpu-clock samples in every process, uprobes on libc's setsid and
# on postgres's InitProcess; bench/pgtrace.py) gives, for each child, its CPU before
# setsid() against its CPU before InitProcess (database.backendStartupCpu's phase).
#
#   calibration/setsid_share.sh     writes results/setsid-share.txt
#
# REPS (5) batches of N (210) connects; TRACE_PERIOD (50000) ns between samples.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(linux-perf)
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-5}"
N="${N:-210}"
TRACE_PERIOD="${TRACE_PERIOD:-50000}"
LIBC="$(ldd "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/postgres" | awk '/libc\.so/ { print $3 }')"
kit_cleanup_hook() { perf probe -q -d 'probe_postgres:*' 2>/dev/null; perf probe -q -d 'probe_libc:*' 2>/dev/null; }
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
PM="$(postmaster_pid)"
perf probe -q -x "$PGBIN/postgres" --add InitProcess --add ReadyForQuery
perf probe -q -x "$LIBC" --add setsid
OUT="$RESULTS/setsid-share.txt"
{
  echo "date: $(date -u +%FT%TZ); $("$PGBIN/postgres" --version); $(uname -r); perf cpu-clock every $TRACE_PERIOD ns"
  echo "per child: CPU before setsid() and before InitProcess, ms (medians over the batch); before_setsid / startup (sums)"
} >"$OUT"
quiet_begin
for r in $(seq 1 "$REPS"); do
  perf record -q -a -m 4096 -c "$TRACE_PERIOD" -o "$WORK/perf.data" \
    -e cpu-clock -e sched:sched_process_fork -e sched:sched_process_exit \
    -e probe_postgres:InitProcess -e probe_postgres:ReadyForQuery -e probe_libc:setsid \
    -- "$PYTHON" "$HERE/bench/bench_db.py" connect --postmaster "$PM" --n "$N" --reps 1 --out "$WORK/bench.json" --log "$WORK/bench.log" 2>/dev/null
  perf script -i "$WORK/perf.data" --show-lost-events -F comm,tid,cpu,time,event,trace 2>/dev/null |
    "$PYTHON" "$HERE/bench/pgtrace.py" "$PM" "$TRACE_PERIOD" >"$WORK/trace.json"
  "$PYTHON" - "$WORK/trace.json" "$r" >>"$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b, s = d["before_setsid"], d["successful"]["startup"]
print(f"r{sys.argv[2]}: children {d['children_forked']}, lost {d['lost']}; before setsid {b['median'] * 1e3:.3f} ms (n {b['n']}), "
      f"before InitProcess {s['median'] * 1e3:.3f} ms; share {d['fractions']['before_setsid_of_startup']:.3f}")
PY
  tail -n 1 "$OUT" >&2
done
quiet_end now
