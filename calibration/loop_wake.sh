#!/usr/bin/env bash
# A gevent worker's CPU per request when each request wakes it (hey -c 1: it sleeps in
# its loop between requests) against when requests keep it busy (hey -c 50): the part of
# the per-request CPU that is its wake-up. Trivial handler (wsgi_bench's /: 204, no
# database), keep-alive, alternately REPS (7) times, N (3000) requests each.
#
#   calibration/loop_wake.sh    writes results/loop-wake.txt (last line: the summary)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-7}"
N="${N:-3000}"
kit_init
gunicorn_up bench wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000
W="$(cd "$HERE/bench" && "$PYTHON" -c "import procstat as ps; print(ps.children($GUNICORN_PID)[0])")"
cpu() { (cd "$HERE/bench" && "$PYTHON" -c "import procstat as ps; print(ps.cpu($W))"); }
quiet_begin
hey -n 500 -c 10 "http://$HOST:$APP_PORT/" >/dev/null
: >"$RESULTS/loop-wake.txt"
for r in $(seq 1 "$REPS"); do
  for c in 1 50; do
    a=$(cpu); t0=$(date +%s.%N)
    hey -n "$N" -c "$c" "http://$HOST:$APP_PORT/" >"$WORK/hey.out"
    t1=$(date +%s.%N); sleep 0.2; b=$(cpu)
    echo "rep $r c $c: $N requests in $(echo "$t1 - $t0" | bc) s, worker $(echo "($b - $a) * 1000000 / $N" | bc) us per request" >>"$RESULTS/loop-wake.txt"
  done
done
quiet_end now
"$PYTHON" - "$RESULTS/loop-wake.txt" >>"$RESULTS/loop-wake.txt" <<'PY'
import re, statistics, sys
one, busy = [], []
for line in open(sys.argv[1]):
    m = re.search(r"c (\d+): .* worker (\d+) us", line)
    if m:
        (one if m[1] == "1" else busy).append(int(m[2]))
d = [a - b for a, b in zip(one, busy)]
print(f"worker per request: one at a time {statistics.median(one)} us, kept busy {statistics.median(busy)} us; "
      f"wake-up {statistics.median(d)} us (range {min(d)}-{max(d)}, {len(d)} pairs)")
PY
tail -n 1 "$RESULTS/loop-wake.txt" >&2
