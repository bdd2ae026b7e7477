#!/usr/bin/env bash
# How far the postmaster falls behind in the kit's sync storm (120 sync workers, the actors
# handler, psycopg2 blocking, hey -n 1000 -c 1000), RUNS (2) times, traced for the first
# TRACE_SECONDS (2.0): each connection to PostgreSQL entering its listen socket's accept
# queue (sock:inet_sock_set_state, its server side reaching TCP_ESTABLISHED) and each of the
# postmaster's accept() returns (syscalls:sys_exit_accept, accept4). bench/postmaster_backlog.py
# gives the connections waiting to be accepted over time and each one's wait, first in
# first out, against which calibration/postmaster_backlog_model.mjs gives the model's
# accept queue. Writes results/postmaster-backlog[-TAG].txt.
#
#   calibration/postmaster_backlog.sh intel1208    needs root (tracefs at /sys/kernel/tracing)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
TAG="${1:-}"
OUT="$RESULTS/postmaster-backlog${TAG:+-$TAG}.txt"
EVENTS=(sock/inet_sock_set_state syscalls/sys_exit_accept syscalls/sys_exit_accept4)
sched_trace_check
kit_cleanup_hook() { local e; for e in "${EVENTS[@]}"; do echo 0 >"$TRACEFS/events/$e/filter" 2>/dev/null; done; }
kit_init
postgres_up
CAL_GREEN=0 gunicorn_up postmaster-backlog wsgi_actors --workers=120 --worker-class=sync
PM=$(postmaster_pid)
echo "sport == $PG_PORT" >"$TRACEFS/events/sock/inet_sock_set_state/filter"
echo "common_pid == $PM" >"$TRACEFS/events/syscalls/sys_exit_accept/filter"
echo "common_pid == $PM" >"$TRACEFS/events/syscalls/sys_exit_accept4/filter"
quiet_begin
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) cores; 120 sync workers, wsgi_actors, psycopg2 blocking; hey -n 1000 -c 1000 -t 0, the first ${TRACE_SECONDS:-2.0} s traced" >"$OUT"
sched_trace_begin 65536 "${EVENTS[@]}"
sched_storm_runs "$OUT" "$PYTHON" "$HERE/bench/postmaster_backlog.py" "$WORK/trace.txt" "$PG_PORT"
sched_trace_end
kit_cleanup_hook
quiet_end now
say "wrote $OUT"
