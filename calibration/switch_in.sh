#!/usr/bin/env bash
# What a process of the stack pays in CPU to run on a core right after another process of
# the stack ran there (its caches and TLB refilled after the other's), by the kind of each:
# a gevent worker after another gevent worker, a worker after a PostgreSQL backend, a
# backend after a worker. Everything measured runs on core 0, its load generators on core 1;
# a busy loop at SCHED_IDLE keeps core 0 from ever going idle, so that no condition pays
# for waking an idle core (calibration/peer_core.sh) and every switch-in comes either after
# another measured process or after that loop (a few bytes of memory). Conditions,
# alternated ROUNDS (3) times, N (3000) requests each:
#   solo    worker A alone, hey -c 1 (trivial requests: wsgi_bench's /)
#   pair    worker A and worker B (a second gunicorn, its own port), hey -c 1 on each
#   withdb  worker A and a backend that answers SELECT 1 to a client looping on core 1
#   dbsolo  that backend alone
# CPU per request or query from schedstat; then one round of each traced (sched_switch on
# core 0) to count, per request, the switch-ins after the other process
# (bench/switch_in.py trace). The difference in CPU over those switch-ins is the cost of
# one. PostgreSQL's postmaster, so every backend but the loop's, runs on core 1.
# 127.0.0.1 only; needs two cores, taskset, chrt, tracefs, gcc.
#
#   calibration/switch_in.sh    writes results/switch-in.txt
#   APP=wsgi_pool URLPATH=/wait10 C=100 CONDS="solo pair" NAME=switch-in-pool calibration/switch_in.sh
#       the same for workers with a bigger working set: the pool's handler (SQLAlchemy, the
#       actors query), a hundred connections to each worker
#   APP=wsgi_actors CLASS=sync CAL_GREEN=0 CONDS="solo pair" NAME=switch-in-sync calibration/switch_in.sh
#       sync workers on the actors handler (a connect, the query, a close per request), each
#       blocking at every round trip to PostgreSQL
#   RING=6 CONDS="solo pair ring" ...: a condition more, worker A beside B and RING more
#       workers (gunicorns of their own, on core 0 too), hey -c C on each
#   RING=6 CONDS="dbsolo ringdb" ...: the backend's SELECT 1 loop alone, and beside that ring
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
N="${N:-3000}"
APP="${APP:-wsgi_bench}"
URLPATH="${URLPATH:-/}"
C="${C:-1}"
CONDS="${CONDS:-solo pair withdb dbsolo}"
CLASS="${CLASS:-gevent}"
PORT_B=8002
OUT="$RESULTS/${NAME:-switch-in}.txt"
kit_init
sched_trace_check
postgres_up
taskset -p -c 1 "$(postmaster_pid)" >/dev/null
SPIN_PID=""
A_MASTER=""
B_MASTER=""
RING_MASTERS=()
RING_WORKERS=()
kit_cleanup_hook() {
  [ -z "$SPIN_PID" ] || kill "$SPIN_PID" 2>/dev/null
  local m
  for m in $A_MASTER $B_MASTER "${RING_MASTERS[@]}"; do kill -TERM "$m" 2>/dev/null; wait "$m" 2>/dev/null; done
}
gunicorn_up switch-a "$APP" --workers=1 --worker-class="$CLASS" --worker-connections=1000
A_MASTER=$GUNICORN_PID
APP_PORT=$PORT_B gunicorn_up switch-b "$APP" --workers=1 --worker-class="$CLASS" --worker-connections=1000
A=$(pgrep -P "$A_MASTER" | head -n 1)
B_MASTER=$GUNICORN_PID
B=$(pgrep -P "$B_MASTER" | head -n 1)
taskset -p -c 0 "$A" >/dev/null
taskset -p -c 0 "$B" >/dev/null
taskset -p -c 1 "$A_MASTER" >/dev/null
taskset -p -c 1 "$B_MASTER" >/dev/null
# RING more workers, each a gunicorn of its own on the ports after B's.
# gunicorn_down (the exit trap) stops the last one started: B and the ring's are the hook's.
for i in $(seq 1 "${RING:-0}"); do
  APP_PORT=$((PORT_B + i)) gunicorn_up "switch-r$i" "$APP" --workers=1 --worker-class="$CLASS" --worker-connections=1000
  RING_MASTERS+=("$GUNICORN_PID")
  RING_WORKERS+=("$(pgrep -P "$GUNICORN_PID" | head -n 1)")
  taskset -p -c 0 "${RING_WORKERS[-1]}" >/dev/null
  taskset -p -c 1 "$GUNICORN_PID" >/dev/null
done
printf 'int main(void) { for (;;) {} }\n' | gcc -O1 -x c - -o "$WORK/spin"
URL_A="http://$HOST:$APP_PORT$URLPATH"
URL_B="http://$HOST:$PORT_B$URLPATH"
cpu() { (cd "$HERE/bench" && "$PYTHON" -c "import procstat as ps; print(ps.cpu($1))"); }
per() { echo "($2 - $1) * 1000000 / $3" | bc -l | xargs printf '%.1f'; }

