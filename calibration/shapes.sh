#!/usr/bin/env bash
# Shapes the kit never ran (calibration/shapes.json), run round by round after the model's
# figures for them were written down (node calibration/predict_shapes.mjs, committed before
# the runs): other workers and connections, gthread and sync at other sizes, hey at a rate
# (-q), pg_sleep(1) beyond the slots. Round N runs every shape's Nth run, gunicorn started
# again each time, so a slow spell of the machine falls on every shape alike. A shape may
# run against a PostgreSQL of its own settings ("postgres": -c options, e.g. another
# max_connections) and with another length of the handler's pg_sleep ("sleep", seconds:
# CAL_SLEEP); the shapes of one set of PostgreSQL settings run together, round by round,
# each set on a PostgreSQL started afresh.
#
#   calibration/shapes.sh                      every shape
#   PREFIX=s1206- calibration/shapes.sh NAME.. these shapes only, saved as results/s1206-NAME.rN.*
#   SHAPES=calibration/shapes-2.json ...       the shapes of another file
#   OVERWRITE=yes ...                          run over a PREFIX's saved runs (refused otherwise)
#
# Writes results/${PREFIX}NAME.rN.{txt,cpu.txt,server.log} (lib.sh's measure). Then:
#   node calibration/predict_shapes.mjs SCENARIO ... --against-runs "$PREFIX"
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
PREFIX="${PREFIX:-shapes-}"
ONLY="${ONLY:-.}"
SHAPES_FILE="${SHAPES:-$HERE/shapes.json}"

# One shape a line: name, runs, green, module, gunicorn's arguments, hey's flags, the
# handler's sleep, PostgreSQL's options (tab-separated; the shapes grouped by the last).
mapfile -t SHAPES < <("$PYTHON" - "$SHAPES_FILE" "$@" <<'EOF'
import json, sys
shapes = json.load(open(sys.argv[1]))["shapes"]
order = [s.get("postgres", "") for s in shapes]
shapes.sort(key=lambda s: order.index(s.get("postgres", "")))
wanted = sys.argv[2:]
known = {s["name"] for s in shapes}
for w in wanted:
    if w not in known:
        sys.exit(f"shapes.sh: unknown shape {w} (one of {', '.join(sorted(known))})")
for s in shapes:
    if wanted and s["name"] not in wanted:
        continue
    print("\t".join([s["name"], str(s["runs"]), str(s.get("green", 1)), s["module"], " ".join(s["gunicorn"]), s["hey"],
                     str(s.get("sleep", 1.0)), s.get("postgres", "-")]))
EOF
)
[ "${#SHAPES[@]}" -gt 0 ] || exit 2
# A PREFIX that already names runs of these shapes would overwrite that series: refuse it
# before anything starts, unless OVERWRITE=yes (a series run again on purpose).
if [ "${OVERWRITE:-no}" != yes ]; then
  for line in "${SHAPES[@]}"; do
    IFS=$'\t' read -r name _ <<<"$line"
    if compgen -G "$RESULTS/$PREFIX$name.r*.txt" >/dev/null; then
      say "$RESULTS/$PREFIX$name.r*.txt exist already: choose another PREFIX, or OVERWRITE=yes to run this series again over them"
      exit 2
    fi
  done
fi

kit_init
mkdir -p "$RESULTS"
URL="http://$HOST:$APP_PORT/"
# The distinct PostgreSQL settings, in the order the shapes (grouped by them) come.
mapfile -t GROUPS_PG < <(for line in "${SHAPES[@]}"; do IFS=$'\t' read -r _ _ _ _ _ _ _ pg <<<"$line"; echo "$pg"; done | uniq)
# A shape's options come after any PG_EXTRA_OPTS of the caller's, which every group keeps.
CALLER_PG_OPTS="$PG_EXTRA_OPTS"
for group in "${GROUPS_PG[@]}"; do
  PG_EXTRA_OPTS="$CALLER_PG_OPTS"
  [ "$group" = - ] || PG_EXTRA_OPTS="$PG_EXTRA_OPTS $group"
  postgres_up
  say "PostgreSQL with the kit's settings${PG_EXTRA_OPTS:+ and $PG_EXTRA_OPTS}"
  most=1
  for line in "${SHAPES[@]}"; do
    IFS=$'\t' read -r _ runs _ _ _ _ _ pg <<<"$line"
    [ "$pg" = "$group" ] && [ "$runs" -gt "$most" ] && most=$runs
  done
  for KIT_ROUND in $(seq 1 "$most"); do
    for line in "${SHAPES[@]}"; do
      IFS=$'\t' read -r name runs green module gargs hey sleep pg <<<"$line"
      [ "$pg" = "$group" ] || continue
      [ "$KIT_ROUND" -le "$runs" ] || continue
      # shellcheck disable=SC2086
      CAL_SLEEP=$sleep CAL_GREEN=$green gunicorn_up "$PREFIX$name" "$module" $gargs
      # shellcheck disable=SC2086
      measure "$PREFIX$name" "$runs" $hey "$URL"
      gunicorn_down
      quiet_end
    done
  done
  KIT_ROUND=""
  postgres_down
done
say "results in $RESULTS"
