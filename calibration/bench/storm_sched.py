"""Who had the core in a window of a storm, from the scheduler's trace (storm_backends.sh):
for each kind of process (the gunicorn workers, hey's threads, the postmaster, the
backends), the time its tasks ran, the time they waited runnable for a core, and how many
distinct tasks ran. A kind that waited little was often not runnable at all; one whose
tasks waited long was short of the core. One line per window.

  storm_sched.py --postmaster PID --label TEXT [--after S --window S] < trace
"""
import collections

from schedtrace import SWITCH, WAKE, fork_window


def main():
    a, evs, lo, hi = fork_window()
    comm = {}  # pid -> comm

    def kind(pid):
        if pid == a.postmaster:
            return "postmaster"
        c = comm.get(pid, "")
        if c.startswith("gunicorn"):
            return "workers"
        if c == "hey":
            return "hey"
        if c.startswith("postgres"):
            return "backends"
        return None

    state = {}  # pid -> (state, since): "R" runnable, "run"
    ran = collections.Counter()
    waited = collections.Counter()
    tasks = collections.defaultdict(set)

    def clip(t0, t1):
        return max(0.0, min(t1, hi) - max(t0, lo))

    for t, _, _, ev, rest in evs:
        if ev in ("sched_wakeup", "sched_wakeup_new"):
            m = WAKE.search(rest)
            if m:
                pid = int(m.group(2))
                comm[pid] = m.group(1)
                if state.get(pid, ("S", None))[0] == "S":
                    state[pid] = ("R", t)
        elif ev == "sched_switch":
            m = SWITCH.search(rest)
            if not m:
                continue
            prev_comm, prev, prev_state, nxt_comm, nxt = m.group(1), int(m.group(2)), m.group(3), m.group(4), int(m.group(5))
            comm[prev], comm[nxt] = prev_comm, nxt_comm
            st, since = state.get(prev, ("run", t))
            k = kind(prev)
            if st == "run" and k is not None and since is not None:
                ran[k] += clip(since, t)
                if lo <= t and since <= hi:
                    tasks[k].add(prev)
            state[prev] = ("R", t) if prev_state.startswith("R") else ("S", None)
            st, since = state.get(nxt, ("R", t))
            k = kind(nxt)
            if st == "R" and k is not None and since is not None:
                waited[k] += clip(since, t)
            state[nxt] = ("run", t)
    span = hi - lo
    parts = []
    for k in ("workers", "hey", "postmaster", "backends"):
        parts.append(f"{k} ran {ran[k] / span:.2f} of the core, waited {1e3 * waited[k]:.0f} ms ({len(tasks[k])} tasks ran)")
    print(f"{a.label}: {1e3 * a.after:.0f}-{1e3 * (a.after + a.window):.0f} ms after the first fork: " + "; ".join(parts))


if __name__ == "__main__":
    main()
