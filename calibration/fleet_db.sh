#!/usr/bin/env bash
# A fleet against one PostgreSQL, measured: 2 and 3 gunicorn instances (each one gevent
# worker x 1000 running the article's patched handler: connect, pg_sleep(1), close) behind
# Debian's nginx (round robin, nginx's defaults: HTTP/1.0 and a new connection per
# request to the upstreams) or haproxy (roundrobin, its default server-side keep-alive),
# one PostgreSQL (max_connections 100; the handler connects as the superuser), hey in
# front. The instances share the database's 100 slots: beyond 100 requests at once, the
# rest are refused whichever instance they reach. 127.0.0.1 only; every hey run bounded.
#
#   calibration/fleet_db.sh     writes results/fleetN-LB-cC.rR.txt (hey's output after a
#                               "$ hey ..." line) and .server.log (PostgreSQL's refusals,
#                               the requests each instance handled), results/fleet-db-machine.txt
#
# REPEATS (default 3) runs per configuration, numbered from FIRST_RUN (default 1: a second
# series with FIRST_RUN=4 adds r4..r6 beside the first); ONLY, a regular expression on the names.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(nginx haproxy)
RESULTS="${RESULTS:-$HERE/results}"
REPEATS="${REPEATS:-3}"
ONLY="${ONLY:-.}"
kit_init
LB_PORT=8080
FIRST_PORT=8101
PIDS=()
LB_PID_FILE=""
fleet_down() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
  if [ -n "$LB_PID_FILE" ] && [ -f "$LB_PID_FILE" ]; then kill "$(cat "$LB_PID_FILE")" 2>/dev/null || true; fi
  LB_PID_FILE=""
  sleep 1
}
kit_cleanup_hook() { fleet_down; }

# instances N: N gunicorn instances on FIRST_PORT.., one gevent worker x 1000 each.
instances() {
  local n="$1" i port
  for i in $(seq 0 $((n - 1))); do
    port=$((FIRST_PORT + i))
    CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" PYTHONUNBUFFERED=1 \
      gunicorn --bind="$HOST:$port" --chdir "$HERE/app" --workers=1 --worker-class=gevent --worker-connections=1000 \
      wsgi_patched:application >"$WORK/gunicorn-$port.log" 2>&1 &
    PIDS+=($!)
  done
  for i in $(seq 0 $((n - 1))); do
    port=$((FIRST_PORT + i))
    for _ in $(seq 1 100); do
      grep -q 'Booting worker' "$WORK/gunicorn-$port.log" 2>/dev/null && break
      sleep 0.1
    done
  done
  sleep 1
}

nginx_up() { # N
  # shellcheck disable=SC2046 # one argument per instance's port
  nginx_conf "$LB_PORT" "" $(seq "$FIRST_PORT" $((FIRST_PORT + $1 - 1)))
  : >"$WORK/nginx-error.log"
  nginx -c "$WORK/nginx.conf" -p "$WORK"
  LB_PID_FILE="$WORK/nginx.pid"
  sleep 0.5
}

haproxy_up() { # N
  cat >"$WORK/haproxy.cfg" <<HAPROXY
global
  maxconn 4000
  pidfile $WORK/haproxy.pid
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend web
  bind $HOST:$LB_PORT
  default_backend app
backend app
  balance roundrobin
$(for i in $(seq 0 $(($1 - 1))); do echo "  server s$i $HOST:$((FIRST_PORT + i))"; done)
HAPROXY
  haproxy -D -f "$WORK/haproxy.cfg"
  LB_PID_FILE="$WORK/haproxy.pid"
  sleep 0.5
}

measure() { # NAME C
  local name="$1" c="$2" r out pg0
  [[ "$name" =~ $ONLY ]] || return 0
  for r in $(seq "${FIRST_RUN:-1}" $((${FIRST_RUN:-1} + REPEATS - 1))); do
    out="$RESULTS/$name.r$r.txt"
    pg0=$(wc -l <"$WORK/postgres.log")
    for f in "$WORK"/gunicorn-81*.log; do wc -l <"$f" >"$f.start"; done
    printf '$ hey %s\n' "-n $c -c $c -t 0 http://$HOST:$LB_PORT/" >"$out"
    hey -n "$c" -c "$c" -t 0 "http://$HOST:$LB_PORT/" >>"$out"
    {
      echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
      for f in "$WORK"/gunicorn-81*.log; do
        echo "$(basename "$f" .log): handled $(tail -n +"$(($(cat "$f.start") + 1))" "$f" | grep -c 'handled request' || true), failed $(tail -n +"$(($(cat "$f.start") + 1))" "$f" | grep -c 'failed request' || true)"
      done
      tail -n +"$((pg0 + 1))" "$WORK/postgres.log" | awk '
        /too many clients/ { refused++ }
        /reserved for/ { reserved++ }
        END { printf "postgres too many clients: %d\npostgres reserved slots: %d\n", refused, reserved }'
    } >"$RESULTS/$name.r$r.server.log"
    say "$name r$r: $(grep -E 'Requests/sec' "$out" | tr -s '\t ' ' ') $(grep -E '^\s+\[[0-9]+\]' "$out" | tr -s '\t ' ' ' | tr '\n' ' ')"
    # Backends exit and keep-alive connections expire before the next run.
    sleep 4
  done
}

mkdir -p "$RESULTS"
postgres_up
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel: $(uname -sr)"
  echo "cores: $(nproc)"
  dpkg-query -W -f='${Package} ${Version}\n' nginx haproxy gunicorn python3-gevent python3-psycopg2 python3-psycogreen hey postgresql
  echo "instances: gunicorn --workers=1 --worker-class=gevent --worker-connections=1000 wsgi_patched (connect as postgres, pg_sleep(1), close)"
  echo "nginx: 1 worker process, round robin, proxy_pass defaults (HTTP/1.0, no upstream keep-alive, proxy_read_timeout 60s)"
  echo "haproxy: balance roundrobin, timeout connect 5s, server 60s (its default server-side keep-alive, http-reuse safe)"
} >>"$RESULTS/fleet-db-machine.txt"
quiet_begin
wanted() { [[ "$1" =~ $ONLY ]]; }
for n in 2 3; do
  wanted "fleet$n-nginx-c50" || wanted "fleet$n-nginx-c150" || continue
  instances "$n"
  nginx_up "$n"
  measure "fleet$n-nginx-c50" 50
  measure "fleet$n-nginx-c150" 150
  fleet_down
  quiet_end
done
if wanted fleet2-haproxy-c150; then
  instances 2
  haproxy_up 2
  measure fleet2-haproxy-c150 150
  fleet_down
fi
quiet_end now
say "done: results/fleet{2,3}-*.txt"
