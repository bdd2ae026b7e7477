#!/usr/bin/env bash
# Where Linux puts PostgreSQL's backends when they wake during a wave of connects: one
# gevent worker x 1000, the kit's pg_sleep(1) handler, hey -n C -c C (C = 50, 100)
# alternated RUNS (3) rounds, with sched_switch, sched_waking, sched_wakeup and
# sched_wakeup_new traced (tracefs); bench/wave_wakes.py counts each backend's wake-up by
# its waker (the worker or another), whether the waker ran on the backend's previous core,
# whether the waker was alone on its core, and where the backend went (its previous core,
# the waker's). Writes results/wave-wakes.txt.
#   calibration/wave_wakes.sh       needs root (tracefs at /sys/kernel/tracing)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
RUNS="${RUNS:-3}"
sched_trace_check
ONLY=.
kit_init
postgres_up
OUT="$RESULTS/wave-wakes.txt"
gunicorn_up wave-wakes wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000
W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
PM=$(postmaster_pid)
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) cores; one gevent worker x 1000, wsgi_patched (pg_sleep(1)); hey -n C -c C -t 0" >"$OUT"
sched_trace_begin 16384 sched_switch sched_waking sched_wakeup sched_wakeup_new
for r in $(seq 1 "$RUNS"); do
  for c in 50 100; do
    sched_trace_start
    spread=$(hey -n "$c" -c "$c" -t 0 "http://$HOST:$APP_PORT/" | awk '/Slowest/ {s=$2} /Fastest/ {f=$2} END {printf "%.3f", s - f}')
    sched_trace_stop
    cat "$TRACEFS/trace" >"$WORK/trace.txt"
    say "c$c run $r: $(wc -l <"$WORK/trace.txt") events"
    "$PYTHON" "$HERE/bench/wave_wakes.py" --worker "$W" --postmaster "$PM" --label "c$c run $r: Slowest - Fastest $spread s" <"$WORK/trace.txt" >>"$OUT"
    "$PYTHON" "$HERE/bench/wave_cpu.py" --worker "$W" --postmaster "$PM" --windows 10 --label "c$c run $r" <"$WORK/trace.txt" >>"$OUT"
    sleep 2
  done
done
sched_trace_end
gunicorn_down
quiet_end now
cat "$OUT" >&2
