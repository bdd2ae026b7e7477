#!/usr/bin/env bash
# What a connect costs the process that makes it: psycopg2.connect() + close() (scram-sha-256)
# inside one gunicorn gevent worker (wsgi_bench.py's /connclose, hey -n N -c 1, the worker's
# /proc/PID/schedstat, less a trivial request's) against the same in a process of its own,
# plain and under gevent + psycogreen (bench/connect_standalone.py, CLOCK_PROCESS_CPUTIME_ID,
# as costs.sh's connect batch measures dbConnect.cpu), alternated for ROUNDS rounds so that
# all see the same machine. Writes results/connect-in-worker.txt (docs/validation.md); with
# AUTH=md5 or trust (run.sh's), the connect authenticates so and it writes
# results/connect-in-worker-AUTH.txt (not read by bench/make_scenario.py). make_scenario.py reads
# the scram file only where warm_turns.sh's has not measured the method.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
N="${N:-300}"
ONLY=.
postgres_up_with_auth connect_in_worker.sh connect-in-worker .txt
gunicorn_up connect wsgi_bench --workers=1 --worker-class=gevent --worker-connections=100 --keep-alive=2
W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); ms of CPU per connect + close ($AUTH), $N each" >"$OUT"
for p in / /connclose; do hey -n 50 -c 1 -t 0 "http://$HOST:$APP_PORT$p" >/dev/null; done
per_request() {
  local a b
  read -r a _ <"/proc/$W/schedstat"
  hey -n "$N" -c 1 -t 0 "http://$HOST:$APP_PORT$1" >/dev/null
  read -r b _ <"/proc/$W/schedstat"
  awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN { printf "%.3f", (b - a) / n / 1e6 }'
}
for r in $(seq 1 "$ROUNDS"); do
  trivial=$(per_request /)
  conn=$(per_request /connclose)
  plain=$("$PYTHON" "$HERE/bench/connect_standalone.py" plain "$N" "$PG_PORT")
  green=$("$PYTHON" "$HERE/bench/connect_standalone.py" green "$N" "$PG_PORT")
  inworker=$(awk -v c="$conn" -v t="$trivial" 'BEGIN { printf "%.3f", c - t }')
  echo "round $r: in the gevent worker $inworker (a /connclose request $conn, a trivial one $trivial); a process of its own: plain $plain, gevent + psycogreen $green" >>"$OUT"
done
gunicorn_down
quiet_end now
cat "$OUT" >&2
