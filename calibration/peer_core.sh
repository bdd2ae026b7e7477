#!/usr/bin/env bash
# What a process of the stack pays in CPU for where its peer runs: the same requests with
# the peer on the process's own core (it wakes the process there, and the core switches
# between them) against the peer on the other core (the process's core idles between
# requests and is woken from the other), alternated ROUNDS (3) times:
#   the gevent worker: trivial requests (wsgi_bench's /) from hey -c 1, worker pinned to
#     core 0, hey to core 0 or 1; the worker's CPU per request (schedstat)
#   a PostgreSQL backend: SELECT 1 on one connection from a psycopg2 client, backend
#     pinned to core 0, client to core 0 or 1; the backend's CPU per query (schedstat)
# A cache refill after the peer would make the first dearer; a wake-up from idle, the
# second. Needs two cores and taskset. 127.0.0.1 only.
#
#   calibration/peer_core.sh    writes results/peer-core.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
N="${N:-3000}"
kit_init
postgres_up
gunicorn_up peer-core wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000
W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
taskset -p -c 0 "$W" >/dev/null
cpu() { (cd "$HERE/bench" && "$PYTHON" -c "import procstat as ps; print(ps.cpu($1))"); }
quiet_begin
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  taskset -c 1 hey -n 300 -c 1 "http://$HOST:$APP_PORT/" >/dev/null
  for r in $(seq 1 "$ROUNDS"); do
    for peer in 0 1; do
      a=$(cpu "$W")
      taskset -c "$peer" hey -n "$N" -c 1 "http://$HOST:$APP_PORT/" >/dev/null
      sleep 0.2
      b=$(cpu "$W")
      echo "round $r worker, hey on core $peer: $(echo "($b - $a) * 1000000 / $N" | bc) us per request"
    done
  done
  CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" "$PYTHON" - "$ROUNDS" "$N" <<'PY'
import os, sys, psycopg2
rounds, n = int(sys.argv[1]), int(sys.argv[2])
c = psycopg2.connect(host=os.environ["CAL_PGHOST"], port=int(os.environ["CAL_PGPORT"]), dbname="postgres",
                     user="postgres", password=os.environ["CAL_PGPASSWORD"])
c.autocommit = True
cur = c.cursor()
cur.execute("SELECT pg_backend_pid()")
backend = cur.fetchone()[0]
os.sched_setaffinity(backend, {0})
def cpu(pid):
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9
for _ in range(300):
    cur.execute("SELECT 1"); cur.fetchall()
for r in range(1, rounds + 1):
    for peer in (0, 1):
        os.sched_setaffinity(0, {peer})
        a = cpu(backend)
        for _ in range(n):
            cur.execute("SELECT 1"); cur.fetchall()
        b = cpu(backend)
        print(f"round {r} backend, client on core {peer}: {(b - a) / n * 1e6:.0f} us per query")
PY
} >"$RESULTS/peer-core.txt"
quiet_end now
"$PYTHON" - "$RESULTS/peer-core.txt" >>"$RESULTS/peer-core.txt" <<'PY'
import re, statistics, sys
text = open(sys.argv[1]).read()
for who in ("worker", "backend"):
    same = [int(x) for x in re.findall(rf"{who}, \w+ on core 0: (\d+) us", text)]
    other = [int(x) for x in re.findall(rf"{who}, \w+ on core 1: (\d+) us", text)]
    d = [a - b for a, b in zip(same, other)]
    print(f"{who}: {statistics.median(same)} us with its peer on its core, {statistics.median(other)} us with it on the other core; the difference {statistics.median(d)} us (range {min(d)} to {max(d)}, {len(d)} pairs)")
PY
cat "$RESULTS/peer-core.txt" >&2
