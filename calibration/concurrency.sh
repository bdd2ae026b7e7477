#!/usr/bin/env bash
# CPU per operation against the load's concurrency: does a process spend less CPU per
# operation when many are in flight than costs.sh measures one at a time?
#
#   calibration/concurrency.sh     writes results/concurrency/actors.txt and connect.jsonl
#   AUTH=md5 calibration/concurrency.sh    the same with pg_hba.conf's TCP lines md5 (run.sh's
#                                          AUTH): results/concurrency-md5/
#
# Two series, each alternating its concurrencies REPS times (default 5):
# - actors: one gunicorn gevent worker (x 1000) serving wsgi_actors's handler (connect,
#   the actors query, close) to hey -n 640 -c 1, 4, 16, 64 (keep-alive); per request:
#   the worker's CPU (schedstat), the postmaster's (schedstat), the backends' (the
#   postmaster's cutime+cstime, read 0.5 s after hey exits), and the machine's busy
#   fraction over the run.
# - connect: plain psycopg2 connect + close (and with the actors query) from 1, 2, 8 and
#   32 processes at once (bench/connect_concurrent.py), no gevent.
# Holds /tmp/QUIET while it measures (lib.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-5}"
PG_EXTRA_OPTS="-c autovacuum=off"
ONLY=.
postgres_up_with_auth concurrency.sh concurrency
PM="$(postmaster_pid)"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
mkdir -p "$OUT"
: >"$OUT/actors.txt"
: >"$OUT/connect.jsonl"

quiet_begin
gunicorn_up bench wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000
W="$(cd "$HERE/bench" && "$PYTHON" -c "import procstat as ps; print(ps.children($GUNICORN_PID)[0])")"
# worker CPU, postmaster CPU, postmaster's children CPU, machine busy and total jiffies
snap() {
  (cd "$HERE/bench" && "$PYTHON" -c "
import procstat as ps
s = ps.stat($PM)
v = [int(x) for x in open('/proc/stat').readline().split()[1:9]]
print(ps.cpu($W), ps.cpu($PM), s['cutime'] + s['cstime'], sum(v) - v[3] - v[4], sum(v))")
}
hey -n 64 -c 8 "http://$HOST:$APP_PORT/actors" >/dev/null
for r in $(seq 1 "$REPS"); do
  for c in 1 4 16 64; do
    a="$(snap)"
    t0=$(date +%s.%N)
    hey -n 640 -c "$c" "http://$HOST:$APP_PORT/actors" >"$WORK/hey.out"
    t1=$(date +%s.%N)
    sleep 0.5
    b="$(snap)"
    ok=$(grep -oE '\[204\][[:space:]]+[0-9]+' "$WORK/hey.out" | awk '{print $2}')
    "$PYTHON" - "$r" "$c" "$ok" "$t0" "$t1" "$a" "$b" >>"$OUT/actors.txt" <<'PY'
import sys
r, c, ok, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3] or 0), float(sys.argv[4]), float(sys.argv[5])
a = [float(x) for x in sys.argv[6].split()]
b = [float(x) for x in sys.argv[7].split()]
n = 640
print(f"rep {r} c {c}: responses {ok}, wall {t1 - t0:.3f} s, busy {(b[3] - a[3]) / (b[4] - a[4]):.3f}, "
      f"worker {(b[0] - a[0]) / n * 1e3:.3f} ms/request, postmaster {(b[1] - a[1]) / n * 1e3:.3f}, "
      f"backends {(b[2] - a[2]) / n * 1e3:.3f}")
PY
    tail -n 1 "$OUT/actors.txt" >&2
  done
done
gunicorn_down

B="$HERE/bench/connect_concurrent.py"
"$PYTHON" "$B" --postmaster "$PM" --procs 1 --n 50 >/dev/null
for r in $(seq 1 "$REPS"); do
  for q in "" --query; do
    for k in 1 2 8 32; do
      "$PYTHON" "$B" --postmaster "$PM" --procs "$k" --n $((320 / k)) $q | tee -a "$OUT/connect.jsonl" >&2
    done
  done
done
quiet_end now
"$PYTHON" "$HERE/bench/concurrency_summary.py" "$OUT" >"$OUT/summary.md"
say "results in $OUT (summary.md)"
