"""A gthread worker's threads against its pool, from app/wsgi_pool.py's events with
CAL_POOL_EVENTS=2 (each checkout too, and each event's thread: tid=): per thread, how long
it held a connection (checkout to checkin) and how long it went without one between two
requests (checkin to its next checkout; without the ones whose checkout opened a
connection, which a connect lengthens), and the share of the time with k connections out.

  pool_spans.py EVENTS
"""
import collections
import re
import sys


def quantiles(xs):
    xs = sorted(xs)
    n = len(xs)
    return " ".join(f"p{p} {xs[min(n - 1, int(p / 100 * n))]:.2f}" for p in (10, 50, 90, 99)) + f", mean {sum(xs) / n:.2f} ({n})"


def main():
    events = []
    for line in open(sys.argv[1]):
        m = re.match(r"pool (\w+) t=([\d.]+) .* tid=(\d+)", line)
        if m:
            events.append((float(m[2]), m[1], int(m[3])))
    events.sort()
    last, opened = {}, set()
    held, free, free_no_connect = [], [], []
    for t, what, tid in events:
        if what == "connect":
            opened.add(tid)
        elif what == "checkout":
            if tid in last and last[tid][0] == "checkin":
                free.append((t - last[tid][1]) * 1e3)
                if tid not in opened:
                    free_no_connect.append(free[-1])
            opened.discard(tid)
            last[tid] = ("checkout", t)
        elif what == "checkin":
            if tid in last and last[tid][0] == "checkout":
                held.append((t - last[tid][1]) * 1e3)
            last[tid] = ("checkin", t)
    share, holding, prev = collections.Counter(), set(), events[0][0]
    for t, what, tid in events:
        share[len(holding)] += t - prev
        prev = t
        if what == "checkout":
            holding.add(tid)
        elif what == "checkin":
            holding.discard(tid)
    total = sum(share.values())
    print(f"{sys.argv[1]}: {len({e[2] for e in events})} threads; "
          f"{sum(e[1] == 'connect' for e in events)} connects, {sum(e[1] == 'close' for e in events)} closes")
    print(f"  a connection held, checkout to checkin (ms): {quantiles(held)}")
    print(f"  none held, checkin to the same thread's next checkout (ms): {quantiles(free)}")
    print(f"    the same, without the checkouts that opened a connection: {quantiles(free_no_connect)}")
    print("  connections out (checked out by a thread), share of the time: "
          + ", ".join(f"{k}: {100 * v / total:.1f} %" for k, v in sorted(share.items())))


if __name__ == "__main__":
    main()
