#!/usr/bin/env bash
# The ASGI side of the kit: gunicorn with uvicorn's UvicornWorker serving a FastAPI app
# (app/asgi_app.py) with an asyncpg pool per worker, against the kit's PostgreSQL. Costs
# first (micro-benchmarks), then load runs, each saved as results/uvicorn-NAME.rN.txt
# (hey's output after a "$ hey ..." line) with NAME.rN.cpu.txt (bench/loadrun.py).
#
#   calibration/uvicorn.sh      ONLY (a regular expression) runs only the matching steps
#
# Debian's python3-uvicorn, python3-asyncpg, python3-fastapi (installed when missing),
# uvloop and httptools (uvicorn uses them when present).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-uvicorn python3-asyncpg python3-fastapi python3-uvloop python3-httptools)
RESULTS="${RESULTS:-$HERE/results}"
REPEATS="${REPEATS:-3}"
ONLY="${ONLY:-.}"
B="$HERE/bench"
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
URL="http://$HOST:$APP_PORT"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  dpkg-query -W -f='${Package} ${Version}\n' gunicorn python3-uvicorn python3-asyncpg python3-fastapi python3-uvloop python3-httptools postgresql
} >"$RESULTS/uvicorn-machine.txt"

uvicorn_up() { # NAME WORKERS [gunicorn options...]
  local name="$1" workers="$2"
  shift 2
  gunicorn_up "uvicorn-$name" asgi_app --workers="$workers" --worker-class=uvicorn.workers.UvicornWorker "$@"
}

# measure NAME REPEATS [hey flags...] URL
measure() {
  local name="$1" repeats="$2" r out
  shift 2
  [[ "uvicorn-$name" =~ $ONLY ]] || return 0
  quiet_begin
  for r in $(seq 1 "$repeats"); do
    out="$RESULTS/uvicorn-$name.r$r.txt"
    say "uvicorn-$name (run $r of $repeats): hey $*"
    printf '$ hey %s\n' "$*" >"$out"
    "$PYTHON" "$B/loadrun.py" --out "$out" --stderr "$WORK/hey.stderr" --cpu "$RESULTS/uvicorn-$name.r$r.cpu.txt" \
      --gunicorn-pid "$GUNICORN_PID" --gunicorn-log "$GUNICORN_LOG" --postmaster-pid "$(postmaster_pid)" -- "$@"
    grep -E '^(  \[|Requests/sec)' "$out" | tr -s '\t ' ' ' >&2
    sleep 1
  done
}

# --- Costs -------------------------------------------------------------------------------
if [[ uvicorn-costs =~ $ONLY ]]; then
  quiet_begin
  say "asyncpg's client CPU: connect, query, acquire"
  "$PYTHON" "$B/asyncpg_costs.py" --n 200 --reps 5 >"$RESULTS/uvicorn-asyncpg-costs.txt"
  tail -n 3 "$RESULTS/uvicorn-asyncpg-costs.txt" >&2
  say "the UvicornWorker's CPU per request (one worker)"
  CAL_POOL_MIN=1 CAL_POOL_MAX=1 uvicorn_up costs 1
  "$PYTHON" "$B/bench_http.py" --master "$GUNICORN_PID" --reps 5 --out "$RESULTS/uvicorn-http.json" --log "$RESULTS/uvicorn-http.log" \
    --run label=ka path=/ n=3000 c=10 keepalive=1 \
    --run label=ka-base path=/ n=10 c=10 keepalive=1 \
    --run label=noka path=/ n=3000 c=10 keepalive=0 \
    --run label=noka-base path=/ n=10 c=10 keepalive=0 \
    --run label=sync0 path=/sync0 n=3000 c=10 keepalive=1 \
    --run label=query path=/query n=1000 c=1 keepalive=1
  gunicorn_down
  quiet_end now
fi

# --- Load runs ---------------------------------------------------------------------------
# 4 workers, a pool of 10 each (40 connections): the pool's acquire queue.
if [[ uvicorn-4x10-query =~ $ONLY ]]; then
  uvicorn_up pool 4
  for c in 10 50 100 200; do measure "4x10-query-c$c" "$REPEATS" -n 2000 -c "$c" -t 0 "$URL/query"; done
  for c in ${SLEEP_C:-50 200}; do measure "4x10-sleep-c$c" "$REPEATS" -n 2000 -c "$c" -t 0 "$URL/sleep"; done
  gunicorn_down
fi
# A def endpoint: FastAPI's threadpool (40 threads) in one worker, 50 ms of blocking each.
if [[ uvicorn-1-sync =~ $ONLY ]]; then
  CAL_POOL_MIN=1 CAL_POOL_MAX=1 uvicorn_up sync 1
  for c in 10 40 100 200; do measure "1-sync-c$c" "$REPEATS" -n 2000 -c "$c" -t 0 "$URL/sync"; done
  gunicorn_down
