#!/usr/bin/env bash
# Every input of a scenario of this machine, measured here, then the scenario: costs.sh,
# then each of the kit's micro-benchmarks that bench/make_scenario.py reads (the
# postmaster's back-to-back forks, a new backend's share before setsid() and before its
# challenge, a connect's turns in the worker and back to back, libpq's start, a greenlet's
# resume, how the kernel groups and places the processes, OpenSSL's lock between threads,
# the wake-up latency), all into results/TAG/, and bench/make_scenario.py on them alone:
# measured-linux-Ncore-TAG.json (N: this machine's cores). Nothing comes from another machine's results (a scenario
# made from results/ takes whatever was last measured there, perhaps elsewhere).
#
#   calibration/measure.sh TAG        needs root (perf, tracefs) and a C compiler
#
# BUSY_CORES=auto (the default) first checks whether an operation that follows an idle moment
# of its core costs more here than on a busy core (bench/duty_speed.py check, into
# results/TAG/duty-check.txt). Where it does, the micro-benchmarks that time operations run
# with a SCHED_IDLE spinner on every core (lib.sh's spinners_start), so that they cost what
# they cost under load; those that observe idle cores (autogroup, wakeups, wakeup_latency)
# run first, without. BUSY_CORES=yes or no decides without the check.
#
# Takes some 15-25 minutes on two cores; each step holds /tmp/QUIET while it measures
# (lib.sh). The by-hand benchmarks (bench/connect_start.py, bench/switch_cost.py) run as
# results/connect-start.txt and switch-cost.txt record them: 3 and 5 rounds (the latter
# on idle cores).
#
# AUTH=md5 or trust (run.sh's AUTH): warm_turns.sh also measures the worker's connect with that
# method, and make_scenario.py --auth makes measured-linux-Ncore-TAG-AUTH.json beside the
# scram-sha-256 scenario (costs.sh measures every method's connect; the other steps measure
# PostgreSQL as the kit's initdb sets it up).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TAG="${1:?usage: calibration/measure.sh TAG}"
case "$TAG" in *[!A-Za-z0-9._-]*) echo "measure.sh: TAG must be letters, digits, '.', '_' or '-'" >&2; exit 2 ;; esac
AUTH_SCENARIO="${AUTH:-scram-sha-256}"
case "$AUTH_SCENARIO" in scram-sha-256 | md5 | trust) ;; *) echo "measure.sh: AUTH is scram-sha-256, md5 or trust (pg_hba.conf's method), not '$AUTH_SCENARIO'" >&2; exit 2 ;; esac
# Each step measures scram-sha-256 unless told otherwise below.
unset AUTH
case "${BUSY_CORES:=auto}" in auto | yes | no) ;; *) echo "measure.sh: BUSY_CORES must be auto, yes or no, not '$BUSY_CORES'" >&2; exit 2 ;; esac
export RESULTS="$HERE/results/$TAG"
mkdir -p "$RESULTS"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
ONLY=.
trap kit_cleanup EXIT
measure_preflight

if [ "$BUSY_CORES" = auto ]; then
  quiet_begin
  "$PYTHON" "$HERE/bench/duty_speed.py" check 3 >"$RESULTS/duty-check.txt"
  quiet_end now
  say "$(tail -n 1 "$RESULTS/duty-check.txt")"
  if tail -n 1 "$RESULTS/duty-check.txt" | grep -q -- '-> busy cores$'; then BUSY_CORES=yes; else BUSY_CORES=no; fi
elif [ "$BUSY_CORES" = yes ]; then
  echo "BUSY_CORES=yes, not checked -> busy cores" >"$RESULTS/duty-check.txt"
else
  rm -f "$RESULTS/duty-check.txt"
fi

