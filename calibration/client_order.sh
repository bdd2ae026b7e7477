#!/usr/bin/env bash
# Does the load generator's order of work decide a storm? hey dials all its connections
# before it writes any request (hey_dial.sh), so the workers accept all of them while
# idle and the handlers start together; ab (ApacheBench) writes each request as soon as
# its connection is open, so the workers, which accept one connection per turn of their
# loop (gunicorn's max_accept 1), start the handlers one turn apart. The simulator says
# this decides how many connects PostgreSQL refuses (results/client-order.predicted.txt,
# committed before these runs). 4 gevent workers x 100, the actors handler, 400 requests
# at -c 400 from each tool, alternated, REPS (5) rounds.
#
#   calibration/client_order.sh     writes results/client-order-hey.rN.txt, client-order-ab.rN.ab.txt and results/client-order.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-5}"
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
SUMMARY="$RESULTS/client-order.txt"
echo "4 gevent x 100 (keep-alive 2), wsgi_actors; 400 requests at -c 400; PostgreSQL max_connections 100" >"$SUMMARY"
quiet_begin
for r in $(seq 1 "$REPS"); do
  for tool in hey ab; do
    gunicorn_up "order-$tool" wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
    out="$RESULTS/client-order-$tool.r$r.txt"
    # ab's output is not hey's: another suffix, so that the readers of hey's runs leave it alone.
    if [ "$tool" = ab ]; then out="$RESULTS/client-order-ab.r$r.ab.txt"; fi
    pgstart=$(wc -l <"$WORK/postgres.log")
    if [ "$tool" = hey ]; then cmd=(hey -n 400 -c 400 -t 0 "http://$HOST:$APP_PORT/")
    else cmd=(ab -n 400 -c 400 -s 60 "http://$HOST:$APP_PORT/"); fi
    printf '$ %s\n' "${cmd[*]}" >"$out"
    "${cmd[@]}" >>"$out" 2>&1 || true
    refused=$(tail -n +"$((pgstart + 1))" "$WORK/postgres.log" | grep -c 'too many clients' || true)
    # When the handlers started (their own log lines), in seconds after the first: the ramp.
    ramp=$(grep -E '^(handled|failed) request start=' "$GUNICORN_LOG" | sed -E 's/.*start=([0-9.]+).*/\1/' | sort -n |
      awk '{ t[NR] = $1 } END { if (NR < 400) { print "handlers " NR; exit } printf "handlers started by 0.05/0.1/0.2/0.3 s after the first: %d/%d/%d/%d", c(0.05), c(0.1), c(0.2), c(0.3) }
           function c(d,   i, n) { n = 0; for (i = 1; i <= NR; i++) if (t[i] - t[1] <= d) n++; return n }')
    line="$tool r$r: postgres too many clients: $refused; $ramp; $(grep -E 'Requests/sec|Requests per second|Non-2xx|\[500\]' "$out" | tr -s ' \t' ' ' | tr '\n' ';')"
    echo "$line" >>"$SUMMARY"
    say "$line"
    gunicorn_down
    sleep 3
  done
done
quiet_end now
