#!/usr/bin/env bash
# The storm's new backends on the cores: the kit's storm (4 gevent workers x 100, the
# actors handler, keep-alive 2, hey -n 1000 -c 1000), RUNS (3) times, with sched_switch,
# sched_wakeup and sched_wakeup_new traced for its first TRACE_SECONDS (1.0); for the
# children the postmaster forked in the first 150 ms after its first fork and in the
# 150-500 ms after it, bench/wave_backends.py gives the time from fork to first sleep, how
# much of it they ran and how much they waited for a core, and how long their next wake-up
# took to run; bench/postmaster_sched.py, the postmaster's own time on the core, its waits,
# and what ran meanwhile; bench/storm_sched.py, the core's time by kind of process (the
# workers, hey, the postmaster, the backends), run and waited. Run it under `taskset -c 0` for everything on one core (every process
# inherits the script's cores). The model's side: storm_backends_model.mjs. Writes
# results/storm-backends[-TAG].txt.
#
#   taskset -c 0 calibration/storm_backends.sh onecore    needs root (tracefs at /sys/kernel/tracing)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
TAG="${1:-}"
OUT="$RESULTS/storm-backends${TAG:+-$TAG}.txt"
sched_trace_check
kit_init
postgres_up
gunicorn_up storm-backends wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
PM=$(postmaster_pid)
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), cores $(taskset -p $$ | awk '{print $NF}') of $(nproc); 4 gevent workers x 100, wsgi_actors, keep-alive 2; hey -n 1000 -c 1000 -t 0, the first ${TRACE_SECONDS:-1.0} s traced" >"$OUT"
sched_trace_begin 65536 sched_switch sched_wakeup sched_wakeup_new
for r in $(seq 1 "${RUNS:-3}"); do
  sched_traced_storm "${TRACE_SECONDS:-1.0}"
  refused=$(awk '/\[500\]/ {print $2}' "$WORK/hey.txt")
  say "run $r: $(wc -l <"$WORK/trace.txt") events, ${refused:-0} 500s"
  for window in "0 0.150" "0.150 0.350"; do
    set -- $window
    "$PYTHON" "$HERE/bench/wave_backends.py" --postmaster "$PM" --after "$1" --window "$2" --label "run $r (${refused:-0} 500s)" <"$WORK/trace.txt" >>"$OUT"
    "$PYTHON" "$HERE/bench/postmaster_sched.py" --postmaster "$PM" --after "$1" --window "$2" --label "run $r" <"$WORK/trace.txt" >>"$OUT"
    "$PYTHON" "$HERE/bench/storm_sched.py" --postmaster "$PM" --after "$1" --window "$2" --label "run $r" <"$WORK/trace.txt" >>"$OUT"
  done
  sleep 3
done
sched_trace_end
quiet_end now
cat "$OUT" >&2
