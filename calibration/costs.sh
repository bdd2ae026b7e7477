#!/usr/bin/env bash
# Micro-benchmarks: the CPU costs of the simulator's scenario paths, measured on this
# machine (README.md lists them; bench/costs.py says how each is computed).
#
#   calibration/costs.sh [TAG]     TAG names the run (default: now); writes
#                                  results/costs/TAG/ (raw measurements and logs) and
#                                  results/costs.TAG.json
#   calibration/costs.sh --merge OUT.json IN.json...   pools runs (results/costs.json)
#
# Starts the kit's private PostgreSQL (autovacuum off, so no other child of the
# postmaster exits during a batch) and one gunicorn gevent worker on 127.0.0.1, runs
# bounded hey and psycopg2 batches, and a perf recording of PostgreSQL's backends (CPU
# samples, uprobes on the postgres binary, removed at the end). Holds /tmp/QUIET while it measures (lib.sh).
# Environment: RESULTS (default calibration/results), REPS (7), N_HTTP (3000), N_DB (300),
# N_ERROR (500), N_ACTORS (300), N_TRACE (200), TRACE_REPS (5): batch sizes and repetitions;
# TRACE_PERIOD (200000): perf's cpu-clock sampling period in ns (5 kHz).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
B="$HERE/bench"

if [ "${1:-}" = --merge ]; then
  shift
  exec "$PYTHON" "$B/costs.py" merge "$@"
fi

TAG="${1:-now}"
RAW="$RESULTS/costs/$TAG"
REPS="${REPS:-7}"
N_HTTP="${N_HTTP:-3000}"
N_DB="${N_DB:-300}"
N_ERROR="${N_ERROR:-500}"
N_ACTORS="${N_ACTORS:-300}"
N_TRACE="${N_TRACE:-200}"
TRACE_REPS="${TRACE_REPS:-5}"
TRACE_PERIOD="${TRACE_PERIOD:-200000}"
PG_EXTRA_OPTS="-c autovacuum=off"
PROBES=""
# The backends' phases come from a perf recording.
PACKAGES+=(linux-perf)

costs_cleanup() {
  fill_down
  if [ -n "$PROBES" ]; then perf probe -q -d 'probe_postgres:*' 2>/dev/null; fi
}

# trace NAME ARGS...: bench_db.py ARGS under a system-wide perf recording (cpu-clock
# samples every TRACE_PERIOD ns of CPU, uprobes on the postgres binary); the backends'
# phases into $RAW/NAME.json (bench/pgtrace.py).
trace() {
  local name="$1"
  shift
  perf record -a -m 4096 -c "$TRACE_PERIOD" -o "$WORK/perf.data" \
    -e cpu-clock -e sched:sched_process_fork -e sched:sched_process_exit \
    -e probe_postgres:InitProcess -e probe_postgres:ReadyForQuery -e probe_postgres:proc_exit -e probe_postgres:DisownLatch \
    -e probe_postgres:ClientAuthentication -e probe_postgres:InitializeSessionUserId -e probe_postgres:sendAuthRequest \
    -- "$PYTHON" "$B/bench_db.py" "$@" 2>>"$RAW/trace.log"
  perf script -i "$WORK/perf.data" --show-lost-events -F comm,tid,cpu,time,event,trace 2>/dev/null |
    "$PYTHON" "$B/pgtrace.py" "$PM" "$TRACE_PERIOD" >"$RAW/$name.json"
  rm -f "$WORK/perf.data"
  "$PYTHON" - "$RAW/$name.json" >>"$RAW/trace.log" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[1].rsplit("/", 1)[-1], "forked", d["children_forked"], "lost event records", d["lost"], "fractions", d["fractions"])
for kind in ("successful", "refused"):
    for k, v in d[kind].items():
        if v:
            print(f"  {kind} {k}: n {v['n']}, mean {v['mean'] * 1000:.4f} ms, median {v['median'] * 1000:.4f} ms")
EOF2
}

kit_init
# kit_cleanup calls this too (lib.sh).
kit_cleanup_hook() { costs_cleanup; }
rm -rf "$RAW"
mkdir -p "$RAW"
postgres_up
PM="$(postmaster_pid)"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
{
  echo "{"
  echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"kernel\": \"$(uname -sr)\","
  echo "  \"cores\": $(nproc),"
  echo "  \"somaxconn\": $(sysctl -n net.core.somaxconn),"
  echo "  \"loadavg_at_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo "  \"reps\": $REPS, \"n_http\": $N_HTTP, \"n_db\": $N_DB,"
  echo "  \"postgres\": \"$(pg_local -tAc 'SELECT version()')\","
  echo "  \"autovacuum\": \"$(pg_local -tAc 'SHOW autovacuum')\""
  echo "}"
} >"$RAW/meta.json"

