#!/usr/bin/env bash
# Does a gevent worker spend more CPU on a request that follows a longer idle wait? One
# gunicorn gevent worker (wsgi_bench), hey -c 1 keep-alive at no rate limit and at -q 1000,
# 250, 100, 50 and 20 (a request every 1, 4, 10, 20 and 50 ms), on the trivial request (/) and on /actors
# (connect, the actors query, close), alternated ROUNDS (3) rounds. Per run: the worker's
# CPU per request (schedstat, less its own CPU while idle over as long) and the backends'
# (the postmaster's cutime+cstime). AUTH as run.sh's. Writes results/worker-waits.txt (with
# AUTH=md5 or trust, results/worker-waits-AUTH.txt); docs/validation.md, "The spread twenty
# rounds on the AMD machine, and md5 a third time".
#   calibration/worker_waits.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
ONLY=.
postgres_up_with_auth worker_waits.sh worker-waits .txt
mkdir -p "$RESULTS"
PM="$(postmaster_pid)"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
gunicorn_up waits wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000
W="$(cd "$HERE/bench" && "$PYTHON" -c "import procstat as ps; print(ps.children($GUNICORN_PID)[0])")"
snap() { (cd "$HERE/bench" && "$PYTHON" -c "
import procstat as ps, time
s = ps.stat($PM)
print(ps.cpu($W), s['cutime'] + s['cstime'], time.monotonic())"); }
# The worker's own CPU while idle (gevent's hub and gunicorn's heartbeat), per second.
a="$(snap)"; sleep 3; b="$(snap)"
IDLE=$("$PYTHON" -c "a=[float(x) for x in '$a'.split()]; b=[float(x) for x in '$b'.split()]; print((b[0]-a[0])/(b[2]-a[2]))")
echo "date: $(date -u +%FT%TZ); $(uname -r); $AUTH; one gevent worker x 1000, hey -c 1 keep-alive; the worker idle: $(awk -v x="$IDLE" 'BEGIN { printf "%.1f", x * 1e6 }') us/s" >"$OUT"
hey -n 200 -c 4 "http://$HOST:$APP_PORT/actors" >/dev/null
declare -A N=([0]=2000 [1000]=2000 [250]=500 [100]=200 [50]=100 [20]=40)
for r in $(seq 1 "$ROUNDS"); do
  for path in / /actors; do
    for q in 0 1000 250 100 50 20; do
      n=${N[$q]}
      [ "$path" = / ] || n=$(((n + 3) / 4))
      a="$(snap)"
      hey -n "$n" -c 1 -q "$q" "http://$HOST:$APP_PORT$path" >/dev/null
      sleep 0.3
      b="$(snap)"
      "$PYTHON" - "$r" "$path" "$q" "$n" "$IDLE" "$a" "$b" >>"$OUT" <<'PY'
import sys
r, path, q, n, idle = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
a = [float(x) for x in sys.argv[6].split()]
b = [float(x) for x in sys.argv[7].split()]
worker = (b[0] - a[0] - idle * (b[2] - a[2])) / n * 1e3
backends = (b[1] - a[1]) / n * 1e3
print(f"round {r}, {path}, -q {q or 'none'}: worker {worker:.3f} ms, backends {backends:.3f} ms per request")
PY
    done
  done
done
gunicorn_down
quiet_end now
"$PYTHON" - "$OUT" <<'PY'
import re, statistics, sys
text = open(sys.argv[1]).read()
by = {}
for path, q, w, b in re.findall(r", (\S+), -q (\S+): worker ([\d.-]+) ms, backends ([\d.-]+) ms", text):
    by.setdefault((path, q), []).append((float(w), float(b)))
lines = [f"{p} -q {q}: worker {statistics.median(x[0] for x in v):.3f} ms, backends {statistics.median(x[1] for x in v):.3f} ms"
         for (p, q), v in by.items()]
open(sys.argv[1], "a").write("medians: " + "; ".join(lines) + "\n")
PY
say "$(tail -n 1 "$OUT")"
