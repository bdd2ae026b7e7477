#!/usr/bin/env bash
# What the GIL costs a threaded process as its threads multiply: bench/gil_handoff.py against
# a private PostgreSQL, 1, 2, 4, 16 and 64 threads alternated, ROUNDS rounds (default 5) of
# SECONDS (default 3) each (results/gil-handoff-TAG.txt; docs/validation.md, "gthread:
# predicted, then run").
#
#   calibration/gil_handoff.sh TAG
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TAG="${1:-}"
result_tag "$TAG" results/gil-handoff-TAG.txt
ROUNDS="${ROUNDS:-5}"
SECONDS_RUN="${SECONDS_RUN:-3}"
whole_count ROUNDS
whole_count SECONDS_RUN
kit_init
postgres_up
"$PYTHON" "$HERE/bench/gil_handoff.py" "host=$HOST port=$PG_PORT user=postgres password=$PASSWORD dbname=postgres" \
  "$SECONDS_RUN" 1,2,4,16,64 "$ROUNDS" | tee "$HERE/results/gil-handoff-$TAG.txt"
