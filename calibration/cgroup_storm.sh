#!/usr/bin/env bash
# The actors storm (4 gevent x 100, keep-alive 2, hey -n 1000 -c 1000) with PostgreSQL's
# processes in a cpu cgroup of their own, as systemd or a container would run them,
# alternated run by run with the kit's usual set-up, where every backend is a session of
# its own (autogroup.sh). In a cgroup other than the root one, autogroup no longer applies
# to them: the postmaster and all its backends share one group's share of the cores
# (machine.taskGroups "service") instead of each having its own ("session"). A held-out
# check of the task-group model: the simulator's prediction for both set-ups is written
# in docs/validation.md's plan (validation.json) before these runs are compared.
#
#   calibration/cgroup_storm.sh   writes results/actors4x100-ka2-c1000-{pgcgroup,alt}.rN.{txt,cpu.txt,server.log}
#
# REPS (5) pairs. Needs a writable cpu controller (cgroup v1 /sys/fs/cgroup/cpu, or v2).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPS="${REPS:-5}"
if [ -d /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpu ]; then ROOT=/sys/fs/cgroup/cpu
elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then ROOT=/sys/fs/cgroup
else say "no writable cpu cgroup controller"; exit 1; fi
CG="$ROOT/gunicorn-sim-postgres"
kit_cleanup_hook() {
  if [ -d "$CG" ]; then
    for p in $(cat "$CG/cgroup.procs" 2>/dev/null); do echo "$p" >"$ROOT/cgroup.procs" 2>/dev/null || true; done
    rmdir "$CG" 2>/dev/null || true
  fi
}
kit_init
postgres_up
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
gunicorn_up storm wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
mkdir -p "$CG"
# Every PostgreSQL process now (the postmaster and its auxiliary processes); the backends
# it forks from now on start in the postmaster's cgroup.
pg_procs() { echo "$(postmaster_pid)"; pgrep -P "$(postmaster_pid)"; }
into() { local p; for p in $(pg_procs); do echo "$p" >"$1/cgroup.procs"; done; }
quiet_begin
for r in $(seq 1 "$REPS"); do
  for setup in pgcgroup alt; do
    if [ "$setup" = pgcgroup ]; then into "$CG"; else into "$ROOT"; fi
    name="actors4x100-ka2-c1000-$setup"
    out="$RESULTS/$name.r$r.txt"
    pgstart=$(wc -l <"$WORK/postgres.log")
    printf '$ hey %s\n' "-n 1000 -c 1000 -t 0 http://$HOST:$APP_PORT/" >"$out"
    "$PYTHON" "$HERE/bench/loadrun.py" --out "$out" --stderr "$WORK/hey.stderr" --cpu "$RESULTS/$name.r$r.cpu.txt" \
      --gunicorn-pid "$GUNICORN_PID" --gunicorn-log "$GUNICORN_LOG" --postmaster-pid "$(postmaster_pid)" \
      -- -n 1000 -c 1000 -t 0 "http://$HOST:$APP_PORT/" || true
    {
      echo "gunicorn: $GUNICORN_ARGS; PostgreSQL's processes in: $([ "$setup" = pgcgroup ] && echo "$CG" || echo "the root cpu cgroup (a session each)")"
      tail -n +"$((pgstart + 1))" "$WORK/postgres.log" | awk '/too many clients/ { n++ } END { printf "postgres too many clients: %d\n", n }'
    } >"$RESULTS/$name.r$r.server.log"
    say "$name r$r: $(grep -E 'Requests/sec' "$out" | tr -s ' \t' ' ') $(grep -E '^\s+\[500\]' "$out" | tr -s ' \t' ' ')"
    sleep 3
  done
done
quiet_end now
into "$ROOT"
