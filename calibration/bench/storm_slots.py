"""When the backends of a storm exit, from the scheduler's trace (storm_slots.sh): for each
backend (a postgres process other than the postmaster) that exited in the trace, its last
wake-up before the exit (for a served backend, its client's Terminate: it sleeps in recv
after the query), the time from that wake-up to its first turn on a core, the CPU it ran
and the time it waited for a core until sched_process_exit. A backend woken four times or
more is counted as served (SSL request, startup packet, authentication, query, Terminate);
fewer, as refused (it exits after reading the startup packet). Medians and 90th percentiles.
Then the backends alive at once (from the postmaster's fork, sched_wakeup_new, to the exit),
over the trace: their time-weighted mean and maximum, and a served backend's life. Last, each
other kind of process (by its name: the gunicorn workers, hey): how long it waited for a core
each time it was runnable (woken, or preempted), and how often it was preempted.

  storm_slots.py TRACE POSTMASTER_PID
"""
import re
import statistics
import sys

from schedtrace import SWITCH, WAKE, events

EXIT = re.compile(r"comm=(.*?) pid=(\d+) prio=\d+")


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main():
    pm = int(sys.argv[2])
    with open(sys.argv[1]) as f:
        evs = events(f)
    b = {}  # pid -> {wakes, last_wake, on_since, state, first_in, ran, waited, runnable_since}
    out = {"served": [], "refused": []}
    forked = {}  # pid -> fork time, for the life and the count alive
    alive, area, peak, lives = 0, 0.0, 0, []
    t_first = t_last = None
    ready = {}  # other processes: pid -> (comm, since when runnable)
    waits, preempted, switched = {}, {}, {}
    for t, _, ctx, kind, rest in evs:
        if t_first is None:
            t_first = t_last = t
        area += alive * (t - t_last)
        t_last = t
        if kind == "sched_wakeup_new" and ctx == pm:
            m = WAKE.search(rest)
            if m:
                forked[int(m.group(2))] = t
                alive += 1
                peak = max(peak, alive)
        elif kind == "sched_wakeup":
            m = WAKE.search(rest)
            if m and m.group(1) not in ("postgres", "swapper/0", "swapper/1") and not m.group(1).startswith(("kworker", "ksoftirq")):
                ready.setdefault(int(m.group(2)), (m.group(1), t))
            if m and m.group(1) == "postgres" and int(m.group(2)) != pm:
                c = b.setdefault(int(m.group(2)), {"wakes": 0})
                c.update(wakes=c["wakes"] + 1, last_wake=t, first_in=None, ran=0.0, waited=0.0, runnable_since=t, on_since=None)
        elif kind == "sched_switch":
            m = SWITCH.search(rest)
            if not m:
                continue
            prev, prev_state, nxt = int(m.group(2)), m.group(3), int(m.group(5))
            if m.group(1) != "postgres" and not m.group(1).startswith(("swapper", "kworker", "ksoftirq")):
                switched[m.group(1)] = switched.get(m.group(1), 0) + 1
                if prev_state.startswith("R"):
                    preempted[m.group(1)] = preempted.get(m.group(1), 0) + 1
                    ready[prev] = (m.group(1), t)
            r = ready.pop(nxt, None)
            if r is not None:
                waits.setdefault(r[0], []).append(t - r[1])
            c = b.get(prev)
            if c is not None and c.get("on_since") is not None:
                c["ran"] += t - c["on_since"]
                c["on_since"] = None
                c["runnable_since"] = t if prev_state.startswith("R") else None
            c = b.get(nxt)
            if c is not None and "last_wake" in c:
                if c.get("runnable_since") is not None:
                    c["waited"] += t - c["runnable_since"]
                    c["runnable_since"] = None
                if c["first_in"] is None:
                    c["first_in"] = t
                c["on_since"] = t
        elif kind == "sched_process_exit":
            m = EXIT.search(rest)
            born = forked.pop(int(m.group(2)), None) if m else None
            if born is not None:
                alive -= 1
            c = b.pop(int(m.group(2)), None) if m else None
            if c is None or c.get("first_in") is None:
                continue
            if c.get("on_since") is not None:
                c["ran"] += t - c["on_since"]
            kind_ = "served" if c["wakes"] >= 4 else "refused"
            if kind_ == "served" and born is not None:
                lives.append(t - born)
            out[kind_].append((c["first_in"] - c["last_wake"], c["waited"], c["ran"], t - c["last_wake"]))
    for kind_, rows in out.items():
        if not rows:
            print(f"  {kind_}: none exited in the trace")
            continue
        cols = list(zip(*rows))
        names = ["wake-up to first turn", "waited for a core in all", "ran", "wake-up to exit"]
        parts = [f"{n} {1000 * statistics.median(c):.2f} ms (p90 {1000 * q(c, 0.9):.2f})" for n, c in zip(names, cols)]
        print(f"  {kind_} ({len(rows)} backends): " + "; ".join(parts))
    if t_last is not None and t_last > t_first:
        life = f"; a served backend's life, fork to exit, {1000 * statistics.median(lives):.1f} ms (p90 {1000 * q(lives, 0.9):.1f}, {len(lives)} forked and exited in the trace)" if lives else ""
        print(f"  forked in the trace and alive at once: mean {area / (t_last - t_first):.1f}, peak {peak}{life}")
    for comm, w in sorted(waits.items(), key=lambda kv: -len(kv[1])):
        if len(w) < 50:
            continue
        print(f"  {comm}: waited for a core {1000 * statistics.median(w):.2f} ms a time (mean {1000 * statistics.fmean(w):.2f}, p90 {1000 * q(w, 0.9):.2f}, n {len(w)}); preempted {preempted.get(comm, 0)} of {switched.get(comm, 0)} times it left the core")


if __name__ == "__main__":
    main()
