"""pool_holds.sh's summary: from app/wsgi_pool.py's hold lines (CAL_SEGMENTS=2), each
request's checkout, query (with its rows) and checkin (with its rollback) on the wall clock
and on the thread's CPU; quantiles of each, of the hold (the query and the checkin: the
connection out of the pool), and the means of the longest tenth of the holds against the
rest: whether a long hold is CPU or waiting (for the backend, for the GIL, for a core).

  pool_holds.py FILE...
"""
import re
import statistics
import sys


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main():
    for path in sys.argv[1:]:
        holds = []
        for line in open(path):
            m = re.match(r"hold tid=\d+ at=\d+ wall=(\d+),(\d+),(\d+) cpu=(\d+),(\d+),(\d+)", line)
            if m:
                holds.append([int(x) / 1e3 for x in m.groups()])
        connects = sum(1 for line in open(path) if line.startswith("pool connect "))
        print(f"{path}: {len(holds)} requests, {connects} connections opened; us")
        for name, i in (("checkout", 0), ("query", 1), ("checkin", 2)):
            w = [h[i] for h in holds]
            c = [h[3 + i] for h in holds]
            print(f"  {name}: wall p10 {q(w, .1):.0f} p50 {q(w, .5):.0f} p90 {q(w, .9):.0f} p99 {q(w, .99):.0f}; "
                  f"CPU p50 {q(c, .5):.0f} p90 {q(c, .9):.0f} mean {statistics.mean(c):.0f}")
        held = [h[1] + h[2] for h in holds]
        print(f"  the hold (query and checkin): wall p10 {q(held, .1):.0f} p50 {q(held, .5):.0f} p90 {q(held, .9):.0f} p99 {q(held, .99):.0f}")
        cut = q(held, .9)
        for label, group in (("the longest tenth", [h for h in holds if h[1] + h[2] >= cut]),
                             ("the rest", [h for h in holds if h[1] + h[2] < cut])):
            mean = lambda i: statistics.mean(h[i] for h in group)  # noqa: E731
            print(f"  {label} (means): query wall {mean(1):.0f}, CPU {mean(4):.0f}; checkin wall {mean(2):.0f}, CPU {mean(5):.0f}")


if __name__ == "__main__":
    main()
