#!/usr/bin/env bash
# What a gevent worker's connect costs it one at a time against back to back: one gunicorn
# gevent worker x 1000 with app/wsgi_turns.py (psycopg2.connect + close per request, each
# turn of the connect timed inside the greenlet), hey -n N -c 1 (every turn follows a sleep
# of the worker's loop) against -c 50 (turns follow one another), and the trivial request
# (wsgi_bench's /, -disable-keepalive as the connect requests come) the same way, alternated
# ROUNDS rounds. For each: the worker's whole CPU per request (/proc/PID/schedstat), the
# greenlet's own turns (from the log: the proof's turn, the rest), and what is left: gevent's
# hub and gunicorn around them. Writes results/warm-turns.txt (with AUTH=md5 or trust,
# results/warm-turns-AUTH.txt, which bench/make_scenario.py --auth AUTH reads). Where it exists,
# make_scenario.py prices the worker's connect from this file alone.
#   calibration/warm_turns.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-5}"
N="${N:-150}"
# LEVELS: hey's -c for each run; 1 and 50 give backToBackShare, more show the trend.
LEVELS="${LEVELS:-1 50}"
has1= has50=
for c in $LEVELS; do
  case "$c" in 1) has1=1 ;; 50) has50=1 ;; *[!0-9]* | 0) echo "warm_turns.sh: LEVELS are hey's -c values, whole numbers from 1, not '$c'" >&2; exit 2 ;; esac
  if [ "$c" -gt "$N" ]; then echo "warm_turns.sh: each of LEVELS must be at most N ($N): hey needs -n >= -c" >&2; exit 2; fi
done
if [ -z "$has1" ] || [ -z "$has50" ]; then
  echo "warm_turns.sh: LEVELS must have 1 and 50 (backToBackShare compares them), not '$LEVELS'" >&2
  exit 2
fi
ONLY=.
# AUTH=md5 or trust: the connect without scram's proof (run.sh's AUTH); "proof" below is
# then the connect's largest turn.
postgres_up_with_auth warm_turns.sh warm-turns .txt
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
echo "date: $(date -u +%FT%TZ); $(uname -r); $AUTH, dbname postgres; $N requests a run, hey -disable-keepalive; ms of the worker's CPU per request" >"$OUT"
run() { # app path c -> the worker's CPU per request (ms), the log's lines of this run in $WORK/turns.log
  local a b gl
  gl=$(wc -l <"$GUNICORN_LOG")
  read -r a _ <"/proc/$W/schedstat"
  hey -n "$N" -c "$2" -t 0 -disable-keepalive "http://$HOST:$APP_PORT$1" >/dev/null
  sleep 0.3
  read -r b _ <"/proc/$W/schedstat"
  tail -n +$((gl + 1)) "$GUNICORN_LOG" >"$WORK/turns.log"
  awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN { printf "%.3f", (b - a) / n / 1e6 }'
}
turns() { # the log's turns: the proof's (the largest) and the others' sum, medians over the connects
  "$PYTHON" - "$WORK/turns.log" <<'PY'
import statistics, sys
rows = [list(map(float, l.split()[1:])) for l in open(sys.argv[1]) if l.startswith("turns ")]
proof = [max(r) for r in rows]
rest = [sum(r) - max(r) for r in rows]
print(f"{statistics.median(proof):.3f} {statistics.median(rest):.3f}")
PY
}
gunicorn_up turns wsgi_turns --workers=1 --worker-class=gevent --worker-connections=1000
W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
hey -n 50 -c 5 -t 0 "http://$HOST:$APP_PORT/" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  for c in $LEVELS; do
    total=$(run / "$c")
    read -r proof rest < <(turns)
    echo "round $r, connect, c $c: worker $total; the greenlet's turns: proof $proof, the others $rest; hub and gunicorn $(awk -v t="$total" -v p="$proof" -v o="$rest" 'BEGIN { printf "%.3f", t - p - o }')" >>"$OUT"
  done
done
gunicorn_down
gunicorn_up bench wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000
W=$(pgrep -P "$GUNICORN_PID" | head -n 1)
hey -n 50 -c 5 -t 0 "http://$HOST:$APP_PORT/" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  for c in $LEVELS; do
    echo "round $r, trivial, c $c: worker $(run / "$c")" >>"$OUT"
  done
done
gunicorn_down
quiet_end now
"$PYTHON" - "$OUT" >>"$OUT" <<'PY'
import re, statistics, sys
v = {}
for line in open(sys.argv[1]):
    m = re.match(r"round \d+, (\w+), c (\d+): worker ([\d.]+)(?:; the greenlet's turns: proof ([\d.]+), the others ([\d.]+); hub and gunicorn (-?[\d.]+))?", line)
    if m:
        for k, x in zip(("worker", "proof", "others", "hub"), m.groups()[2:]):
            if x is not None:
                v.setdefault((m[1], m[2], k), []).append(float(x))
med = lambda k: statistics.median(v[k])
for kind, parts in (("connect", ("worker", "proof", "others", "hub")), ("trivial", ("worker",))):
    for p in parts:
        a, b = med((kind, "1", p)), med((kind, "50", p))
        print(f"{kind} {p}: one at a time {a:.3f} ms, back to back {b:.3f} ms, ratio {b / a:.2f}")
a = med(("connect", "1", "others")) + med(("connect", "1", "hub"))
b = med(("connect", "50", "others")) + med(("connect", "50", "hub"))
print(f"connect, the proof aside (the others and the hub): one at a time {a:.3f} ms, back to back {b:.3f} ms, ratio {b / a:.2f} (app.steps.N.backToBackShare)")
for c in sorted({k[1] for k in v} - {"1", "50"}, key=int):
    for kind in ("connect", "trivial"):
        if (kind, c, "worker") in v:
            w = med((kind, c, "worker"))
            print(f"{kind} worker at c {c}: {w:.3f} ms, {w / med((kind, '1', 'worker')):.2f} of one at a time")
PY
cat "$OUT" >&2
