#!/usr/bin/env bash
# Does a backend spend more CPU when its client answers late (bench/backend_waits.py)? The
# kit's /actors work from one plain psycopg2 client, one connection at a time, pausing 0, 2
# and 8 ms before each of its turns, alternated ROUNDS (3) rounds; the pauses slept, then
# spun (the client's core kept busy); then one open connection's SELECT 1 after pauses of
# 0 to 32 ms (the backend's own CPU per query: its cost to resume). AUTH as run.sh's. Writes results/backend-waits.txt
# (with AUTH=md5 or trust, results/backend-waits-AUTH.txt); docs/validation.md, "The spread
# twenty rounds on the AMD machine, and md5 a third time".
#   AUTH=md5 calibration/backend_waits.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
ONLY=.
# TURNS=yes: only bench/backend_waits.py --turns (each turn of a connect and close paused
# alone, 0, 2, 8 and 32 ms), into results/backend-waits-turns[-AUTH].txt. WARMTH=yes: only
# bench/resume_warmth.py (one turn paused 32 ms while the other core idles, runs another
# backend's queries, or runs Python), into results/resume-warmth[-AUTH].txt.
if [ "${WARMTH:-}" = yes ]; then
  postgres_up_with_auth backend_waits.sh resume-warmth .txt
elif [ "${TURNS:-}" = yes ]; then
  postgres_up_with_auth backend_waits.sh backend-waits-turns .txt
else
  postgres_up_with_auth backend_waits.sh backend-waits .txt
fi
mkdir -p "$RESULTS"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
{
  if [ "${WARMTH:-}" = yes ]; then
    echo "date: $(date -u +%FT%TZ); $(uname -r); $AUTH; one client, connect + close, 150 a batch, turn 5 paused 0 or 32 ms; the other core idle, or another backend's queries, or Python"
  elif [ "${TURNS:-}" = yes ]; then
    echo "date: $(date -u +%FT%TZ); $(uname -r); $AUTH; one client, connect + close, 150 a batch, one turn paused"
  else
    echo "date: $(date -u +%FT%TZ); $(uname -r); $AUTH; one client, connect + actors query + close, 200 a batch"
  fi
  cd "$HERE/bench"
  if [ "${WARMTH:-}" = yes ]; then
    "$PYTHON" resume_warmth.py --postmaster "$(postmaster_pid)" --rounds "$ROUNDS"
  elif [ "${TURNS:-}" = yes ]; then
    "$PYTHON" backend_waits.py --postmaster "$(postmaster_pid)" --turns --n 150 --waits 0,2,8,32 --rounds "$ROUNDS"
  else
    "$PYTHON" backend_waits.py --postmaster "$(postmaster_pid)" --rounds "$ROUNDS"
    "$PYTHON" backend_waits.py --postmaster "$(postmaster_pid)" --rounds "$ROUNDS" --busy
    "$PYTHON" backend_waits.py --select1 --n 300 --waits 0,0.5,1,2,4,8,16,32 --rounds "$ROUNDS"
  fi
} >"$OUT"
quiet_end now
say "$(grep medians "$OUT" | tr '\n' ' ')"
