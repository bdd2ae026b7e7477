#!/usr/bin/env bash
# Shapes the kit never ran (calibration/shapes.json), run round by round after the model's
# figures for them were written down (node calibration/predict_shapes.mjs, committed before
# the runs): other workers and connections, gthread and sync at other sizes, hey at a rate
# (-q), pg_sleep(1) beyond the slots. Round N runs every shape's Nth run, gunicorn started
# again each time, so a slow spell of the machine falls on every shape alike.
#
#   calibration/shapes.sh                      every shape
#   PREFIX=s1206- calibration/shapes.sh NAME.. these shapes only, saved as results/s1206-NAME.rN.*
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

# One shape a line: name, runs, green, module, gunicorn's arguments, hey's flags (tab-separated).
mapfile -t SHAPES < <("$PYTHON" - "$HERE/shapes.json" "$@" <<'EOF'
import json, sys
shapes = json.load(open(sys.argv[1]))["shapes"]
wanted = sys.argv[2:]
known = {s["name"] for s in shapes}
for w in wanted:
    if w not in known:
        sys.exit(f"shapes.sh: unknown shape {w} (one of {', '.join(sorted(known))})")
for s in shapes:
    if wanted and s["name"] not in wanted:
        continue
    print("\t".join([s["name"], str(s["runs"]), str(s.get("green", 1)), s["module"], " ".join(s["gunicorn"]), s["hey"]]))
EOF
)
[ "${#SHAPES[@]}" -gt 0 ] || exit 2

kit_init
mkdir -p "$RESULTS"
postgres_up
URL="http://$HOST:$APP_PORT/"
most=1
for line in "${SHAPES[@]}"; do
  IFS=$'\t' read -r _ runs _ <<<"$line"
  [ "$runs" -gt "$most" ] && most=$runs
done
for KIT_ROUND in $(seq 1 "$most"); do
  for line in "${SHAPES[@]}"; do
    IFS=$'\t' read -r name runs green module gargs hey <<<"$line"
    [ "$KIT_ROUND" -le "$runs" ] || continue
    # shellcheck disable=SC2086
    CAL_GREEN=$green gunicorn_up "$PREFIX$name" "$module" $gargs
    # shellcheck disable=SC2086
    measure "$PREFIX$name" "$runs" $hey "$URL"
    gunicorn_down
    quiet_end
  done
done
KIT_ROUND=""
say "results in $RESULTS"
