#!/usr/bin/env bash
# A wave's new backends on the cores: one gevent worker x 1000, the kit's pg_sleep(1)
# handler, hey -n C -c C (C = 50, 100) alternated RUNS (3) rounds, with sched_switch,
# sched_wakeup and sched_wakeup_new traced (tracefs); bench/wave_backends.py gives, for the
# children the postmaster forked in the first 100 ms, the time from fork to first sleep, how
# much of it they ran and how much they waited for a core, and how long their next wake-up
# took to run. Writes results/wave-backends.txt.
#   calibration/wave_backends.sh       needs root (tracefs at /sys/kernel/tracing)
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
  "$PYTHON" "$HERE/bench/wave_backends.py" --postmaster "$PM" --label "c$c run $r: Slowest - Fastest $spread s" <"$WORK/trace.txt"
}
sched_waves wave-backends "$RESULTS/wave-backends.txt" read_wave sched_switch sched_wakeup sched_wakeup_new
