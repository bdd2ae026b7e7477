#!/usr/bin/env bash
# On which core the gevent worker and the postmaster run through a wave of connects: one
# gevent worker x 1000, the kit's pg_sleep(1) handler, hey -n C -c C (C = 50, 100)
# alternated RUNS (3) rounds, with sched_switch, sched_wakeup and sched_migrate_task traced
# (tracefs); bench/wave_cores.py gives where the postmaster first woke and each one's CPU
# on each core by 10 ms window, and how long the two shared a core. The model's side:
# `node calibration/postmaster_core_model.mjs` (the wave by where the postmaster starts).
# Writes results/wave-cores.txt.
#   calibration/wave_cores.sh       needs root (tracefs at /sys/kernel/tracing)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
sched_trace_check
ONLY=.
kit_init
postgres_up
read_wave() {
  "$PYTHON" "$HERE/bench/wave_cores.py" --worker "$W" --postmaster "$PM" --label "c$c run $r: Slowest - Fastest $spread s" <"$WORK/trace.txt"
}
sched_waves wave-cores "$RESULTS/wave-cores.txt" read_wave sched_switch sched_wakeup sched_migrate_task
