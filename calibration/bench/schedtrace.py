"""A tracefs trace of the scheduler's events (calibration/lib.sh's sched_trace_*), as the
readers in this directory take it on stdin: wakeups.py, wave_cpu.py, wave_wakes.py."""
import re

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
