#!/usr/bin/env bash
# The order in which a gevent worker's hub runs the greenlets one poll woke
# (bench/hub_order.py), for src/model/hubLoop.ts: ROUNDS rounds of 8, 50, 100 and 300 sockets,
# each in a fresh process (libev's first polls take at most 64 events).
# No PostgreSQL, no gunicorn, no network beyond socket pairs. Writes results/hub-order.txt.
#   calibration/hub_order.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
OUT="$RESULTS/hub-order.txt"
{
  echo "date: $(date -u +%FT%TZ); $(uname -r); libev $(dpkg-query -W -f='${Version}' libev4 2>/dev/null || echo '?'), python3-gevent $(dpkg-query -W -f='${Version}' python3-gevent)"
  for r in $(seq 1 "$ROUNDS"); do
    for n in 8 50 100 300; do "$PYTHON" "$HERE/bench/hub_order.py" "$n"; done
  done
} >"$OUT"
cat "$OUT"
