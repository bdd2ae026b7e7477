#!/usr/bin/env bash
# What the pool's handler costs a threaded process as its threads multiply, gunicorn left
# out: bench/gil_pool.py against a private PostgreSQL (the dvdrental actors), 1, 2, 4, 8 and
# 16 threads alternated, ROUNDS rounds (default 3) of SECONDS_RUN (default 3) each
# (results/gil-pool-TAG.txt; docs/validation.md, "Persistent connections in sync and gthread
# workers").
#
#   calibration/gil_pool.sh TAG
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
PACKAGES+=(python3-sqlalchemy)
TAG="${1:-}"
result_tag "$TAG" results/gil-pool-TAG.txt
ROUNDS="${ROUNDS:-3}"
SECONDS_RUN="${SECONDS_RUN:-3}"
whole_count ROUNDS
whole_count SECONDS_RUN
kit_init
postgres_up
quiet_begin
"$PYTHON" "$HERE/bench/gil_pool.py" "postgresql+psycopg2://postgres:$PASSWORD@$HOST:$PG_PORT/dvdrental" \
  "$SECONDS_RUN" 1,2,4,8,16 "$ROUNDS" | tee "$HERE/results/gil-pool-$TAG.txt"
quiet_end now
