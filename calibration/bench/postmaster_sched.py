"""The postmaster on the cores during a storm, from the scheduler's trace (storm_backends.sh):
in a window after its first fork, the time it ran, the time it waited runnable for a core,
and how long each of its wake-ups (sched_wakeup) took to run, with what ran on the core
meanwhile. One line per window.

  postmaster_sched.py --postmaster PID --label TEXT [--after S --window S] < trace
"""
import collections
import statistics

from schedtrace import SWITCH, WAKE, fork_window


def main():
    a, evs, lo, hi = fork_window()
    state, since = "S", None  # S asleep, R runnable, run
    ran = waited = 0.0
    woken_at = None
    latencies = []
    others = collections.Counter()  # who ran while the postmaster waited, by comm
    running_other = None
    for t, _, _, kind, rest in evs:
        inside = lo <= t <= hi
        if kind == "sched_wakeup":
            m = WAKE.search(rest)
            if m and int(m.group(2)) == a.postmaster and state == "S":
                state, since, woken_at = "R", t, t
        elif kind == "sched_switch":
            m = SWITCH.search(rest)
            if not m:
                continue
            prev, prev_state, nxt_comm, nxt = int(m.group(2)), m.group(3), m.group(4), int(m.group(5))
            if running_other is not None and state == "R" and inside:
                others[running_other[0]] += t - running_other[1]
            running_other = (nxt_comm, t) if nxt != a.postmaster else None
            if prev == a.postmaster and state == "run":
                if inside:
                    ran += t - max(since, lo)
                state, since = ("R", t) if prev_state.startswith("R") else ("S", None)
            if nxt == a.postmaster and state == "R":
                if inside:
                    waited += t - max(since, lo)
                    if woken_at is not None:
                        latencies.append(t - woken_at)
                state, since, woken_at = "run", t, None
    ms = lambda x: f"{1e3 * x:.2f}"
    span = hi - lo
    top = ", ".join(f"{comm} {ms(x)}" for comm, x in others.most_common(4))
    lat = sorted(latencies)
    p90 = lat[min(len(lat) - 1, int(0.9 * len(lat)))] if lat else 0.0
    print(
        f"{a.label}: {1e3 * a.after:.0f}-{1e3 * (a.after + a.window):.0f} ms after the first fork: the postmaster ran {ms(ran)} ms "
        f"({ran / span:.2f} of a core), waited runnable {ms(waited)} ms; {len(lat)} wake-ups, to running median "
        f"{ms(statistics.median(lat)) if lat else '-'} ms (p90 {ms(p90)}); ran while it waited (ms): {top}"
    )


if __name__ == "__main__":
    main()
