#!/usr/bin/env bash
# Each core's speed over time (machine.slowSpells): one process pinned to each core times
# fixed pieces of work (the interpreter, OpenSSL's PBKDF2-SHA256, libc's memory search) for
# SECONDS, then bench/core_speed.py summary reads the two speeds, the share of time slow and
# the spells' lengths, and writes the scenario's setting as its last line. Run it on an
# otherwise idle machine, beside the load runs it is for: the share of time slow moves from
# minute to minute.
#
#   calibration/core_speed.sh TAG [SECONDS]    writes results/TAG/core-speed.core*.txt and
#                                              results/TAG/core-speed.txt (default 300 s)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TAG="${1:-}"
SECONDS_RUN="${2:-300}"
case "$TAG" in '' | */* | .*) echo "core_speed.sh: give a TAG (results/TAG/), a name without /" >&2; exit 2 ;; esac
case "$SECONDS_RUN" in '' | *[!0-9]* | 0) echo "core_speed.sh: SECONDS must be a positive whole number, not '$SECONDS_RUN'" >&2; exit 2 ;; esac
OUT="$HERE/results/$TAG"
mkdir -p "$OUT"
python3 "$HERE/bench/core_speed.py" run "$SECONDS_RUN" "$OUT/core-speed"
python3 "$HERE/bench/core_speed.py" summary "$OUT/core-speed" | tee "$OUT/core-speed.txt"
