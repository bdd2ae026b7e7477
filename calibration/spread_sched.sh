#!/usr/bin/env bash
# Who runs on the cores at the start of a wave: one gevent worker x 1000, the kit's
# pg_sleep(1) handler, hey -n C -c C (C = 50, 100) alternated RUNS (3) rounds, with the
# scheduler's sched_switch and sched_wakeup events traced (tracefs); bench/wave_cpu.py
# sums each process's CPU by 10 ms window from the worker's first wake-up: the worker, the
# postmaster, the backends, hey. Writes results/spread-sched.txt.
#   calibration/spread_sched.sh       needs root (tracefs at /sys/kernel/tracing)
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
  "$PYTHON" "$HERE/bench/wave_cpu.py" --worker "$W" --postmaster "$PM" --label "c$c run $r: Slowest - Fastest $spread s" <"$WORK/trace.txt"
}
sched_waves spread-sched "$RESULTS/spread-sched.txt" read_wave sched_switch sched_wakeup
