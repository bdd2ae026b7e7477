#!/usr/bin/env bash
# The machine's wake-up latency (machine.wakeupLatency): how long a process blocked in
# read() on an idle core waits, after another process on the other core writes to it,
# before it runs, beyond the transfer's own time (bench/wakeup_latency.c: a blocked reader
# against one that polls). Each idle gap (how long the reader's core slept) alternated
# with the polling reader, ROUNDS (3) rounds of N (2000) samples. Needs two cores and a C
# compiler; no PostgreSQL, no gunicorn.
#
#   calibration/wakeup_latency.sh    writes results/wakeup-latency.txt (its last line: the
#                                    scenario's machine.wakeupLatency, read by
#                                    bench/make_scenario.py)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-3}"
N="${N:-2000}"
GAPS="${GAPS:-0 20 100 500 2000}"
[ "$(nproc)" -ge 2 ] || { say "needs two cores (it pins the writer to core 0, the reader to core 1)"; exit 1; }
WORK="$(mktemp -d /tmp/gunicorn-sim-wakeup.XXXXXX)"
trap 'rm -rf "$WORK"; if [ -n "$QUIET_HELD" ]; then rm -f "$QUIET_FILE"; fi' EXIT
cc -O2 -o "$WORK/wakeup_latency" "$HERE/bench/wakeup_latency.c"
quiet_begin
for r in $(seq 1 "$ROUNDS"); do
  for g in $GAPS; do
    "$WORK/wakeup_latency" block "$g" "$N" >"$WORK/block-g$g.r$r"
    "$WORK/wakeup_latency" spin "$g" "$N" >"$WORK/spin-g$g.r$r"
  done
done
quiet_end now
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(systemd-detect-virt 2>/dev/null || echo unknown)"
  echo "cpuidle: $(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo none) $(cat /sys/devices/system/cpu/cpuidle/current_governor_ro 2>/dev/null || cat /sys/devices/system/cpu/cpuidle/current_governor 2>/dev/null || true)"
  "$PYTHON" "$HERE/bench/wakeup_summary.py" "$WORK" "$ROUNDS" $GAPS
} >"$RESULTS/wakeup-latency.txt"
cat "$RESULTS/wakeup-latency.txt" >&2
