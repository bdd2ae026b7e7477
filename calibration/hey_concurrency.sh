#!/usr/bin/env bash
# hey's own CPU per request against a trivial handler (wsgi_bench's /: 204, no database;
# 4 gevent workers x 1000), one request per connection (-n C -c C, a wave, as the kit's
# spread and storm rows run), at C = 10, 50, 100, 300 and 1000, alternated ROUNDS (3)
# times; and -n 3000 -c 10 with and without -disable-keepalive, as costs.sh measures
# client.requestCpu and client.dialCpu. hey's CPU from wait4's rusage (bench/loadrun.py).
# Whether hey's CPU per connection depends on how many it opens at once: the kit's runs
# recorded 0.17-0.26 ms a request in waves of 50 to 1000, where costs.sh's batches at -c 10
# give some 0.1 ms (docs/validation.md, "hey's CPU in a wave"). 127.0.0.1 only.
#
#   calibration/hey_concurrency.sh    writes results/hey-concurrency.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
kit_init
gunicorn_up hey-concurrency wsgi_bench --workers=4 --worker-class=gevent --worker-connections=1000
URL="http://$HOST:$APP_PORT/"
hey_cpu() {
  # hey's user + system CPU, seconds, for one run with the given flags.
  "$PYTHON" - "$@" <<'PY'
import resource, subprocess, sys
before = resource.getrusage(resource.RUSAGE_CHILDREN)
subprocess.run(["hey", *sys.argv[1:]], stdout=subprocess.DEVNULL, check=True)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime):.4f}")
PY
}
quiet_begin
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "# hey's CPU per request (ms): waves of -n C -c C, then -n 3000 -c 10 kept alive and not, less -n 10 -c 10 (costs.sh's method)"
  hey -n 200 -c 10 -t 0 "$URL" >/dev/null
  for r in $(seq 1 "$ROUNDS"); do
    for c in 10 50 100 300 1000; do
      s=$(hey_cpu -n "$c" -c "$c" -t 0 "$URL")
      echo "round $r wave -c $c: hey $s s, $(echo "$s * 1000 / $c" | bc -l | cut -c1-6) ms a request"
      sleep 1
    done
    base=$(hey_cpu -n 10 -c 10 -t 0 "$URL")
    ka=$(hey_cpu -n 3000 -c 10 -t 0 "$URL")
    nka=$(hey_cpu -n 3000 -c 10 -t 0 -disable-keepalive "$URL")
    echo "round $r -c 10: start-up and 10 dials $base s; kept alive $(echo "($ka - $base) * 1000 / 2990" | bc -l | cut -c1-6) ms a request; a new connection each $(echo "($nka - $base) * 1000 / 2990" | bc -l | cut -c1-6) ms"
  done
} >"$RESULTS/hey-concurrency.txt"
quiet_end now
cat "$RESULTS/hey-concurrency.txt" >&2
