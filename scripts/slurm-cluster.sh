#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests of `sim sweep --emit slurm`
# (test/cluster/slurm.test.ts): Debian's slurm-wlm and munge, run as root, with every
# file (configuration, state, logs, pid files, munge's socket) in one directory, so that
# nothing under /etc is changed and a system Slurm, if any, is left alone.
#
#   scripts/slurm-cluster.sh up      installs slurm-wlm and munge with apt-get when missing,
#                                    starts munged, slurmctld and slurmd, waits for the node
#                                    to be idle; prints SLURM_CONF=<file> last (export it for
#                                    sbatch, squeue, sinfo). Does nothing more when it is up.
#   scripts/slurm-cluster.sh down    stops the three daemons (by their pid files) and removes
#                                    the directory. Does nothing when it is down.
#   scripts/slurm-cluster.sh status  exit 0 when the node answers, else 1.
#
# SIM_SLURM_DIR (default /tmp/gunicorn-sim-slurm) is the directory; SIM_SLURM_PORT (16817)
# the controller's port, the node's is the next one (not Slurm's 6817/6818, to stay clear of
# a real cluster). Needs root: the daemons run as root (SlurmUser=root).
set -euo pipefail

DIR=${SIM_SLURM_DIR:-/tmp/gunicorn-sim-slurm}
PORT=${SIM_SLURM_PORT:-16817}
CONF=$DIR/slurm.conf
SOCKET=$DIR/munge/munge.socket
export SLURM_CONF=$CONF

say() { echo "slurm-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

answers() {
  alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid" && timeout 10 sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'
}

install() {
  local missing=()
  command -v slurmctld >/dev/null || missing+=(slurm-wlm)
  command -v munged >/dev/null || missing+=(munge)
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || die "${missing[*]} missing; install as root: apt-get install -y slurm-wlm munge"
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null
}

up() {
  [ "$(id -u)" -eq 0 ] || die "run as root: the daemons run as root (SlurmUser=root)"
  if answers; then
    say "already up ($DIR)"
    echo "SLURM_CONF=$CONF"
    return
  fi
  # Half up (a daemon died, or a run was interrupted): start again from nothing.
  down quiet
  install
  mkdir -p "$DIR"/munge "$DIR"/ctld "$DIR"/spool
  chmod 700 "$DIR"/munge
  # munge: a key of this cluster's own, a socket of its own.
  dd if=/dev/urandom of="$DIR"/munge/munge.key bs=1024 count=1 status=none
  chmod 400 "$DIR"/munge/munge.key
  /usr/sbin/munged --force --key-file="$DIR"/munge/munge.key --socket="$SOCKET" \
    --pid-file="$DIR"/munged.pid --log-file="$DIR"/munged.log --seed-file="$DIR"/munge/munged.seed
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  # What slurmd finds on this machine, less 5 % for the system.
  mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
  mem=$(( ${mem:-1024} * 95 / 100 ))
  cat >"$CONF" <<EOF
# Written by scripts/slurm-cluster.sh: a one-node cluster for the tests.
ClusterName=gunicornsim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
MinJobAge=60
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  # -i: ignore state saved by an earlier cluster in this directory (there is none after down).
  /usr/sbin/slurmctld -f "$CONF" -i
  /usr/sbin/slurmd -f "$CONF"
  for _ in $(seq 1 60); do
    if answers; then
      say "up: one node, $cpus CPUs, ${mem} MB ($DIR)"
      echo "SLURM_CONF=$CONF"
      return
    fi
    sleep 1
  done
  say "the node did not become idle within 60 s; the logs:"
  tail -n 20 "$DIR"/slurmctld.log "$DIR"/slurmd.log "$DIR"/munged.log >&2 || true
  down quiet
  exit 1
}

stop() {
  local pidfile=$DIR/$1.pid
  alive "$pidfile" || return 0
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null || true
}

down() {
  # Jobs first (slurmd's steps are its children, ended with it), then the daemons.
  stop slurmd
  stop slurmctld
  stop munged
  if [ -d "$DIR" ]; then
    rm -rf "$DIR"
    [ "${1:-}" = quiet ] || say "down"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) answers ;;
  *) die "usage: $0 up|down|status" ;;
esac
