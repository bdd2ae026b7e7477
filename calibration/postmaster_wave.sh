#!/usr/bin/env bash
# The postmaster through one wave of connects: one gevent worker x 1000, the kit's
# pg_sleep(1) handler (the spread rows' stack), hey -n C -c C for C = 50 and 100,
# alternated ROUNDS rounds, with the postmaster's schedstat sampled every millisecond:
# how long it ran and how long it waited for a core, runnable, in each window of the wave
# (bench/postmaster_wave.py; results/postmaster-wave.txt, the samples in
# results/postmaster-wave/). The postmaster forks the wave's backends one after another; the
# later it forks them, the later their connects begin (docs/validation.md, "The spread and
# the postmaster's wait").
#
#   ROUNDS=5 calibration/postmaster_wave.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-5}"
whole_count ROUNDS
ONLY=.
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
OUT="$RESULTS/postmaster-wave"
mkdir -p "$OUT"
quiet_begin
gunicorn_up postmaster-wave wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000
pm=$(postmaster_pid)
for r in $(seq 1 "$ROUNDS"); do
  for c in 50 100; do
    "$PYTHON" "$HERE/bench/postmaster_wave.py" sample "$pm" 2.5 "$OUT/c$c.r$r.samples" &
    sampler=$!
    sleep 0.05
    { printf '$ hey %s\n' "-n $c -c $c -t 0 http://$HOST:$APP_PORT/"; hey -n "$c" -c "$c" -t 0 "http://$HOST:$APP_PORT/"; } >"$OUT/c$c.r$r.txt" 2>&1 || true
    wait "$sampler"
    say "c$c r$r: $(grep -E 'Slowest|Fastest' "$OUT/c$c.r$r.txt" | tr -s ' \t' ' ' | tr '\n' ' ')"
    sleep 2
  done
done
gunicorn_down
quiet_end now
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r)"
  "$PYTHON" "$HERE/bench/postmaster_wave.py" summary "$OUT"/c50.r*.samples "$OUT"/c100.r*.samples
} >"$RESULTS/postmaster-wave.txt"
cat "$RESULTS/postmaster-wave.txt" >&2
