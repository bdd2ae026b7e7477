#!/usr/bin/env bash
# Why hey spends more CPU a request in a storm than in a wave. In the kit's storms (4 x 100
# actors at -c 1000) hey used 0.2-0.3 ms a request, most of it while it dialed, where a
# wave of -c 1000 against a trivial handler costs it some 0.12 ms (hey_concurrency.sh).
# Four loads of -n 1000 -c 1000 against 4 gevent workers x 1000 (wsgi_fleet's handlers, no
# database), alternated ROUNDS (3) times, hey's user and system CPU from wait4's rusage:
#   wave    /      204 at once: the responses come as fast as the workers write them
#   slow    /slow  each request sleeps 2 s: the 1000 connections stay open, then the
#                  responses come in one burst
#   cpu     /cpu   10 ms of the worker's CPU each: the responses trickle in over some 5 s
#                  while both cores are busy, as in a storm
#   busy    /      the wave again while two busy loops (nice 0) compete for both cores
# The same work for hey in all four (1000 dials, writes and reads); what differs is how long
# the connections stay open, how the responses come, and whether the cores are busy.
# WORKER_CONNECTIONS=100 runs the workers as the kit's storm does (4 x 100): 600 of the
# connections then wait in gunicorn's listen queue until a greenlet is free; KINDS picks
# the loads. 127.0.0.1 only.
#
#   calibration/hey_storm_cpu.sh    writes results/hey-storm-cpu.txt (-wcN.txt with
#                                   WORKER_CONNECTIONS=N other than 1000)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
WC="${WORKER_CONNECTIONS:-1000}"
KINDS="${KINDS:-wave slow cpu busy}"
OUTFILE="$RESULTS/hey-storm-cpu.txt"
[ "$WC" = 1000 ] || OUTFILE="$RESULTS/hey-storm-cpu-wc$WC.txt"
kit_init
gunicorn_up hey-storm wsgi_fleet --workers=4 --worker-class=gevent --worker-connections="$WC"
URL="http://$HOST:$APP_PORT"
hey_cpu() {
  # hey's user and system CPU, seconds, and its wall time, for one run with the given flags.
  "$PYTHON" - "$@" <<'PY'
import resource, subprocess, sys, time
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
subprocess.run(["hey", *sys.argv[1:]], stdout=subprocess.DEVNULL, check=True)
wall = time.monotonic() - t0
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{after.ru_utime - before.ru_utime:.4f} {after.ru_stime - before.ru_stime:.4f} {wall:.3f}")
PY
}
one() {
  local kind="$1" r="$2" path="/" spin=() u s w
  case "$kind" in
    slow) path=/slow ;;
    cpu) path=/cpu ;;
    busy)
      for _ in 1 2; do
        "$PYTHON" -c 'while True: pass' &
        spin+=($!)
      done
      sleep 0.2
      ;;
  esac
  read -r u s w < <(hey_cpu -n 1000 -c 1000 -t 0 "$URL$path")
  if [ ${#spin[@]} -gt 0 ]; then
    kill "${spin[@]}" 2>/dev/null || true
    wait "${spin[@]}" 2>/dev/null || true
  fi
  echo "round $r $kind: hey user $u s, system $s s, $(echo "($u + $s) * 1000 / 1000" | bc -l | cut -c1-6) ms a request; wall $w s"
}
quiet_begin
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "# hey -n 1000 -c 1000 -t 0 against 4 gevent workers x $WC (wsgi_fleet): hey's CPU per request"
  hey -n 200 -c 10 -t 0 "$URL/" >/dev/null
  for r in $(seq 1 "$ROUNDS"); do
    for kind in $KINDS; do
      one "$kind" "$r"
      sleep 2
    done
  done
} >"$OUTFILE"
quiet_end now
cat "$OUTFILE" >&2
