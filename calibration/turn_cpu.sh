#!/usr/bin/env bash
# Where a psycopg2 connect's client CPU falls between its waits, in a gevent process with a
# psycogreen-like wait callback (bench/turn_cpu.py): one connection at a time (150) against
# 50 at once (3 waves), alternated 3 times. The model charges dbConnect's startCpu before
# the first wait, turnCpu at each later turn and the rest with the proof; this shows what
# each turn costs, and how it changes when many connect at once; then the same inside one
# gunicorn gevent worker (app/wsgi_turns.py), hey -c 1 against -c 50.
#
#   calibration/turn_cpu.sh      writes results/turn-cpu.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ONLY=.
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
OUT="$RESULTS/turn-cpu.txt"
echo "date: $(date -u +%FT%TZ); $(uname -r); scram-sha-256, dbname postgres" >"$OUT"
quiet_begin
for r in 1 2 3; do
  "$PYTHON" "$HERE/bench/turn_cpu.py" 1 150 >>"$OUT"
  "$PYTHON" "$HERE/bench/turn_cpu.py" 50 3 >>"$OUT"
done
# The same inside one gunicorn gevent worker x 1000 (app/wsgi_turns.py): hey -c 1 against -c 50.
gunicorn_up turns wsgi_turns --workers=1 --worker-class=gevent --worker-connections=1000
summary() {
  "$PYTHON" - "$@" <<'PY'
import statistics, sys
rows = [list(map(float, l.split()[1:])) for l in open(sys.argv[1]) if l.startswith("turns ")]
rows = [r for r in rows if len(r) == len(rows[-1])]
print(f"in the gunicorn worker, {sys.argv[2]}: client CPU by turn, ms (median of {len(rows)} connects): "
      + " ".join(f"{statistics.median(c):.3f}" for c in zip(*rows)) + f"; sum {sum(statistics.median(c) for c in zip(*rows)):.3f}")
PY
}
for r in 1 2 3; do
  for c in 1 50; do
    gl=$(wc -l <"$GUNICORN_LOG")
    hey -n 150 -c "$c" -t 0 "http://$HOST:$APP_PORT/" >/dev/null
    sleep 0.5
    tail -n +$((gl + 1)) "$GUNICORN_LOG" >"$WORK/turns.log"
    summary "$WORK/turns.log" "hey -n 150 -c $c" >>"$OUT"
  done
done
gunicorn_down
quiet_end now
cat "$OUT" >&2
