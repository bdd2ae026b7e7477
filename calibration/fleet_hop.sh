#!/usr/bin/env bash
# Where a proxied request's CPU goes: nginx in front of two gunicorn instances (one gevent
# worker each, app/wsgi_fleet.py's trivial /), hey -n 3000 -c 10 through nginx, and the
# same straight to one instance; bench/hop_cpu.py reads each process's CPU, hey's, and the
# machine's over each run (results/fleet-hop.txt), and saves hey's outputs
# (results/fleet-hop-nginx.rN.txt, fleet-hop-direct.rN.txt). For docs/validation.md: do the
# processes' costs add up to what the machine spends, and what do they cost today, beside
# the costs of costs.json? 127.0.0.1 only.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(nginx)
RESULTS="${RESULTS:-$HERE/results}"
kit_init
PIDS=()
kit_cleanup_hook() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
}
for port in 8301 8302; do
  gunicorn --bind="$HOST:$port" --chdir "$HERE/app" --workers=1 --worker-class=gevent wsgi_fleet:application >"$WORK/g$port.log" 2>&1 &
  PIDS+=($!)
done
nginx_conf 8300 "" 8301 8302
sleep 2
nginx -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.5
worker() { cat /proc/"$1"/task/*/children | tr ' ' '\n' | grep -v '^$' | head -n 1; }
W1=$(worker "${PIDS[0]}"); W2=$(worker "${PIDS[1]}"); NG=$(worker "$(cat "$WORK/nginx.pid")")
hey -n 1000 -c 10 "http://$HOST:8300/" >/dev/null
OUT="$RESULTS/fleet-hop.txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  dpkg-query -W -f='${Package} ${Version}\n' nginx gunicorn python3-gevent hey
  echo "kernel: $(uname -sr), cores: $(nproc)"
} >"$OUT"
quiet_begin
for r in 1 2 3; do
  echo "through nginx (run $r): hey -n 3000 -c 10" >>"$OUT"
  (cd "$HERE/bench" && "$PYTHON" hop_cpu.py --requests 3000 --out "$RESULTS/fleet-hop-nginx.r$r.txt" --pid nginx="$NG" --pid gunicorn1="$W1" --pid gunicorn2="$W2" -- hey -n 3000 -c 10 -t 0 "http://$HOST:8300/") >>"$OUT"
  echo "straight to one instance (run $r): hey -n 3000 -c 10" >>"$OUT"
  (cd "$HERE/bench" && "$PYTHON" hop_cpu.py --requests 3000 --out "$RESULTS/fleet-hop-direct.r$r.txt" --pid gunicorn1="$W1" -- hey -n 3000 -c 10 -t 0 "http://$HOST:8301/") >>"$OUT"
done
quiet_end now
cat "$OUT" >&2
