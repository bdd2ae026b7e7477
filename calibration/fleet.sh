#!/usr/bin/env bash
# A fleet's parts, measured: nginx in front of two gunicorn instances (its CPU per
# request, what it answers when an upstream refuses, is gone or is slow), and a CPU quota
# (a cgroup's cfs_quota_us) on a gunicorn worker. No PostgreSQL. 127.0.0.1 only.
#
#   calibration/fleet.sh     writes results/fleet-*.txt (hey outputs after a "$ hey ..."
#                            line) and results/fleet-summary.txt
#   PART=quota calibration/fleet.sh   only the quota part, REPEATS (default 3) runs of each
#                            quota as results/fleet-quota-*.rN.txt, appended to fleet-quota-summary.txt
#
# Debian's nginx (installed when missing; its own service is not used: this starts one
# with a private configuration and prefix). The quota part needs the cgroup v1 cpu
# controller at /sys/fs/cgroup/cpu (or v2's cpu.max), as root.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(nginx)
RESULTS="${RESULTS:-$HERE/results}"
B="$HERE/bench"
kit_init
LB_PORT=8080
PIDS=()
CG=""
fleet_cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  if [ -n "$CG" ] && [ -d "$CG" ]; then
    while read -r t; do echo "$t" >/sys/fs/cgroup/cpu/cgroup.procs 2>/dev/null || true; done <"$CG/cgroup.procs"
    rmdir "$CG" 2>/dev/null || true
  fi
}
kit_cleanup_hook() { fleet_cleanup; }

instance() { # PORT [gunicorn options]: one gevent worker serving wsgi_fleet
  local port="$1"
  shift
  gunicorn --bind="$HOST:$port" --chdir "$HERE/app" --workers=1 --worker-class=gevent "$@" wsgi_fleet:application >"$WORK/gunicorn-$port.log" 2>&1 &
  PIDS+=($!)
}

hey_run() { # NAME [hey flags...]: hey's output to results/fleet-NAME.txt
  local name="$1"
  shift
  printf '$ hey %s\n' "$*" >"$RESULTS/fleet-$name.txt"
  hey "$@" >>"$RESULTS/fleet-$name.txt"
  grep -E '^\s+\[[0-9]+\]' "$RESULTS/fleet-$name.txt" | tr -s '\t ' ' ' | sed "s/^/fleet-$name:/" >&2 || true
}

