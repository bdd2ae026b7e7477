#!/usr/bin/env bash
# Is a single gevent worker's loop short of CPU, or idle? One worker x 100 on the actors
# handler (keep-alive 2), hey -n 1000 -c 100, 3 runs after a warm-up; around each run the
# worker's /proc/PID/schedstat: time on a core, time waiting on a run queue (runnable, no
# core), and timeslices. Writes results/worker-runqueue.txt (docs/validation.md,
# "Replicated, 2026-12-03").
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ONLY=.
kit_init
postgres_up
OUT="$RESULTS/worker-runqueue.txt"
gunicorn_up runqueue wsgi_actors --workers=1 --worker-class=gevent --worker-connections=100 --keep-alive=2
W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); one gevent worker x 100, wsgi_actors, keep-alive 2; hey -n 1000 -c 100 -t 0" >"$OUT"
hey -n 200 -c 100 -t 0 "http://$HOST:$APP_PORT/" >/dev/null
for r in 1 2 3; do
  read -r run0 wait0 n0 <"/proc/$W/schedstat"
  t0=$(date +%s.%N)
  rps=$(hey -n 1000 -c 100 -t 0 "http://$HOST:$APP_PORT/" | awk '/Requests\/sec/ {print $2}')
  t1=$(date +%s.%N)
  read -r run1 wait1 n1 <"/proc/$W/schedstat"
  "$PYTHON" -c "
run = ($run1 - $run0) / 1e9; wait = ($wait1 - $wait0) / 1e9; wall = $t1 - $t0
print(f'run $r: {float(\"$rps\"):.1f} req/s, wall {wall:.2f} s; the worker on a core {run:.2f} s ({run / wall:.2f} of the wall), '
      f'waiting on a run queue {wait:.2f} s ({wait / wall:.2f}), {$n1 - $n0} timeslices')" >>"$OUT"
done
gunicorn_down
quiet_end now
cat "$OUT" >&2
