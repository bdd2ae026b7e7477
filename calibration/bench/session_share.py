"""How this host's scheduler splits its cores between sessions (autogroup.sh).

Starts CPU-bound processes, some sharing one session (setsid once, like a shell's jobs: a
gunicorn arbiter and its workers, hey started from the same script) and some each in a
session of its own (setsid, as every PostgreSQL backend and the postmaster do), lets them
run, and reads each one's on-CPU time (/proc/PID/schedstat) over a window. With
kernel.sched_autogroup_enabled=1 and the processes in the root cpu cgroup, Linux shares
the cores between sessions first, then between a session's processes (sched(7),
"The autogroup feature"); without it, between processes.

  session_share.py SHARED SINGLES SECONDS   prints one line: the cores each process got
"""
import os
import signal
import sys
import time


def spin():
    while True:
        pass


def start(group_leader):
    """A spinner; group_leader: a new session of its own (else the caller's)."""
    pid = os.fork()
    if pid == 0:
        if group_leader:
            os.setsid()
        spin()
    return pid


def on_cpu_ns(pid):
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def main():
    shared, singles, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    # The shared ones in one new session, led by a child that forks them (so that this
    # script's own session, with whatever else runs in it, is not theirs).
    r, w = os.pipe()
    leader = os.fork()
    if leader == 0:
        os.setsid()
        pids = [start(False) for _ in range(shared)]
        os.write(w, (",".join(map(str, pids)) + "\n").encode())
        signal.pause()
        os._exit(0)
    shared_pids = [int(x) for x in os.read(r, 4096).decode().split(",") if x.strip()]
    single_pids = [start(True) for _ in range(singles)]
    pids = shared_pids + single_pids
    time.sleep(0.5)
    before = [on_cpu_ns(p) for p in pids]
    t0 = time.monotonic()
    time.sleep(seconds)
    after = [on_cpu_ns(p) for p in pids]
    dt = time.monotonic() - t0
    groups = [open(f"/proc/{p}/autogroup").read().split()[0] for p in pids]
    for p in pids + [leader]:
        os.kill(p, signal.SIGKILL)
    for p in single_pids + [leader]:  # the shared ones are the leader's children
        os.waitpid(p, 0)
    cores = [(a - b) / 1e9 / dt for a, b in zip(after, before)]
    s = cores[:shared]
    print(
        f"shared {shared} x {sum(s) / max(1, shared):.3f} = {sum(s):.3f} cores in {len(set(groups[:shared]))} group(s);"
        f" singles {' '.join(f'{c:.3f}' for c in cores[shared:])} in {len(set(groups[shared:]))} group(s)"
    )


main()
