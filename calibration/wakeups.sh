#!/usr/bin/env bash
# Where Linux runs the stack's processes: one gevent worker x 100 on the actors handler
# (keep-alive 2), hey -n 1000 -c 100, after a warm-up, with the kernel's scheduler events
# traced (tracefs: sched_switch, sched_wakeup, sched_wakeup_new, sched_migrate_task) for
# RUNS runs. bench/wakeups.py reads each trace: on which core each woken PostgreSQL
# backend ran (its previous one? the waker's? an idle one?), where the postmaster's forks
# went, and what the cores did while the worker was runnable but not running (both busy,
# or one idle: the per-core run queues' cost). Writes results/wakeups.txt (docs/validation.md,
# "Per-core run queues"; the scenario setting machine.runQueues).
#   calibration/wakeups.sh       needs root (tracefs at /sys/kernel/tracing)
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
OUT="$RESULTS/wakeups.txt"
gunicorn_up wakeups wsgi_actors --workers=1 --worker-class=gevent --worker-connections=100 --keep-alive=2
W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
PM=$(postmaster_pid)
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) cores; one gevent worker x 100, wsgi_actors, keep-alive 2; hey -n 1000 -c 100 -t 0" >"$OUT"
hey -n 200 -c 100 -t 0 "http://$HOST:$APP_PORT/" >/dev/null
sched_trace_begin 65536 sched_switch sched_wakeup sched_wakeup_new sched_migrate_task
for r in $(seq 1 "$RUNS"); do
  sched_trace_start
  rps=$(hey -n 1000 -c 100 -t 0 "http://$HOST:$APP_PORT/" | awk '/Requests\/sec/ {print $2}')
  sched_trace_stop
  "$PYTHON" "$HERE/bench/wakeups.py" --worker "$W" --postmaster "$PM" --label "run $r: $rps req/s" <"$TRACEFS/trace" >>"$OUT"
done
sched_trace_end
gunicorn_down
quiet_end now
cat "$OUT" >&2
