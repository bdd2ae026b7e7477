#!/usr/bin/env python3
"""Summarizes calibration/gthread_trace.sh's traces of a gthread worker (app/gthread_traced.py).

    gthread_trace.py TRACE...

For each run, over the part where every client had a request out (from the 200th handle()
start to the 200th from the end), pauses between runs left out: the share of the time 0, 1, ... THREADS threads were in
handle(); the main loop's turns (how long between one select() returning and the next
call, the Python of a turn and its waits for the GIL; how many events a turn had); and the
thread pool's queue of jobs when a request was handed to it.
"""
import collections
import statistics
import sys


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    for path in paths:
        selects, enqueues, handles = [], [], []
        for line in open(path):
            kind, t0, t1, a, b = line.split()
            t0, t1 = float(t0), float(t1)
            if kind == "select":
                selects.append((t0, t1, int(a)))
            elif kind == "enqueue":
                enqueues.append((t0, int(a)))
            elif kind == "handle":
                handles.append((t0, t1, a))
        handles.sort()
        if len(handles) < 500:
            print(f"{path}: {len(handles)} requests, too few")
            continue
        lo, hi = handles[200][0], handles[-200][0]
        # Threads in handle() over [lo, hi]: a sweep over starts and ends.
        edges = sorted([(s, 1) for s, e, _ in handles] + [(e, -1) for s, e, _ in handles])
        busy = collections.Counter()
        n, last = 0, None
        for t, d in edges:
            # No thread in handle() for over 20 ms is a pause between runs (a run set aside
            # is run again in the same worker), not load.
            if last is not None and t > lo and last < hi and not (n == 0 and t - last > 0.02):
                busy[n] += min(t, hi) - max(last, lo)
            n += d
            last = t
        span = sum(busy.values())
        shares = ", ".join(f"{k}: {100 * busy[k] / span:.1f} %" for k in sorted(busy))
        turns = [(selects[i + 1][0] - selects[i][1], selects[i][2]) for i in range(len(selects) - 1) if lo <= selects[i][1] <= hi]
        blocked = [s1 - s0 for s0, s1, _ in selects if lo <= s1 <= hi]
        queue = [q for t, q in enqueues if lo <= t <= hi]
        durations = [e - s for s, e, _ in handles if lo <= s <= hi]
        print(f"{path}: {len(handles)} requests; measured over {1000 * span:.0f} ms under load")
        print(f"  threads in handle(), share of the time: {shares}")
        if turns:
            gaps = [g for g, _ in turns]
            events = [k for _, k in turns]
            print(f"  main loop: {len(turns)} turns; a turn's events median {statistics.median(events):.0f}, mean {statistics.mean(events):.1f}, max {max(events)}; "
                  f"select() to the next select() median {1e6 * statistics.median(gaps):.0f} us, p90 {1e6 * sorted(gaps)[int(0.9 * len(gaps))]:.0f} us; in select() median {1e6 * statistics.median(blocked):.0f} us, p90 {1e6 * sorted(blocked)[int(0.9 * len(blocked))]:.0f} us")
        if queue:
            print(f"  jobs already queued for a thread when one was handed on: median {statistics.median(queue):.0f}, mean {statistics.mean(queue):.1f}, zero {100 * sum(q == 0 for q in queue) / len(queue):.0f} % of the time")
        print(f"  handle() median {1e6 * statistics.median(durations):.0f} us, p90 {1e6 * sorted(durations)[int(0.9 * len(durations))]:.0f} us")


def in_use(paths):
    """From the pool's events beside each trace (NAME.rN.events.txt): the share of the time
    0, 1, ... connections were out of the pool (open, pool_size 5 + overflow, less those
    queued, as each event logs the pool's state), over the events' middle part, under load. Each event's
    own line: threads write them unsynchronized, so a line may hold two; those are skipped."""
    for path in paths:
        events = path.replace(".trace.txt", ".events.txt")
        try:
            lines = open(events).read().split("\n")
        except OSError:
            continue
        states = []
        for line in lines:
            parts = line.split()
            if len(parts) != 8 or parts[0] != "pool":
                continue
            f = dict(p.split("=") for p in parts[2:])
            states.append((float(f["t"]), 5 + int(f["overflow"]) - int(f["queued"])))
        if len(states) < 1000:
            continue
        states.sort()
        lo, hi = states[400][0], states[-400][0]
        share = collections.Counter()
        # Gaps of over 20 ms are the pauses between runs (a run set aside is run again in the
        # same worker), not load.
        for (t, n), (t2, _) in zip(states, states[1:]):
            if t2 > lo and t < hi and t2 - t < 0.02:
                share[n] += min(t2, hi) - max(t, lo)
        span = sum(share.values())
        print(f"{events}: connections out of the pool, share of the time: " + ", ".join(f"{k}: {100 * share[k] / span:.1f} %" for k in sorted(share)))


if __name__ == "__main__":
    main(sys.argv[1:])
    in_use(sys.argv[1:])
