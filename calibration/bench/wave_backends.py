"""A wave's new backends, from the scheduler's trace (wave_backends.sh): for each child the
postmaster forked in the wave's first 100 ms (with --after and --window, in another window
after its first fork: storm_backends.sh), the time from its fork (sched_wakeup_new) to
its first sleep (a switch out in state S or D: it has answered the SSL request and waits for
the startup packet, or waits for the request itself), split into the time it ran and the
time it waited, runnable, for a core; and from its next wake-up to its running again. One
line per wave: medians and 90th percentiles.

  wave_backends.py --postmaster PID --label TEXT [--after S --window S] < trace
"""
import re
import statistics
import sys

from schedtrace import SWITCH, WAKE, events, window_args

NEW = re.compile(r"comm=(.*?) pid=(\d+) prio=\d+ target_cpu=(\d+)")


def main():
    a = window_args(window=0.100)
    evs = events(sys.stdin)
    children = {}  # pid -> {fork, state, since, run, wait, slept}
    first = None
    for t, _, ctx, kind, rest in evs:
        if kind == "sched_wakeup_new" and ctx == a.postmaster:
            m = NEW.search(rest)
            if m:
                first = t if first is None else first
                if a.after <= t - first <= a.after + a.window:
                    children[int(m.group(2))] = {"fork": t, "state": "R", "since": t, "run": 0.0, "wait": 0.0, "slept": None,
                                                 "woken": None, "ranAgain": None}
        elif kind == "sched_wakeup":
            m = WAKE.search(rest)
            c = children.get(int(m.group(2))) if m else None
            if c is not None and c["slept"] is not None and c["woken"] is None:
                c["woken"] = t
        elif kind == "sched_switch":
            m = SWITCH.search(rest)
            if not m:
                continue
            prev, prev_state, nxt = int(m.group(2)), m.group(3), int(m.group(5))
            c = children.get(prev)
            if c is not None and c["slept"] is None and c["state"] == "run":
                c["run"] += t - c["since"]
                if prev_state.startswith("R"):
                    c["state"], c["since"] = "R", t
                else:
                    c["slept"] = t
            c = children.get(nxt)
            if c is not None and c["woken"] is not None and c["ranAgain"] is None:
                c["ranAgain"] = t
            if c is not None and c["slept"] is None and c["state"] == "R":
                c["wait"] += t - c["since"]
                c["state"], c["since"] = "run", t
    done = [c for c in children.values() if c["slept"] is not None]
    if not done:
        print(f"{a.label}: no child of the postmaster slept in the trace")
        return

    def q(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(p * len(values)))]

    ms = lambda x: f"{1e3 * x:.2f}"
    to_sleep = [c["slept"] - c["fork"] for c in done]
    runs = [c["run"] for c in done]
    waits = [c["wait"] for c in done]
    again = [c["ranAgain"] - c["woken"] for c in done if c["ranAgain"] is not None]
    span = "the first 100 ms" if (a.after, a.window) == (0.0, 0.100) else f"{1e3 * a.after:.0f}-{1e3 * (a.after + a.window):.0f} ms after the first fork"
    print(f"{a.label}: {len(done)} of {len(children)} backends forked in {span} slept; fork to first sleep median "
          f"{ms(statistics.median(to_sleep))} ms (p90 {ms(q(to_sleep, 0.9))}): ran {ms(statistics.median(runs))} "
          f"(p90 {ms(q(runs, 0.9))}), waited for a core {ms(statistics.median(waits))} (p90 {ms(q(waits, 0.9))}); "
          + (f"woken next, to running again median {ms(statistics.median(again))} ms (p90 {ms(q(again, 0.9))}, n {len(again)})"
             if again else "never woken again in the trace"))


if __name__ == "__main__":
    main()