fi
# Held out (predicted first: results/uvicorn-sync-heldout.predicted.txt): the same def
# endpoint at -n 3000 and -c 60, 150, 300, alternated, 3 rounds
# (ONLY='^uvicorn-1-sync-(heldout|n3000)')
if [[ uvicorn-1-sync-heldout =~ $ONLY ]]; then
  CAL_POOL_MIN=1 CAL_POOL_MAX=1 uvicorn_up sync 1
  for r in 1 2 3; do
    for c in 60 150 300; do
      REPEATS_NAME="1-sync-n3000-c$c"
      measure "$REPEATS_NAME-round$r" 1 -n 3000 -c "$c" -t 0 "$URL/sync"
      for f in txt cpu.txt; do mv "$RESULTS/uvicorn-$REPEATS_NAME-round$r.r1.$f" "$RESULTS/uvicorn-$REPEATS_NAME.r$r.$f"; done
    done
  done
  gunicorn_down
fi
# A new asyncpg connection per request, 4 workers, -c 1000: the storm, asyncpg's way.
if [[ uvicorn-4-connect =~ $ONLY ]]; then
  CAL_POOL_MIN=1 CAL_POOL_MAX=1 uvicorn_up connect 4
  measure "4-connect-c1000" 5 -n 1000 -c 1000 -t 0 "$URL/connect"
  gunicorn_down
fi
# A worker's boot, alone: the CPU it uses from its fork to its app's startup event (the
# UvicornWorker's set-up and the app's import: FastAPI, asyncpg), as the app logs it.
if [[ uvicorn-boot-cpu =~ $ONLY ]]; then
  quiet_begin
  for r in $(seq 1 "${BOOT_REPEATS:-5}"); do
    CAL_POOL_MIN=1 CAL_POOL_MAX=1 uvicorn_up boot-cpu 1
    wait_log_lines 'pool (ready|failed)' 1
    grep 'worker boot' "$GUNICORN_LOG" | sed -E 's/^.*(worker boot)/\1/' >>"$WORK/boot-cpu.txt"
    gunicorn_down
    sleep 1
  done
  {
    echo "one UvicornWorker booting alone (gunicorn -w 1, the kit's asgi_app): its CPU from fork to the startup event, per boot"
    cat "$WORK/boot-cpu.txt"
    sed -E 's/.* cpu=([0-9.]+).*/\1/' "$WORK/boot-cpu.txt" | sort -n | awk '{v[NR]=$1} END {printf "median %.4f s (range %.4f-%.4f), n %d\n", v[int((NR+1)/2)], v[1], v[NR], NR}'
  } >"$RESULTS/uvicorn-boot-cpu.txt"
  rm -f "$WORK/boot-cpu.txt"
  tail -n 1 "$RESULTS/uvicorn-boot-cpu.txt" >&2
  quiet_end now
fi
# The boot storm: BOOT_WORKERS (16) workers x min_size = max_size BOOT_POOL (10) against
# max_connections 100, BOOT_REPEATS times (results/uvicorn-boot-storm.runN.txt, or
# uvicorn-boot-storm-WxP.runN.txt for other sizes; the first series' single run is
# uvicorn-boot-storm.txt).
if [[ uvicorn-boot-storm =~ $ONLY ]]; then
  quiet_begin
  bw=${BOOT_WORKERS:-16} bp=${BOOT_POOL:-10}
  tag=uvicorn-boot-storm$([ "$bw.$bp" = 16.10 ] || echo "-${bw}x$bp")
  for r in $(seq 1 "${BOOT_REPEATS:-5}"); do
    pgstart=$(wc -l <"$WORK/postgres.log")
    CAL_POOL_MIN=$bp CAL_POOL_MAX=$bp uvicorn_up boot "$bw"
    wait_log_lines 'pool (ready|failed)' "$bw"
    sleep 1
    {
      echo "gunicorn: $bw UvicornWorkers, asyncpg pool min_size $bp, max_size $bp; PostgreSQL max_connections 100"
      echo "workers whose pool failed at start-up: $(grep -c 'pool failed at start-up' "$GUNICORN_LOG" || true)"
      grep 'pool failed at start-up' "$GUNICORN_LOG" | sed -E 's/^.*pool failed at start-up: //; s/ \(pid=.*$//' | sort | uniq -c || true
      echo "postgres too many clients: $(tail -n +$((pgstart + 1)) "$WORK/postgres.log" | grep -c 'too many clients' || true)"
      # Every slot may be taken by the pools (they connect as the superuser too): count the backends' processes.
      echo "backends connected to dvdrental after start-up: $(pgrep -c -f 'postgres: postgres dvdrental' || true)"
      echo "each worker (app log):"
      grep -E 'worker boot|pool (ready|failed)' "$GUNICORN_LOG" | sed -E 's/^.*(worker boot|pool ready|pool failed)/\1/'
    } >"$RESULTS/$tag.run$r.txt"
    sed -n 2,5p "$RESULTS/$tag.run$r.txt" >&2
    gunicorn_down
    sleep 2
  done
  quiet_end now
fi
"$PYTHON" "$B/uvicorn_summary.py" "$RESULTS" >"$RESULTS/uvicorn-summary.md"
say "results in $RESULTS/uvicorn-* (uvicorn-summary.md)"
