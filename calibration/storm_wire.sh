#!/usr/bin/env bash
# The actors storm on the wire: every packet that carries data, and every SYN, on the
# app's port and PostgreSQL's (tcpdump on the loopback interface), so each connection's
# steps have a time: hey's dial and its request; libpq's SSL request, the startup packet,
# the scram messages and the query; PostgreSQL's answers and its refusals. It separates
# what the handlers' log lines cannot: when hey wrote a request against when its handler
# started, and where a connection to PostgreSQL waited (for the postmaster, or for its
# worker's loop), before and after it took a slot. The kit's storm (4 x 100, -c 1000) is
# alternated with the held-out -c 400 storm, REPS (3) rounds; WORKERS and STORMS change
# them (WORKERS=2 STORMS=c200: two workers x 100 at -c 200, 200 greenlets on 100 slots).
#
#   calibration/storm_wire.sh     writes results/storm-wire/NAME.rN.{txt,events.csv} and
#                                 results/storm-wire/summary.txt (bench/storm_wire.py)
#
# tcpdump takes CPU too (a few thousand packets a second, in its own session); the
# summary gives how many it dropped.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(tcpdump)
RESULTS="${RESULTS:-$HERE/results}"
OUT="${OUT:-$RESULTS/storm-wire}"
REPS="${REPS:-3}"
declare -A CLIENTS=([c1000]=1000 [c400]=400 [c200]=200)
# WORKERS (4) gevent workers x 100; STORMS ("c1000 c400"): which client counts, alternated.
WORKERS="${WORKERS:-4}"
STORMS="${STORMS:-c1000 c400}"
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
mkdir -p "$OUT"
quiet_begin
for r in $(seq 1 "$REPS"); do
  for n in $STORMS; do
    gunicorn_up "wire-$n" wsgi_actors --workers="$WORKERS" --worker-class=gevent --worker-connections=100 --keep-alive=2
    gl=$(wc -l <"$GUNICORN_LOG")
    pgstart=$(wc -l <"$WORK/postgres.log")
    wire_start
    out="$OUT/$n.r$r.txt"
    flags="-n 1000 -c ${CLIENTS[$n]} -t 0 http://$HOST:$APP_PORT/"
    printf '$ hey %s\n' "$flags" >"$out"
    # shellcheck disable=SC2086
    hey $flags >>"$out" 2>&1 || true
    sleep 0.5
    {
      wire_stop
      tail -n +"$((pgstart + 1))" "$WORK/postgres.log" | awk '/too many clients/ { n++ } END { printf "postgres too many clients: %d\n", n }'
    } >>"$out"
    tail -n +$((gl + 1)) "$GUNICORN_LOG" | grep -E '^(handled|failed) request' >"$WORK/handlers" || true
    "$PYTHON" "$HERE/bench/storm_wire.py" events "$WORK/wire.pcap" "$APP_PORT" "$PG_PORT" "$WORK/handlers" >"$OUT/$n.r$r.events.csv"
    say "$n r$r: $(grep -E 'Requests/sec' "$out" | tr -s ' \t' ' ') $(grep -E 'too many' "$out")"
    gunicorn_down
    sleep 3
  done
done
quiet_end now
"$PYTHON" "$HERE/bench/storm_wire.py" summary "$OUT" >"$OUT/summary.txt"
cat "$OUT/summary.txt" >&2
