#!/usr/bin/env bash
# hey's own pace at -c 1000, which decides when a storm's handlers start: how long its
# dials take, whether its requests follow their dials or come after all of them, whether
# its two threads (GOMAXPROCS) dial faster than one, whether CPU-bound processes in its
# session (the storm's workers) change its order, and its CPU per worker goroutine.
# No gunicorn or PostgreSQL: bench/hey_dial.py accepts without answering (the order of
# work), or answers 204 at once (the CPU).
#
#   calibration/hey_dial.sh     writes results/hey-dial.txt
#
# REPS (5) alternations of each comparison.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-5}"
PORT="${HEY_DIAL_PORT:-18081}"
OUT="$RESULTS/hey-dial.txt"
kit_init
quiet_begin
{
  echo "date: $(date -u +%FT%TZ); $(hey 2>&1 | head -n 0)hey $(dpkg-query -W -f='${Version}' hey); cores $(nproc)"
  echo "== hey -n 1000 -c 1000 against a listener that accepts and never answers (bench/hey_dial.py phase)"
  for r in $(seq 1 "$REPS"); do
    for procs in 1 ""; do "$PYTHON" "$HERE/bench/hey_dial.py" phase 1000 "$PORT" $procs; sleep 0.5; done
  done
  echo "== the same, alternately alone and with 4 CPU-bound processes in hey's session (as the storm's 4 workers are)"
  for r in $(seq 1 "$REPS"); do
    "$PYTHON" "$HERE/bench/hey_dial.py" phase 1000 "$PORT"
    sleep 0.5
    spin=()
    for k in 1 2 3 4; do "$PYTHON" -c 'import time
t = time.time()
while time.time() - t < 2: pass' & spin+=($!); done
    sleep 0.2
    printf 'with 4 spinners: '; "$PYTHON" "$HERE/bench/hey_dial.py" phase 1000 "$PORT"
    wait "${spin[@]}"
    sleep 0.5
  done
  echo "== hey's CPU (rusage) against a server that answers at once (bench/hey_dial.py answer), alternated"
  "$PYTHON" "$HERE/bench/hey_dial.py" answer "$((PORT + 1))" &
  server=$!
  sleep 0.5
  for r in $(seq 1 "$REPS"); do
    for flags in "-n 10 -c 10" "-n 1000 -c 10 -disable-keepalive" "-n 1000 -c 1000"; do
      # shellcheck disable=SC2086
      t=$("$PYTHON" -c 'import os,resource,subprocess,sys
p=subprocess.Popen(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); _,_,ru=os.wait4(p.pid,0)
print("%.1f" % (1e3*(ru.ru_utime+ru.ru_stime)))' hey $flags "http://127.0.0.1:$((PORT + 1))/")
      echo "hey $flags: cpu $t ms"
      sleep 0.2
    done
  done
  kill "$server"
} >"$OUT"
quiet_end now
cat "$OUT" >&2
