#!/usr/bin/env bash
# When a backend gives its slot back under load: the kit's sync storm (120 sync workers, the
# actors handler, psycopg2 blocking, hey -n 1000 -c 1000), RUNS (2) times, with sched_switch,
# sched_wakeup, sched_wakeup_new and sched_process_exit traced for its first TRACE_SECONDS
# (2.0). A backend's last wake-up before it exits is its client's Terminate (it sleeps in
# recv after the query); its slot is back on the free list only once it has run proc_exit
# as far as ProcKill (proc.c; slot_release.sh measures how much of its exit CPU comes
# before). bench/storm_slots.py gives, for the backends that exited in the trace, the wait
# from that wake-up to its first turn on a core and to the exit, against which the model
# frees the slot at the close; the backends alive at once; and each other process's waits
# for a core. Writes results/storm-slots[-TAG].txt.
#
#   calibration/storm_slots.sh intel1207n    needs root (tracefs at /sys/kernel/tracing)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
TAG="${1:-}"
OUT="$RESULTS/storm-slots${TAG:+-$TAG}.txt"
sched_trace_check
kit_init
postgres_up
CAL_GREEN=0 gunicorn_up storm-slots wsgi_actors --workers=120 --worker-class=sync
PM=$(postmaster_pid)
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) cores; 120 sync workers, wsgi_actors, psycopg2 blocking; hey -n 1000 -c 1000 -t 0, the first ${TRACE_SECONDS:-2.0} s traced" >"$OUT"
sched_trace_begin 131072 sched_switch sched_wakeup sched_wakeup_new sched_process_exit
sched_storm_runs "$OUT" "$PYTHON" "$HERE/bench/storm_slots.py" "$WORK/trace.txt" "$PM"
sched_trace_end
quiet_end
say "wrote $OUT"
