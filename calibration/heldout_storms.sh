#!/usr/bin/env bash
# Held-out storms: configurations of the actors storm that no earlier run of the kit used,
# run only after the simulator's prediction for each was written down
# (results/heldout-storms.predicted.txt, committed before these runs). Each run is the
# kit's storm (hey -n 1000 keep-alive, the actors handler connecting per request) with
# other workers, connections, hey -c or max_connections; the configurations are
# alternated run by run with the kit's own storm (4x100: 4 x 100, -c 1000), so the
# machine's drift falls on all of them alike and shows against the kit's earlier runs.
#
#   calibration/heldout_storms.sh            4 x 100 (the kit's), 2 x 200, 8 x 50, 4 x 100 at -c 400, 1 x 400
#   MAX_CONNECTIONS=200 calibration/heldout_storms.sh mc200
#                                            4 x 100 at -c 1000 with max_connections 200
#   SERIES=2 calibration/heldout_storms.sh 4x100 3x100 6x60 4x100-c600
#                                            a second series, predicted after the wire
#                                            measurements (results/heldout-storms-2.predicted.txt)
#   SERIES=3 calibration/heldout_storms.sh 4x100 4x100-c200 2x100-c300
#                                            a third, near the slot count, after the backend's
#                                            pre-challenge work and the idle core's pull
#                                            (results/heldout-storms-3.predicted.txt)
#
# Writes results/heldout${SERIES}-NAME.rN.{txt,cpu.txt,server.log}. REPS (5) rounds.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-5}"
# NAME: gunicorn's workers and worker_connections, hey's -c.
declare -A WORKERS=([4x100]=4 [2x200]=2 [8x50]=8 [4x100-c400]=4 [1x400]=1 [mc200]=4 [3x100]=3 [6x60]=6 [4x100-c600]=4 [4x100-c200]=4 [2x100-c300]=2)
declare -A CONNS=([4x100]=100 [2x200]=200 [8x50]=50 [4x100-c400]=100 [1x400]=400 [mc200]=100 [3x100]=100 [6x60]=60 [4x100-c600]=100 [4x100-c200]=100 [2x100-c300]=100)
declare -A CLIENTS=([4x100]=1000 [2x200]=1000 [8x50]=1000 [4x100-c400]=400 [1x400]=1000 [mc200]=1000 [3x100]=1000 [6x60]=1000 [4x100-c600]=600 [4x100-c200]=200 [2x100-c300]=300)
if [ "$#" -gt 0 ]; then NAMES=("$@"); else NAMES=(4x100 2x200 8x50 4x100-c400 1x400); fi
for n in "${NAMES[@]}"; do
  [ -n "${WORKERS[$n]:-}" ] || { say "unknown configuration $n (one of ${!WORKERS[*]})"; exit 2; }
  if [ "$n" = mc200 ] && [ "${MAX_CONNECTIONS:-}" != 200 ]; then say "mc200 needs MAX_CONNECTIONS=200"; exit 2; fi
done
if [ -n "${MAX_CONNECTIONS:-}" ]; then PG_EXTRA_OPTS="-c max_connections=$MAX_CONNECTIONS"; fi
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
for r in $(seq 1 "$REPS"); do
  for n in "${NAMES[@]}"; do
    gunicorn_up "heldout${SERIES:-}-$n" wsgi_actors --workers="${WORKERS[$n]}" --worker-class=gevent \
      --worker-connections="${CONNS[$n]}" --keep-alive=2
    name="heldout${SERIES:-}-$n"
    out="$RESULTS/$name.r$r.txt"
    pgstart=$(wc -l <"$WORK/postgres.log")
    flags="-n 1000 -c ${CLIENTS[$n]} -t 0 http://$HOST:$APP_PORT/"
    printf '$ hey %s\n' "$flags" >"$out"
    # shellcheck disable=SC2086
    "$PYTHON" "$HERE/bench/loadrun.py" --out "$out" --stderr "$WORK/hey.stderr" --cpu "$RESULTS/$name.r$r.cpu.txt" \
      --gunicorn-pid "$GUNICORN_PID" --gunicorn-log "$GUNICORN_LOG" --postmaster-pid "$(postmaster_pid)" \
      -- $flags || true
    {
      echo "gunicorn: $GUNICORN_ARGS; max_connections: ${MAX_CONNECTIONS:-100}"
      tail -n +"$((pgstart + 1))" "$WORK/postgres.log" | awk '/too many clients/ { n++ } END { printf "postgres too many clients: %d\n", n }'
    } >"$RESULTS/$name.r$r.server.log"
    say "$name r$r: $(grep -E 'Requests/sec' "$out" | tr -s ' \t' ' ') $(grep -E '^\s+\[500\]' "$out" | tr -s ' \t' ' ')"
    gunicorn_down
    sleep 3
  done
done
quiet_end now
