#!/usr/bin/env bash
# What a sync worker does between closing its database connection and sleeping in its next
# connect, in the kit's sync storm (120 sync workers, the actors handler, psycopg2
# blocking, hey -n 1000 -c 1000), RUNS (2) times under the scheduler's tracer
# (sched_switch, sched_wakeup, sched_process_exit) for the first TRACE_SECONDS (2.0).
# bench/sync_close.py: whether the backend the close wakes takes the worker's core, and how
# long the worker then takes to its next sleep, against which calibration/sync_holds_model.mjs
# gives the model's close to next connect. Writes results/sync-close[-TAG].txt.
#
#   calibration/sync_close.sh intel1208    needs root (tracefs at /sys/kernel/tracing)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
TAG="${1:-}"
OUT="$RESULTS/sync-close${TAG:+-$TAG}.txt"
sched_trace_check
kit_init
postgres_up
CAL_GREEN=0 gunicorn_up sync-close wsgi_actors --workers=120 --worker-class=sync
PM=$(postmaster_pid)
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) cores; 120 sync workers, wsgi_actors, psycopg2 blocking; hey -n 1000 -c 1000 -t 0, the first ${TRACE_SECONDS:-2.0} s traced" >"$OUT"
sched_trace_begin 131072 sched_switch sched_wakeup sched_process_exit
sched_storm_runs "$OUT" "$PYTHON" "$HERE/bench/sync_close.py" "$WORK/trace.txt" "$PM"
sched_trace_end
quiet_end now
say "wrote $OUT"