# The backend loop: started, warm (its pid written), stopped; its "queries cpu" after.
db_start() {
  rm -f "$WORK/stop" "$WORK/backend" "$WORK/backend.count"
  (cd "$HERE/bench" && CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" \
    "$PYTHON" switch_in.py dbloop "$WORK/stop" "$WORK/backend" 0) &
  DB_LOOP=$!
  while [ ! -e "$WORK/backend" ]; do sleep 0.05; done
  BACKEND=$(cat "$WORK/backend")
}
db_stop() {
  touch "$WORK/stop"
  wait "$DB_LOOP"
  read -r DB_Q DB_CPU <"$WORK/backend.count"
}

# hey -n N -c C on workers A and B and the first K of the ring's at once; back when A's is done and the others'.
load_workers() {
  local pids=() i
  taskset -c 1 hey -n "$N" -c "$C" "$URL_B" >/dev/null &
  pids+=($!)
  for i in $(seq 1 "$1"); do
    taskset -c 1 hey -n "$N" -c "$C" "http://$HOST:$((PORT_B + i))$URLPATH" >/dev/null &
    pids+=($!)
  done
  taskset -c 1 hey -n "$N" -c "$C" "$URL_A" >/dev/null
  wait "${pids[@]}"
}

# One condition; prints its line. TRACE=1: the same, with core 0's switches traced.
condition() {
  local cond=$1 a0 a1 b0 b1
  a0=$(cpu "$A")
  b0=$(cpu "$B")
  [ -z "${TRACE:-}" ] || sched_trace_start
  case $cond in
    solo) taskset -c 1 hey -n "$N" -c "$C" "$URL_A" >/dev/null ;;
    pair) load_workers 0 ;;
    ring) load_workers "${RING:-0}" ;;
    withdb)
      db_start
      taskset -c 1 hey -n "$N" -c "$C" "$URL_A" >/dev/null
      db_stop
      ;;
    dbsolo)
      db_start
      sleep 2
      db_stop
      ;;
    ringdb)
      db_start
      load_workers "${RING:-0}"
      db_stop
      ;;
  esac
  [ -z "${TRACE:-}" ] || sched_trace_stop
  a1=$(cpu "$A")
  b1=$(cpu "$B")
  case $cond in
    solo) echo "$cond: worker A $(per "$a0" "$a1" "$N") us a request" ;;
    pair) echo "$cond: worker A $(per "$a0" "$a1" "$N") us a request, worker B $(per "$b0" "$b1" "$N") us" ;;
    ring) echo "$cond: worker A $(per "$a0" "$a1" "$N") us a request, worker B $(per "$b0" "$b1" "$N") us, beside $((RING + 1)) workers" ;;
    withdb) echo "$cond: worker A $(per "$a0" "$a1" "$N") us a request, backend $(per 0 "$DB_CPU" "$DB_Q") us a query ($DB_Q queries)" ;;
    dbsolo) echo "$cond: backend $(per 0 "$DB_CPU" "$DB_Q") us a query ($DB_Q queries)" ;;
    ringdb) echo "$cond: worker A $(per "$a0" "$a1" "$N") us a request, backend $(per 0 "$DB_CPU" "$DB_Q") us a query ($DB_Q queries), beside $((RING + 2)) workers" ;;
  esac
  if [ -n "${TRACE:-}" ]; then
    cat "$TRACEFS/trace" >"$WORK/trace.txt"
    local named="$A=A $B=B"
    case $cond in withdb | dbsolo | ringdb) named="$named $BACKEND=backend" ;; esac
    local i
    for i in $(seq 1 "${RING:-0}"); do named="$named ${RING_WORKERS[$((i - 1))]}=R$i"; done
    # shellcheck disable=SC2086
    "$PYTHON" "$HERE/bench/switch_in.py" trace "$WORK/trace.txt" 0 $named | sed "s/^/$cond traced: /"
  fi
}

taskset -c 1 hey -n 500 -c "$C" "$URL_A" >/dev/null
taskset -c 1 hey -n 500 -c "$C" "$URL_B" >/dev/null
for i in $(seq 1 "${RING:-0}"); do taskset -c 1 hey -n 200 -c "$C" "http://$HOST:$((PORT_B + i))$URLPATH" >/dev/null; done
# Before the busy loop starts: quiet_begin waits for an idle machine.
quiet_begin
chrt -i 0 taskset -c 0 "$WORK/spin" &
SPIN_PID=$!
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $APP $URLPATH on $CLASS workers, hey -n $N -c $C"
  for r in $(seq 1 "$ROUNDS"); do
    for cond in $CONDS; do
      echo "round $r $(condition $cond)"
    done
  done
  sched_trace_begin 40000 sched_switch
  mask=$(cat "$TRACEFS/tracing_cpumask")
  echo 1 >"$TRACEFS/tracing_cpumask"
  for cond in $CONDS; do TRACE=1 condition "$cond"; done
  echo "$mask" >"$TRACEFS/tracing_cpumask"
  sched_trace_end
} >"$OUT"
quiet_end now
"$PYTHON" "$HERE/bench/switch_in.py" summary "$OUT" "$N" "$CLASS" >>"$OUT"
cat "$OUT" >&2
