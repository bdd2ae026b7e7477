#!/usr/bin/env bash
# Is the spread of the real runs this machine's speed of the moment? Before each of N
# load runs of one configuration, a probe times fixed CPU work in one
# process: 300 PBKDF2-SHA256 of 4096 iterations (OpenSSL's C, scram's proof) and a pure
# Python loop (the interpreter). DRIFT names the configuration:
# - wait10 (default): the held-out pool row pool-wait10-4x100-c400 (4 gevent workers x 100,
#   a pool of 10 without overflow, hey -n 5000 -c 400);
# - storm: the kit's storm actors4x100-ka2-c1000 (wsgi_actors, 4 x 100, keep-alive 2, hey
#   -n 1000 -c 1000).
# Writes results/drift-CONFIG.rN.txt with its .cpu.txt and .server.log (lib.sh's measure),
# results/drift-CONFIG-probe.txt, and bench/drift_summary.py's table in
# results/drift-CONFIG-summary.txt (CONFIG: wait10-4x100-c400 or actors4x100-ka2-c1000).
#
#   DRIFT=storm calibration/drift.sh      N (default 8) runs
#   TAG=intel1204 calibration/drift.sh    the same, its files named drift-intel1204-CONFIG*
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
case "${DRIFT:-wait10}" in
  wait10) CONFIG=wait10-4x100-c400 MODULE=wsgi_pool CONNS=100 HEY=(-n 5000 -c 400 -t 0) URLPATH=/wait10 ;;
  storm) CONFIG=actors4x100-ka2-c1000 MODULE=wsgi_actors CONNS=100 HEY=(-n 1000 -c 1000 -t 0) URLPATH=/ ;;
  *) say "DRIFT: wait10 or storm, not $DRIFT"; exit 2 ;;
esac
# TAG names a series of its own (another machine, another day): results/drift-TAG-CONFIG*.
[ -n "${TAG:-}" ] && CONFIG="$TAG-$CONFIG"
: >"$RESULTS/drift-$CONFIG-probe.txt"
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
gunicorn_up drift "$MODULE" --workers=4 --worker-class=gevent --worker-connections="$CONNS" --keep-alive=2
for i in $(seq 1 "$N"); do
  quiet_begin
  before="$(probe)"
  measure drift-run 1 "${HEY[@]}" "http://$HOST:$APP_PORT$URLPATH"
  after="$(probe)"
  for f in txt cpu.txt server.log; do mv "$RESULTS/drift-run.r1.$f" "$RESULTS/drift-$CONFIG.r$i.$f"; done
  echo "run $i: probe before (pbkdf2 s, python loop s) $before, after $after" >>"$RESULTS/drift-$CONFIG-probe.txt"
done
gunicorn_down
quiet_end now
"$PYTHON" "$HERE/bench/drift_summary.py" "$RESULTS" "$CONFIG" | tee "$RESULTS/drift-$CONFIG-summary.txt"
