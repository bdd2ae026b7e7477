"""CPU time of processes on Linux, for the kit's measurements (Debian's python3, no
third-party modules).

Two sources, because /proc/<pid>/stat counts in clock ticks (10 ms here):
- cpu(pid): on-CPU time of every thread of the process, in seconds, from
  /proc/<pid>/task/*/schedstat (the scheduler's sum_exec_runtime, nanoseconds). This is
  utime+stime without the tick rounding (the kernel scales utime and stime so that they
  add up to it). Without CONFIG_IRQ_TIME_ACCOUNTING, as here, it includes interrupt and
  softirq work done while the process ran (loopback TCP delivery, for instance), exactly
  as utime+stime does.
- stat(pid): utime, stime, cutime, cstime from /proc/<pid>/stat, in seconds (ticks /
  CLK_TCK). cutime+cstime is the CPU of the children the process has reaped: for the
  postmaster, of the backends that have exited. No finer source exists for it; it is
  exact to one tick over a batch.
"""
import os
import resource
import signal
import subprocess
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def schedstat_ns(pid):
    """(on a core, runnable waiting for one) in nanoseconds, summed over the process's threads
    (/proc/PID/task/*/schedstat: sum_exec_runtime, run_delay); None if it is gone."""
    run = wait = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return None
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                a, b, _ = f.read().split()
            run += int(a)
            wait += int(b)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return run, wait


def cpu(pid):
    s = schedstat_ns(pid)
    return None if s is None else s[0] / 1e9


def run_delay(pid):
    """Seconds the process's threads spent runnable, waiting for a core."""
    s = schedstat_ns(pid)
    return None if s is None else s[1] / 1e9


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    # The command name is in parentheses and may hold spaces.
    fields = s[s.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime is field 14 -> fields[11].
    ut, st, cut, cst = (int(x) / TICK for x in fields[11:15])
    return {"utime": ut, "stime": st, "cutime": cut, "cstime": cst}


def processes():
    """Every process now: {pid: (comm, parent pid, CPU seconds)}, from /proc/PID/stat: its own
    utime + stime and its reaped children's (cutime + cstime), so that a short-lived process
    shows in its parent once it has exited."""
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                s = f.read()
        except OSError:
            continue
        comm = s[s.index("(") + 1:s.rindex(")")]
        fields = s[s.rindex(")") + 2:].split()
        out[int(p)] = (comm, int(fields[1]), sum(int(x) for x in fields[11:15]) / TICK)
    return out


def foreign_cpu(before, after, ours):
    """CPU seconds between two processes() snapshots of the processes that are not `ours` (a
    set of pids) nor children of them, by command name: other work on the machine."""
    out = {}
    for pid, (comm, ppid, cpu) in after.items():
        if pid in ours or ppid in ours:
            continue
        # A kernel worker's name changes with its work queue: the pid says it is the same one.
        d = cpu - (before[pid][2] if pid in before else 0.0)
        if d > 0:
            out[comm] = out.get(comm, 0.0) + d
    return out


def children(pid):
    out = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                out += [int(x) for x in f.read().split()]
    except FileNotFoundError:
        pass
    return sorted(out)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine_jiffies():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    total = sum(v)
    return total - v[3] - v[4], total


def others():
    """Jiffies of /proc/stat's nice and steal columns, and the time. The kit runs at nice 0;
    the other work on this machine runs at nice 19, so nice time during a measurement is
    theirs, and steal is the hypervisor's. others_delta(a, b) gives both in cores."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return v[1], v[7], time.monotonic()


def others_delta(a, b):
    wall = max(b[2] - a[2], 1e-9)
    return {"nice_cores": (b[0] - a[0]) / TICK / wall, "steal_cores": (b[1] - a[1]) / TICK / wall}


def machine_busy_cores(before, after):
    busy = (after[0] - before[0]) / TICK
    return busy


def run_hey(args, stdout, stderr=subprocess.DEVNULL, hang_after=None, on_hang=None, program="hey"):
    """Runs hey (args without the program name); returns (wall s, cpu s, user s, sys s,
    exit status, start time.time(), whether it hung). CPU is hey's own, from wait4's rusage
    of the child: every thread, exact (not tick-rounded). hey -t 0 waits for an answer for
    good, so a server that never answers one connection hangs the run: past hang_after
    seconds on_hang(pid) records what it can and hey is killed (SIGKILL)."""
    t_wall = time.time()
    t0 = time.monotonic()
    p = subprocess.Popen([program, *args], stdout=stdout, stderr=stderr)
    ended = threading.Event()
    hung = threading.Event()
    reaping = threading.Lock()

    def stop():
        # Under the lock hey is running or a zombie not yet reaped: its pid is still its own.
        with reaping:
            if ended.is_set():
                return
            hung.set()
            if on_hang is not None:
                on_hang(p.pid)
            os.kill(p.pid, signal.SIGKILL)

    timer = threading.Timer(hang_after, stop) if hang_after else None
    if timer is not None:
        timer.start()
    # Waited for without reaping, so that the timer can never signal a pid reused meanwhile.
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    t1 = time.monotonic()
    with reaping:
        ended.set()
    if timer is not None:
        timer.cancel()
        timer.join()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": t1 - t0,
        "cpu": ru.ru_utime + ru.ru_stime,
        "user": ru.ru_utime,
        "sys": ru.ru_stime,
        "status": p.returncode,
        "start": t_wall,
        "hung": hung.is_set(),
    }


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
