#!/usr/bin/env bash
# Where Linux puts PostgreSQL's backends when they wake during a wave of connects: one
# gevent worker x 1000, the kit's pg_sleep(1) handler, hey -n C -c C (C = 50, 100)
# alternated RUNS (3) rounds, with sched_switch, sched_waking, sched_wakeup and
# sched_wakeup_new traced (tracefs); bench/wave_wakes.py counts each backend's wake-up by
# its waker (the worker or another), whether the waker ran on the backend's previous core,
# whether the waker was alone on its core, and where the backend went (its previous core,
# the waker's), and where the postmaster's forks went; bench/wave_cpu.py adds who ran on
# the cores, and bench/postmaster_sched.py the postmaster's own time in the wave's first
# 150 ms (run, waited runnable, what ran meanwhile). Writes results/wave-wakes.txt.
#   calibration/wave_wakes.sh       needs root (tracefs at /sys/kernel/tracing)
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
  "$PYTHON" "$HERE/bench/wave_wakes.py" --worker "$W" --postmaster "$PM" --label "c$c run $r: Slowest - Fastest $spread s" <"$WORK/trace.txt"
  "$PYTHON" "$HERE/bench/wave_cpu.py" --worker "$W" --postmaster "$PM" --windows 10 --label "c$c run $r" <"$WORK/trace.txt"
  # The postmaster's own time in the wave's first 150 ms: run, waited runnable, and who ran meanwhile.
  "$PYTHON" "$HERE/bench/postmaster_sched.py" --postmaster "$PM" --label "c$c run $r" <"$WORK/trace.txt"
}
sched_waves wave-wakes "$RESULTS/wave-wakes.txt" read_wave sched_switch sched_waking sched_wakeup sched_wakeup_new
