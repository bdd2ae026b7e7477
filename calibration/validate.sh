#!/usr/bin/env bash
# Reproduces docs/validation.md from the saved runs in calibration/results: fits the two
# connection costs to the patched -c 10 and -c 100 runs (as docs/calibration.md did with
# the article's rows), then predicts every other run with `sim compare`. Each kit
# configuration is the fitted scenario plus the --set overrides that describe its gunicorn
# and handler. Needs only Node (npm ci); no PostgreSQL, gunicorn or hey.
#
#   calibration/validate.sh            the fit and every comparison, as text
#   calibration/validate.sh --json     the comparisons as JSON, one document per group
set -euo pipefail
cd "$(dirname "$0")/.."
R=calibration/results
FITTED=calibration/fitted-linux-2core.json
SIM=(node bin/sim.js)
FORMAT=()
[ "${1:-}" = --json ] && FORMAT=(--json)

"${SIM[@]}" fit calibration/linux-2core.json "$R"/patched-c10.r?.txt "$R"/patched-c100.r?.txt \
  --free database.forkTime,database.backendStartTime --out "$FITTED" "${FORMAT[@]}"

group() {
  local title="$1"
  shift
  [ ${#FORMAT[@]} -eq 0 ] && printf '\n=== %s\n\n' "$title"
  "${SIM[@]}" compare "$FITTED" "$@" "${FORMAT[@]}"
}

group 'unpatched (psycopg2 blocks the gevent worker)' "$R"/unpatched-c10.r?.txt --set app.psycogreen=false
group 'patched, 1 gevent worker' "$R"/patched-c{50,75,101,110,125,150,50-n200}.r?.txt
ACTORS=(--set server.workers=4 --set server.workerConnections=100 --set app.steps.1.time=0.001)
group 'actors, 4 gevent workers x 100' "$R"/actors-c1000.r?.txt "${ACTORS[@]}"
group 'actors, keep-alive 0' "$R"/actors-keepalive0-c1000.r?.txt "${ACTORS[@]}" --set server.keepalive=0
group '4 sync workers' "$R"/sync4-c10-n20.r?.txt --set server.workerClass=sync --set server.workers=4 --set app.psycogreen=false

# Another structure for the same costs: the worker's CPU, not the postmaster, serializes
# connection set-up. Same fit on the same runs; it differs only with several workers.
ALT=calibration/fitted-linux-2core-worker-cpu.json
[ ${#FORMAT[@]} -eq 0 ] && printf '\n=== alternative structure: connection set-up as worker CPU\n\n'
"${SIM[@]}" fit calibration/linux-2core-worker-cpu.json "$R"/patched-c10.r?.txt "$R"/patched-c100.r?.txt \
  --free app.steps.1.time,database.backendStartTime --out "$ALT" "${FORMAT[@]}"
ALT_ACTORS=(--set server.workers=4 --set server.workerConnections=100 --set app.steps.2.time=0.001)
FITTED="$ALT"
group 'alternative: actors, 4 gevent workers x 100' "$R"/actors-c1000.r?.txt "${ALT_ACTORS[@]}"
group 'alternative: actors, keep-alive 0' "$R"/actors-keepalive0-c1000.r?.txt "${ALT_ACTORS[@]}" --set server.keepalive=0

# A third structure: connection set-up as CPU on the shared cores, the client's side
# measured (dbConnect.cpu 3.5 ms), the backend's fitted (docs/validation.md).
CPU=calibration/fitted-linux-2core-connect-cpu.json
[ ${#FORMAT[@]} -eq 0 ] && printf '\n=== third structure: connection set-up as CPU on the shared cores\n\n'
"${SIM[@]}" fit calibration/linux-2core-connect-cpu.json "$R"/patched-c10.r?.txt "$R"/patched-c100.r?.txt \
  --free database.forkTime,database.backendStartCpu --out "$CPU" "${FORMAT[@]}"
FITTED="$CPU"
group 'third: unpatched' "$R"/unpatched-c10.r?.txt --set app.psycogreen=false
group 'third: actors, 4 gevent workers x 100' "$R"/actors-c1000.r?.txt "${ACTORS[@]}"

# docs/validation.md's table: every kit configuration predicted from measured costs only.
[ ${#FORMAT[@]} -eq 0 ] && node calibration/validate.mjs
