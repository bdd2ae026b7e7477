#!/usr/bin/env bash
# The spread of the responses (Slowest - Fastest) on the wire: one gevent worker x 1000,
# the kit's pg_sleep(1) handler, hey -n C -c C for C = 50 and 100, alternated REPS (5)
# rounds, each captured with tcpdump as storm_wire.sh does. Every request of such a run
# is in the first wave, so its latency is its connect's: when its proof was sent, when its
# backend answered (AuthenticationSASLFinal, which PostgreSQL sends with ReadyForQuery),
# and when the worker's loop got back to the greenlet to send the query tell whether the
# last responses waited for the worker or for their backends.
#
#   calibration/spread_wire.sh    writes results/spread-wire/NAME.rN.{txt,events.csv} and
#                                 results/spread-wire/tail.txt (bench/storm_wire.py tail)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(tcpdump)
RESULTS="${RESULTS:-$HERE/results}"
OUT="${OUT:-$RESULTS/spread-wire}"
REPS="${REPS:-5}"
auth_check spread_wire.sh
kit_init
postgres_up
# AUTH=md5 (run.sh's): the same waves with md5's one challenge.
[ "$AUTH" = scram-sha-256 ] || pg_auth "$AUTH"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
mkdir -p "$OUT"
quiet_begin
gunicorn_up spread-wire wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000
for r in $(seq 1 "$REPS"); do
  for c in 50 100; do
    n="c$c"
    gl=$(wc -l <"$GUNICORN_LOG")
    wire_start --immediate-mode
    out="$OUT/$n.r$r.txt"
    flags="-n $c -c $c -t 0 http://$HOST:$APP_PORT/"
    printf '$ hey %s\n' "$flags" >"$out"
    # shellcheck disable=SC2086
    hey $flags >>"$out" 2>&1 || true
    # The Terminate and the last responses are in the capture (immediate mode, and time).
    sleep 1
    wire_stop >>"$out"
    tail -n +$((gl + 1)) "$GUNICORN_LOG" | grep -E '^(handled|failed) request' >"$WORK/handlers" || true
    "$PYTHON" "$HERE/bench/storm_wire.py" events "$WORK/wire.pcap" "$APP_PORT" "$PG_PORT" "$WORK/handlers" >"$OUT/$n.r$r.events.csv"
    say "$n r$r: $(grep -E 'Slowest|Fastest' "$out" | tr -s ' \t' ' ' | tr '\n' ' ')"
    sleep 2
  done
done
gunicorn_down
quiet_end now
"$PYTHON" "$HERE/bench/storm_wire.py" tail "$OUT" >"$OUT/tail.txt"
cat "$OUT/tail.txt" >&2
