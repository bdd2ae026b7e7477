#!/usr/bin/env bash
# Is the spread of the real runs this machine's speed of the moment? Before each of N
# load runs (the held-out pool row pool-wait10-4x100-c400: 4 gevent workers x 100, a pool
# of 10 without overflow, hey -n 5000 -c 400), a probe times fixed CPU work in one
# process: 300 PBKDF2-SHA256 of 4096 iterations (OpenSSL's C, scram's proof) and a pure
# Python loop (the interpreter). Writes results/drift-wait10-4x100-c400.rN.txt with its
# .cpu.txt and .server.log (lib.sh's measure), results/drift-probe.txt, and
# bench/drift_summary.py's table in results/drift-summary.txt.
#
#   calibration/drift.sh      N (default 8) runs
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
RESULTS="$HERE/results"
N="${N:-8}"
ONLY="."
kit_init
postgres_up
: >"$RESULTS/drift-probe.txt"
probe() {
  "$PYTHON" -c '
import hashlib, time
t = time.process_time()
for _ in range(300):
    hashlib.pbkdf2_hmac("sha256", b"password", b"salt0123456789ab", 4096)
a = time.process_time() - t
t = time.process_time()
s = 0
for i in range(3000000):
    s += i * i
b = time.process_time() - t
print(f"{a:.4f} {b:.4f}")'
}
gunicorn_up drift wsgi_pool --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
for i in $(seq 1 "$N"); do
  quiet_begin
  before="$(probe)"
  measure drift-run 1 -n 5000 -c 400 -t 0 "http://$HOST:$APP_PORT/wait10"
  after="$(probe)"
  for f in txt cpu.txt server.log; do mv "$RESULTS/drift-run.r1.$f" "$RESULTS/drift-wait10-4x100-c400.r$i.$f"; done
  echo "run $i: probe before (pbkdf2 s, python loop s) $before, after $after" >>"$RESULTS/drift-probe.txt"
done
gunicorn_down
quiet_end now
"$PYTHON" "$HERE/bench/drift_summary.py" "$RESULTS" | tee "$RESULTS/drift-summary.txt"
