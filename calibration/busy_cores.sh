#!/usr/bin/env bash
# Runs a command with every core kept from going idle by a spinner at SCHED_IDLE, which
# takes a core only when nothing else wants it (lib.sh's spinners_start). On the third AMD
# machine an operation that follows an idle moment of its core costs 1.5-1.8 times the CPU
# it does on a core that never idles, and such a spinner removes the difference
# (bench/duty_speed.py, results/duty-speed-amd1204.txt, docs/validation.md): so the costs
# measured one at a time under it are those of a core kept busy, as under load. A short
# round trip between processes costs more under it, though, the slowdown or not
# (spinner_cost.sh). The kit's quiet check leaves the spinners' time out of the machine's load.
#
#   calibration/busy_cores.sh COMMAND [ARGS...]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
trap kit_cleanup EXIT
spinners_start
"$@"
