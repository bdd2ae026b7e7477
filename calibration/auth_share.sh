#!/usr/bin/env bash
# Where a backend's CPU between InitProcess (its slot taken) and ReadyForQuery falls
# around the authentication exchange. InitPostgres (postinit.c) builds the relation and
# catalog caches' first phases, then PerformAuthentication calls ClientAuthentication
# (auth.c), which looks up the role's secret and sends the challenge (AuthenticationSASL);
# the client-first message is answered with the server-first (sendAuthRequest again); the
# proof is verified (SASLFinal, AuthenticationOk); InitPostgres then calls
# InitializeSessionUserId and does the rest (the database's caches) up to ReadyForQuery.
# A perf recording of batches of sequential connects (cpu-clock samples in every process,
# uprobes on those functions; bench/pgtrace.py) gives each backend's CPU in each part;
# the model runs the part before the challenge while the backend holds its slot, before
# the client's first turn of authentication (database.backendBeforeAuthCpu, a part of
# database.backendStartCpu), the rest after the proof.
#
#   calibration/auth_share.sh     writes results/auth-share.txt
#
# REPS (5) batches of N (210) connects, scram-sha-256; TRACE_PERIOD (50000) ns between samples.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(linux-perf)
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-5}"
N="${N:-210}"
TRACE_PERIOD="${TRACE_PERIOD:-50000}"
kit_cleanup_hook() { perf probe -q -d 'probe_postgres:*' 2>/dev/null; }
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
PM="$(postmaster_pid)"
pg_auth scram-sha-256
perf probe -q -x "$PGBIN/postgres" --add InitProcess --add ReadyForQuery --add ClientAuthentication \
  --add InitializeSessionUserId --add sendAuthRequest
OUT="$RESULTS/auth-share.txt"
{
  echo "date: $(date -u +%FT%TZ); $("$PGBIN/postgres" --version); $(uname -r); perf cpu-clock every $TRACE_PERIOD ns; scram-sha-256"
  echo "per backend, ms of CPU after InitProcess (means over the batch): before ClientAuthentication; to the challenge sent;"
  echo "client-first to server-first; the proof's verification to InitializeSessionUserId; after it to ReadyForQuery;"
  echo "share = the part before the challenge over the whole (sums)"
} >"$OUT"
quiet_begin
for r in $(seq 1 "$REPS"); do
  perf record -q -a -m 4096 -c "$TRACE_PERIOD" -o "$WORK/perf.data" \
    -e cpu-clock -e sched:sched_process_fork -e sched:sched_process_exit \
    -e probe_postgres:InitProcess -e probe_postgres:ReadyForQuery -e probe_postgres:ClientAuthentication \
    -e probe_postgres:InitializeSessionUserId -e probe_postgres:sendAuthRequest \
    -- "$PYTHON" "$HERE/bench/bench_db.py" connect --postmaster "$PM" --n "$N" --reps 1 --out "$WORK/bench.json" --log "$WORK/bench.log" 2>/dev/null
  perf script -i "$WORK/perf.data" --show-lost-events -F comm,tid,cpu,time,event,trace 2>/dev/null |
    "$PYTHON" "$HERE/bench/pgtrace.py" "$PM" "$TRACE_PERIOD" >"$WORK/trace.json"
  "$PYTHON" - "$WORK/trace.json" "$r" >>"$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rs = [b for b in d["backends"] if "auth_to_challenge" in b]
total = lambda k: sum(b[k] for b in rs)
mean = lambda k: total(k) / len(rs) * 1e3
start = total("start")
share = (total("before_auth") + total("auth_to_challenge")) / start
print(f"r{sys.argv[2]}: backends {len(rs)} of {d['children_forked']} children, lost {d['lost']}; before ClientAuthentication {mean('before_auth'):.3f}, "
      f"to the challenge {mean('auth_to_challenge'):.3f}, client-first {mean('auth_first'):.3f}, proof {mean('auth_proof'):.3f}, "
      f"after {mean('after_auth'):.3f} (of {mean('start'):.3f}); share {share:.3f}")
PY
  tail -n 1 "$OUT" >&2
done
quiet_end now
perf probe -q -d 'probe_postgres:*'