nginx_cpu() { (cd "$B" && "$PYTHON" -c "
import procstat as ps
print(sum(ps.cpu(p) or 0 for p in ps.children($(cat "$WORK/nginx.pid"))))"); }

# --- nginx in front of two instances -------------------------------------------------------
if [ "${PART:-all}" != quota ]; then
instance 8001
instance 8002
nginx_conf "$LB_PORT" "proxy_read_timeout 1s;" 8001 8002
# nginx_up: a fresh nginx (its record of failed upstreams starts empty: max_fails 1 and
# fail_timeout 10 s mark an upstream that failed as unavailable for 10 s).
nginx_up() {
  if [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
  : >"$WORK/nginx-error.log"
  nginx -c "$WORK/nginx.conf" -p "$WORK"
  sleep 0.5
}
errors() { grep -cE "$1" "$WORK/nginx-error.log" || true; }
sleep 2
nginx_up
SUMMARY="$RESULTS/fleet-summary.txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  dpkg-query -W -f='${Package} ${Version}\n' nginx gunicorn python3-gevent hey
  echo "nginx: 1 worker process, upstream of two gunicorn instances (1 gevent worker each), round robin, proxy_read_timeout 1s, HTTP/1.0 to the upstreams (nginx's default: a new connection per request)"
} >"$SUMMARY"
quiet_begin
hey -n 500 -c 10 "http://$HOST:$LB_PORT/" >/dev/null
for r in 1 2 3; do
  for ka in ka noka; do
    flag=""; [ "$ka" = noka ] && flag="-disable-keepalive"
    a=$(nginx_cpu)
    hey_run "lb-$ka.r$r" -n 3000 -c 10 -t 0 $flag "http://$HOST:$LB_PORT/"
    b=$(nginx_cpu)
    echo "nginx CPU per request, client $ka (run $r): $(echo "($b - $a) * 1000 / 3000" | bc -l | cut -c1-6) ms" >>"$SUMMARY"
  done
done
nginx_up
hey_run slow -n 20 -c 10 -t 0 "http://$HOST:$LB_PORT/slow"
echo "both upstreams slower than proxy_read_timeout (1 s), 20 requests: nginx's error log has $(errors 'upstream timed out') 'upstream timed out' and $(errors 'no live upstreams') 'no live upstreams' (each timed-out upstream is unavailable for fail_timeout 10 s: 502 until then)" >>"$SUMMARY"
nginx_up
kill "${PIDS[1]}"; sleep 1
hey_run one-down -n 200 -c 10 -t 0 "http://$HOST:$LB_PORT/"
echo "one instance down, 200 requests: $(errors 'Connection refused') 'Connection refused' in nginx's error log (the request goes on to the other instance: proxy_next_upstream error), $(errors 'no live upstreams') 'no live upstreams'" >>"$SUMMARY"
nginx_up
kill "${PIDS[0]}"; sleep 1
hey_run both-down -n 20 -c 10 -t 0 "http://$HOST:$LB_PORT/"
echo "both instances down, 20 requests: $(errors 'Connection refused') 'Connection refused', $(errors 'no live upstreams') 'no live upstreams'" >>"$SUMMARY"
quiet_end now
kill "$(cat "$WORK/nginx.pid")"; sleep 0.5
else
  SUMMARY="$RESULTS/fleet-quota-summary.txt"
  PIDS=("" "") # the quota part's instance is PIDS[2], as in a whole run
  { echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; dpkg-query -W -f='${Package} ${Version}\n' gunicorn hey; } >>"$SUMMARY"
fi

# --- A CPU quota on a worker (CFS bandwidth control) -----------------------------------
if [ -w /sys/fs/cgroup/cpu ] && [ "${PART:-all}" != lb ]; then
  CG=/sys/fs/cgroup/cpu/gunicorn-sim-fleet
  mkdir -p "$CG"
  instance 8003 --worker-class=sync
  sleep 2
  quiet_begin
  for quota in -1 20000; do
    echo "$quota" >"$CG/cpu.cfs_quota_us"
    echo 100000 >"$CG/cpu.cfs_period_us"
    # The master and its worker.
    for p in ${PIDS[2]} $(cd "$B" && "$PYTHON" -c "import procstat as ps; print(' '.join(map(str, ps.children(${PIDS[2]}))))"); do echo "$p" >"$CG/cgroup.procs"; done
    s0=$(grep -E '^(nr_throttled|throttled_time)' "$CG/cpu.stat" | tr '\n' ' ')
    name="quota-none"; [ "$quota" != -1 ] && name="quota-20ms-per-100ms"
    if [ "${PART:-all}" = quota ]; then
      for r in $(seq 1 "${REPEATS:-3}"); do
        s0=$(grep -E '^(nr_throttled|throttled_time)' "$CG/cpu.stat" | tr '\n' ' ')
        hey_run "$name.r$r" -n 100 -c 1 -t 0 "http://$HOST:8003/cpu"
        echo "$name.r$r: cpu.stat before: $s0; after: $(grep -E '^(nr_throttled|throttled_time)' "$CG/cpu.stat" | tr '\n' ' ')" >>"$SUMMARY"
        sleep 1
      done
      continue
    fi
    hey_run "$name" -n 100 -c 1 -t 0 "http://$HOST:8003/cpu"
    echo "$name: cpu.stat before: $s0; after: $(grep -E '^(nr_throttled|throttled_time)' "$CG/cpu.stat" | tr '\n' ' ')" >>"$SUMMARY"
  done
  quiet_end now
else
  echo "the quota part was not run (PART=${PART:-all}; it needs a writable /sys/fs/cgroup/cpu)" >>"$SUMMARY"
fi
cat "$SUMMARY" >&2