# --- Block 1: HTTP (hey and one gevent worker) ------------------------------------------
quiet_begin
gunicorn_up bench wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000
HTTP=("$PYTHON" "$B/bench_http.py" --master "$GUNICORN_PID")
say "client/server request and accept CPU (trivial handler)"
"${HTTP[@]}" --reps "$REPS" --out "$RAW/http.json" --log "$RAW/http.log" \
  --run label=ka path=/ n="$N_HTTP" c=10 keepalive=1 \
  --run label=ka-base path=/ n=10 c=10 keepalive=1 \
  --run label=noka path=/ n="$N_HTTP" c=10 keepalive=0 \
  --run label=noka-base path=/ n=10 c=10 keepalive=0

say "refused requests (PostgreSQL full): the worker's error path, and refused backends"
fill_up
"${HTTP[@]}" --reps "$REPS" --out "$RAW/error.json" --log "$RAW/error.log" \
  --run label=error path=/connect n="$N_ERROR" c=10 keepalive=0 \
  --run label=ka path=/ n="$N_HTTP" c=10 keepalive=1 \
  --run label=noka path=/ n="$N_HTTP" c=10 keepalive=0
grep -c 'too many clients' "$WORK/gunicorn-bench.log" | sed 's/^/gunicorn log lines with "too many clients": /' >>"$RAW/error.log"
"$PYTHON" "$B/bench_db.py" refused --postmaster "$PM" --n "$N_DB" --reps "$REPS" --out "$RAW/refused.json" --log "$RAW/refused.log"
fill_down

say "the actors request (a check)"
"${HTTP[@]}" --reps "$(( REPS < 5 ? REPS : 5 ))" --out "$RAW/actors.json" --log "$RAW/actors.log" \
  --run label=actors-ka path=/actors n="$N_ACTORS" c=1 keepalive=1 \
  --run label=actors-noka path=/actors n="$N_ACTORS" c=1 keepalive=0
gunicorn_down
# The worker's log, shortened: thousands of identical tracebacks.
{
  head -n 120 "$WORK/gunicorn-bench.log"
  echo "..."
  printf '%s lines in all: %s "Error handling request", %s "too many clients"\n' "$(wc -l <"$WORK/gunicorn-bench.log")" \
    "$(grep -c 'Error handling request' "$WORK/gunicorn-bench.log")" "$(grep -c 'too many clients' "$WORK/gunicorn-bench.log")"
} >"$RAW/gunicorn.log"

# --- Block 2: PostgreSQL ------------------------------------------------------------------
say "connect + close, scram-sha-256"
"$PYTHON" "$B/bench_db.py" connect --postmaster "$PM" --n "$N_DB" --reps "$REPS" --out "$RAW/connect-scram-sha-256.json" --log "$RAW/connect.log"
say "queries"
"$PYTHON" "$B/bench_db.py" query --postmaster "$PM" --n "$N_DB" --reps "$REPS" --out "$RAW/query.json" --log "$RAW/query.log"

say "connect + close, md5 and trust"
pg_auth md5
"$PYTHON" "$B/bench_db.py" connect --auth md5 --postmaster "$PM" --n "$N_DB" --reps "$(( REPS < 5 ? REPS : 5 ))" --out "$RAW/connect-md5.json" --log "$RAW/connect.log"
pg_auth trust
"$PYTHON" "$B/bench_db.py" connect --auth trust --postmaster "$PM" --n "$N_DB" --reps "$(( REPS < 5 ? REPS : 5 ))" --out "$RAW/connect-trust.json" --log "$RAW/connect.log"
pg_auth scram-sha-256
grep -E '^host' "$WORK/pgdata/pg_hba.conf" >>"$RAW/connect.log"

say "perf recording of the backends' phases"
perf probe -q -x "$PGBIN/postgres" --add InitProcess --add ReadyForQuery --add proc_exit --add DisownLatch \
  --add ClientAuthentication --add InitializeSessionUserId --add sendAuthRequest
PROBES=1
for r in $(seq 1 "$TRACE_REPS"); do
  trace "trace-connect.r$r" connect --postmaster "$PM" --n "$N_TRACE" --reps 1 --out "$RAW/bench-trace-connect.r$r.json" --log "$RAW/trace.log"
done
fill_up
for r in $(seq 1 "$TRACE_REPS"); do
  trace "trace-refused.r$r" refused --postmaster "$PM" --n "$N_TRACE" --reps 1 --out "$RAW/bench-trace-refused.r$r.json" --log "$RAW/trace.log"
done
fill_down
perf probe -q -d 'probe_postgres:*'
PROBES=""
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/trace.log"
quiet_end now

"$PYTHON" "$B/costs.py" assemble "$RAW" "$RESULTS/costs.$TAG.json"
"$PYTHON" - "$RESULTS/costs.$TAG.json" <<'EOF' >&2
import json, sys
for c in json.load(open(sys.argv[1]))["costs"]:
    print(f"{c['path']:40s} {c['median'] * 1e3:9.4f} ms  [{c['min'] * 1e3:.4f} - {c['max'] * 1e3:.4f}]  n {c['n']}")
EOF
say "results in $RESULTS/costs.$TAG.json"
