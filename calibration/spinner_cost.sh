#!/usr/bin/env bash
# What a SCHED_IDLE spinner on every core (busy_cores.sh) adds to the short operations the
# kit times: bench_db.py query (the actors query, pg_sleep(0), the first query of a fresh
# connection; 200 each) and one duty_speed.py round on core 0, with no spinner, with the
# shell loop of lib.sh's spinners_start, and with bench/spin.c (a loop that touches one
# word), alternated ROUNDS times. The duty rows tell whether the machine was slowing
# idle cores meanwhile; the query rows, what the spinners cost beside it.
#
#   calibration/spinner_cost.sh [ROUNDS]      results/spinner-cost.txt (a few minutes)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROUNDS="${1:-3}"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
ONLY=.
kit_init
OUT="${RESULTS:-$HERE/results}/spinner-cost.txt"
cc -O1 -o "$WORK/spin" "$HERE/bench/spin.c"
postgres_up
PM="$(postmaster_pid)"
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
spin_start() {
  case "$1" in
    none) return 0 ;;
    sh) spinners_start ;;
    *) spinners_start "$WORK/spin" ;;
  esac
  sleep 0.5
}
quiet_begin
{
  echo "\$ calibration/spinner_cost.sh $ROUNDS, $(date -u '+%Y-%m-%d ~%H:%M') UTC; $(uname -r)"
  for round in $(seq 1 "$ROUNDS"); do
    for kind in none sh spin.c; do
      spin_start "$kind"
      "$PYTHON" "$HERE/bench/bench_db.py" query --postmaster "$PM" --n 200 --reps 1 \
        --out "$WORK/q.json" --log "$WORK/q.log" >/dev/null 2>&1
      echo "round $round, $kind: $(tail -n 1 "$WORK/q.log" | sed 's/^rep 1 ([^)]*): //; s/; others.*//')"
      echo "round $round, $kind, core 0's duty: $("$PYTHON" "$HERE/bench/duty_speed.py" 0 1.5 1 | grep -E '^ +(100|40|5) %' | tr -s ' ' | tr '\n' ';' || true)"
      spinners_stop
    done
  done
} >"$OUT"
quiet_end now
say "results in $OUT"
