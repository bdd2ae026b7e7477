#!/usr/bin/env bash
# How often a pooled request's worker is switched in right after another worker ran on its
# core (or moved to the other core), in pool_workers.sh's rows: 1 gevent worker x 400 and
# 4 workers x 100 at hey -n 5000 -c 400 on /wait10 (SQLAlchemy's pool of 10 per worker),
# alternated ROUNDS (2) rounds, each run traced (sched_switch on both cores) and measured
# (each process's CPU, lib.sh's measure). With switch_in.sh's cost of one such switch-in,
# whether they account for the four workers' extra CPU per request. Needs root (tracefs).
#
#   calibration/pool_switches.sh    writes results/pool-switches.txt (and results/poolswitch-*)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-2}"
ONLY="."
kit_init
sched_trace_check
postgres_up
URL="http://$HOST:$APP_PORT/wait10"
OUT="$RESULTS/pool-switches.txt"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >"$OUT"
# WAKEUPS=yes also records sched_wakeup, for switch_in.py preemptors (who took the core from a
# preempted worker, and whether the worker had just woken it).
if [ "${WAKEUPS:-}" = yes ]; then sched_trace_begin 60000 sched_switch sched_wakeup; else sched_trace_begin 60000 sched_switch; fi
for i in $(seq 1 "$ROUNDS"); do
  for config in 1x400-c400 4x100-c400; do
    case "$config" in
      1x400-c400) WORKERS=1 CONNS=400 ;;
      4x100-c400) WORKERS=4 CONNS=100 ;;
    esac
    gunicorn_up "poolswitch-$config" wsgi_pool --workers="$WORKERS" --worker-class=gevent --worker-connections="$CONNS" --keep-alive=2
    hey -n 400 -c 400 -t 0 "$URL" >/dev/null
    sleep 2
    sched_trace_start
    measure poolswitch-run 1 -n 5000 -c 400 -t 0 "$URL"
    sched_trace_stop
    cat "$TRACEFS/trace" >"$WORK/trace.txt"
    for f in txt cpu.txt server.log; do mv "$RESULTS/poolswitch-run.r1.$f" "$RESULTS/poolswitch-$config.r$i.$f"; done
    # shellcheck disable=SC2046
    echo "$config round $i: $(awk '/Requests\/sec/{print $2}' "$RESULTS/poolswitch-$config.r$i.txt") req/s; $("$PYTHON" "$HERE/bench/switch_in.py" workers "$WORK/trace.txt" $(pgrep -P "$GUNICORN_PID"))" >>"$OUT"
    # shellcheck disable=SC2046
    if [ "${WAKEUPS:-}" = yes ]; then
      echo "  $("$PYTHON" "$HERE/bench/switch_in.py" preemptors "$WORK/trace.txt" $(pgrep -P "$GUNICORN_PID"))" >>"$OUT"
    fi
    gunicorn_down
  done
  quiet_end now
done
sched_trace_end
cat "$OUT" >&2
