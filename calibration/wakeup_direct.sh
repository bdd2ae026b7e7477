#!/usr/bin/env bash
# Where the machine's wake-up latency shows (machine.wakeupLatency, wakeup_latency.sh): one
# gevent worker on a trivial handler (wsgi_bench's /: 204, no database), hey -n 3000 at
# -c 1 (every request wakes the worker, then hey, on cores that sleep in between), -c 10
# and -c 50 (the cores seldom idle), alternated run by run, ROUNDS (3) rounds
# (results/wakeup-direct-cC.rN.*). The model's figures with and without the latency were
# committed first (results/wakeup-direct.predicted.txt). 127.0.0.1 only.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
ONLY="${ONLY:-.}"
kit_init
# measure reads what PostgreSQL logged during each run; the handler does not use it.
postgres_up
gunicorn_up wakeup-direct wsgi_bench --workers=1 --worker-class=gevent --worker-connections=1000
hey -n 500 -c 10 "http://$HOST:$APP_PORT/" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  for c in 1 10 50; do
    measure "wakeup-direct-c$c" 1 -n 3000 -c "$c" -t 0 "http://$HOST:$APP_PORT/"
    keep_round "wakeup-direct-c$c" "$r"
  done
done
rounds_done wakeup-direct-c
gunicorn_down
quiet_end now