# STEPS: the micro-benchmarks to run (all by default); the others' results are taken as
# results/TAG/ already has them.
STEPS="${STEPS:-fork_burst setsid_share auth_share connect_in_worker warm_turns autogroup wakeups connect_threads wakeup_latency}"
# The method asked for: its warm_turns.sh right after scram-sha-256's.
if [ "$AUTH_SCENARIO" != scram-sha-256 ]; then STEPS="${STEPS/warm_turns/warm_turns warm_turns_auth}"; fi
IDLE_STEPS=""
run_step() { if [ "$1" = warm_turns_auth ]; then AUTH="$AUTH_SCENARIO" "$HERE/warm_turns.sh"; else "$HERE/$1.sh"; fi; }
BUSY_STEPS=""
for step in $STEPS; do
  case "$step" in
    autogroup | wakeups | wakeup_latency) IDLE_STEPS="$IDLE_STEPS $step" ;;
    *) BUSY_STEPS="$BUSY_STEPS $step" ;;
  esac
done
if [ "$BUSY_CORES" = yes ]; then
  for step in $IDLE_STEPS; do run_step "$step"; done
  spinners_start
  "$HERE/costs.sh" "$TAG"
  for step in $BUSY_STEPS; do run_step "$step"; done
else
  "$HERE/costs.sh" "$TAG"
  for step in $STEPS; do run_step "$step"; done
fi

kit_init
postgres_up
quiet_begin
cd "$HERE/bench"
{
  echo "\$ calibration/bench/connect_start.py 300, 3 times with scram-sha-256 then 3 times with trust (a private PostgreSQL 15, 127.0.0.1), $(date -u '+%Y-%m-%d ~%H:%M') UTC"
  for _ in 1 2 3; do "$PYTHON" connect_start.py 300; done
  pg_host_auth trust
  for _ in 1 2 3; do "$PYTHON" connect_start.py 300; done
  pg_host_auth scram-sha-256
} >"$RESULTS/connect-start.txt"
"$PYTHON" - "$RESULTS/connect-start.txt" <<'PY'
import re, statistics, sys
path = sys.argv[1]
starts = [float(x) for x in re.findall(r"^start ([\d.]+) ms", open(path).read(), re.M)]
m = statistics.median(starts)
open(path, "a").write(f"median of the six starts: {m:.3f} ms -> dbConnect.startCpu {m:.3f} ms\n")
PY
spinners_stop
# The switch is a difference of two round trips of some 30 us; beside the spinners it drowns in
# their noise (it came out below none), so it is timed on idle cores, as on every machine where
# it read 9-16 us.
{
  echo "\$ calibration/bench/switch_cost.py plain|gevent 5000, alternately, 5 times, on idle cores (a private PostgreSQL 15, scram-sha-256, 127.0.0.1), $(date -u '+%Y-%m-%d ~%H:%M') UTC"
  for _ in 1 2 3 4 5; do
    "$PYTHON" switch_cost.py plain 5000
    "$PYTHON" switch_cost.py gevent 5000
  done
} >"$RESULTS/switch-cost.txt"
"$PYTHON" - "$RESULTS/switch-cost.txt" <<'PY'
import re, statistics, sys
path = sys.argv[1]
text = open(path).read()
plain = [float(x) for x in re.findall(r"^plain: ([\d.]+) us", text, re.M)]
green = [float(x) for x in re.findall(r"^gevent: ([\d.]+) us", text, re.M)]
d = sorted(g - p for g, p in zip(green, plain))
m = statistics.median(d)
open(path, "a").write("differences (gevent - plain): " + ", ".join(f"{x:.1f}" for x in d)
                      + f" us; median {m:.1f} us -> server.switchCpu {m / 1000:.3f} ms\n")
PY
quiet_end now
OUT="measured-linux-$(nproc)core-$TAG.json"
"$PYTHON" "$HERE/bench/make_scenario.py" "$RESULTS/costs.$TAG.json" "$HERE/$OUT"
say "the scenario of this machine: calibration/$OUT (its inputs in results/$TAG/)"
if [ "$AUTH_SCENARIO" != scram-sha-256 ]; then
  OUT="measured-linux-$(nproc)core-$TAG-$AUTH_SCENARIO.json"
  "$PYTHON" "$HERE/bench/make_scenario.py" --auth "$AUTH_SCENARIO" "$RESULTS/costs.$TAG.json" "$HERE/$OUT"
  say "the same with $AUTH_SCENARIO: calibration/$OUT"
fi
