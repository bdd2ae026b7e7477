#!/usr/bin/env bash
# hey's turnaround in the pool rows' load: SQLAlchemy's pool (app/wsgi_pool.py, 5 + 10 a
# worker), 2 gevent workers x 100 at hey -n 5000 -c 200 and 4 x 100 at -c 1000, alternated
# ROUNDS (2) rounds, each captured with tcpdump on the app's port as storm_wire.sh does (no
# PostgreSQL port: only hey's side is read). bench/hey_turnaround.py gives, per run, the time
# from each response to hey's next request on the connection, and how bunched the requests
# arrive. The model's side: `node calibration/hey_turnaround_model.mjs`.
#
#   ROUNDS=2 calibration/hey_turnaround.sh    writes results/hey-turnaround.txt (the
#                                              captures stay in the kit's work directory)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy tcpdump)
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-2}"
whole_count ROUNDS
ONLY=.
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
out="$RESULTS/hey-turnaround.txt"
mkdir -p "$RESULTS"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); hey -n 5000 -t 0 against wsgi_pool" >"$out"
quiet_begin
for r in $(seq 1 "$ROUNDS"); do
  for shape in 2x100-c200 4x100-c1000; do
    workers=${shape%%x*}
    c=${shape##*-c}
    gunicorn_up "turnaround-$shape" wsgi_pool --workers="$workers" --worker-class=gevent --worker-connections=100 --keep-alive=2
    tcpdump -i lo -n -s 96 -B 32768 --immediate-mode -w "$WORK/turnaround.pcap" "tcp port $APP_PORT" 2>"$WORK/tcpdump.err" &
    dump=$!
    sleep 1
    rps=$(hey -n 5000 -c "$c" -t 0 "http://$HOST:$APP_PORT/" | awk '/Requests\/sec/ {print $2}')
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
    say "$shape round $r: $rps req/s; tcpdump: $(grep -E 'dropped by kernel' "$WORK/tcpdump.err" | tr '\n' ' ')"
    echo "$shape round $r, $rps req/s: $("$PYTHON" "$HERE/bench/hey_turnaround.py" "$WORK/turnaround.pcap" "$APP_PORT" | sed 's/^[^:]*: //')" >>"$out"
    gunicorn_down
  done
done
quiet_end now
cat "$out" >&2
