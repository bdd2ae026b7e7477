#!/usr/bin/env bash
# How this machine's scheduler shares its cores between the kit's processes: Linux's
# autogroup (sched(7)) shares them between sessions first, then between a session's
# processes. Every PostgreSQL backend calls setsid() as it starts (InitPostmasterChild in
# miscinit.c), so each backend is a session of its own; so is the postmaster (pg_ctl
# starts it in a new session); gunicorn's workers and hey, started from this script, share
# its session. Two measurements:
#   1. the sessions (/proc/PID/autogroup) of the postmaster, its backends, the gunicorn
#      workers and hey, read 0.3 s into the actors storm (4 gevent x 100, hey -c 1000);
#   2. the cores CPU-bound processes get when some share a session and others each have
#      one (bench/session_share.py), against what sharing between processes would give.
#
#   calibration/autogroup.sh     writes results/autogroup.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
OUT="$RESULTS/autogroup.txt"
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
gunicorn_up autogroup wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
{
  echo "kernel: $(uname -r); kernel.sched_autogroup_enabled: $(cat /proc/sys/kernel/sched_autogroup_enabled)"
  echo "cpu cgroup of this script: $(grep -E '(^|,)cpu(,|:)|^0::' /proc/self/cgroup | tr '\n' ' ')"
} >"$OUT"
quiet_begin
ag() { cut -d' ' -f1 "/proc/$1/autogroup" 2>/dev/null || true; }
hey -n 1000 -c 1000 -t 0 "http://$HOST:$APP_PORT/" >/dev/null 2>&1 &
HEY=$!
PM="$(postmaster_pid)"
sleep 0.2
{
  echo "sessions during the actors storm (4 gevent x 100, hey -n 1000 -c 1000):"
  echo "  this script: $(ag $$)"
  echo "  hey: $(ag "$HEY")"
  for w in $(pgrep -P "$GUNICORN_PID"); do echo "  gunicorn worker $w: $(ag "$w")"; done
  echo "  postmaster: $(ag "$PM")"
  "$PYTHON" "$HERE/bench/sessions.py" "$PM" 8 0.1
} >>"$OUT"
wait "$HEY" || true
gunicorn_down
quiet_end now
quiet_begin
{
  echo "cores each CPU-bound process gets over 3 s (bench/session_share.py SHARED SINGLES):"
  echo "  (sharing between processes would give every process 2 / (SHARED + SINGLES) of this 2-core machine;"
  echo "   between sessions, the shared session and each single one 2 / (1 + SINGLES), the shared processes that split)"
  for cfg in "4 1" "5 1" "5 2" "4 3" "2 0" "0 3"; do
    for r in 1 2 3; do echo "  $cfg r$r: $("$PYTHON" "$HERE/bench/session_share.py" $cfg 3)"; done
  done
} >>"$OUT"
quiet_end now
cat "$OUT" >&2
