"""A tracefs trace of the scheduler's events (calibration/lib.sh's sched_trace_*), as the
readers in this directory take it on stdin: wakeups.py, the readers of a wave from the
worker's first wake-up (wave_cpu.py, wave_wakes.py, wave_cores.py), and the readers of a
window after the postmaster's first fork (wave_backends.py, postmaster_sched.py,
storm_sched.py)."""
import argparse
import re
import sys

LINE = re.compile(r"-(\d+)\s+\[(\d+)\].*? (\d+\.\d+): (sched_\w+): (.*)")
SWITCH = re.compile(r"prev_comm=(.*?) prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.*?) next_pid=(\d+)")
WAKE = re.compile(r"comm=(.*?) pid=(\d+) prio=\d+ target_cpu=(\d+)")
WAKING = re.compile(r"comm=(.*?) pid=(\d+) prio=\d+")


def events(stream):
    """The trace's events in time order: (seconds, cpu, the pid whose context logged it, event, the rest)."""
    out = []
    for line in stream:
        m = LINE.search(line)
        if m:
            out.append((float(m.group(3)), int(m.group(2)), int(m.group(1)), m.group(4), m.group(5)))
    out.sort(key=lambda e: e[0])
    return out


def first_wakeup(evs, pid):
    """When `pid` was first woken (sched_wakeup), or None."""
    for t, _, _, kind, rest in evs:
        if kind == "sched_wakeup":
            m = WAKE.search(rest)
            if m and int(m.group(2)) == pid:
                return t
    return None


def wave_start(add_arguments=lambda ap: None):
    """A wave reader's start: its arguments (--worker PID --postmaster PID --label TEXT, and
    what `add_arguments` adds), the trace on stdin, and the worker's first wake-up in it. A
    trace where the worker never woke prints so and exits."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", type=int, required=True)
    ap.add_argument("--postmaster", type=int, required=True)
    add_arguments(ap)
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    evs = events(sys.stdin)
    t0 = first_wakeup(evs, a.worker)
    if t0 is None:
        print(f"{a.label}: the worker never woke")
        sys.exit(0)
    return a, evs, t0


def window_args(window=0.150):
    """The command line of a reader of a window after the postmaster's first fork:
    --postmaster PID --label TEXT [--after S --window S]."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--postmaster", type=int, required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--after", type=float, default=0.0, help="the window starts this long after the first fork (s)")
    ap.add_argument("--window", type=float, default=window, help="its length (s)")
    return ap.parse_args()


def first_fork(evs, postmaster):
    """When `postmaster` first forked (sched_wakeup_new in its context), or None."""
    return next((t for t, _, ctx, kind, _ in evs if kind == "sched_wakeup_new" and ctx == postmaster), None)


def fork_window(window=0.150):
    """A window reader's start: its arguments (window_args), the trace on stdin, and the
    window [lo, hi) after the postmaster's first fork. A trace with no fork prints so and exits."""
    a = window_args(window)
    evs = events(sys.stdin)
    first = first_fork(evs, a.postmaster)
    if first is None:
        print(f"{a.label}: the postmaster forked nothing in the trace")
        sys.exit(0)
    return a, evs, first + a.after, first + a.after + a.window
