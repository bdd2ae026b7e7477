"""Sync workers' handlers in a storm, from the lines wsgi_actors.py logs for each request
("handled request start=S end=E pid=P", "failed request ..."; time.time()) and when hey
started: how long a handler ran (its database connection is open for nearly all of it), the
gap from a worker's handler to its next (the response, the next accept, the request's read),
the share of the workers' time in handlers, and the handlers running at once, time-weighted.

    python3 bench/sync_holds.py REQUESTS.txt HEY_START
"""

import re
import sys

LINE = re.compile(r"^(handled|failed) request start=([0-9.]+) end=([0-9.]+) pid=(\d+)")


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def summary(name, xs):
    if not xs:
        return f"{name}: none"
    ms = [x * 1000 for x in xs]
    return (
        f"{name}: n {len(ms)}, median {pct(ms, 0.5):.1f} ms, mean {sum(ms) / len(ms):.1f}, "
        f"p10 {pct(ms, 0.1):.1f}, p90 {pct(ms, 0.9):.1f}"
    )


def open_at_once(spans, t0, t1):
    """Time-weighted mean of the spans open over [t0, t1], and the peak."""
    events = []
    for s, e in spans:
        s, e = max(s, t0), min(e, t1)
        if e > s:
            events.append((s, 1))
            events.append((e, -1))
    events.sort()
    area, n, last, peak = 0.0, 0, t0, 0
    for t, d in events:
        area += n * (t - last)
        n += d
        peak = max(peak, n)
        last = t
    return area / (t1 - t0), peak


def main():
    path, t0 = sys.argv[1], float(sys.argv[2])
    reqs = []
    for line in open(path):
        m = LINE.match(line)
        if m:
            reqs.append((m.group(1), float(m.group(2)), float(m.group(3)), int(m.group(4))))
    if not reqs:
        print("no request lines")
        return
    handled = [e - s for k, s, e, _ in reqs if k == "handled"]
    failed = [e - s for k, s, e, _ in reqs if k == "failed"]
    by_pid = {}
    for k, s, e, p in reqs:
        by_pid.setdefault(p, []).append((s, e, k))
    gaps, gaps_after_failed, first_gaps = [], [], []
    busy, span = 0.0, 0.0
    for p, rs in by_pid.items():
        rs.sort()
        first_gaps.append(rs[0][0] - t0)
        for (s0, e0, k0), (s1, _, _) in zip(rs, rs[1:]):
            (gaps_after_failed if k0 == "failed" else gaps).append(s1 - e0)
        busy += sum(e - s for s, e, _ in rs)
        span += rs[-1][1] - rs[0][0]
    last = max(e for _, _, e, _ in reqs)
    print(f"  requests {len(reqs)} ({len(failed)} failed) in {len(by_pid)} workers; last handler ended {last - t0:.2f} s after hey started")
    print("  " + summary("handler, served", handled))
    print("  " + summary("handler, failed", failed))
    print("  " + summary("gap to the worker's next handler, after a served one", gaps))
    print("  " + summary("gap to the worker's next handler, after a failed one", gaps_after_failed))
    print("  " + summary("hey's start to a worker's first handler", first_gaps))
    print(f"  workers' time in handlers, from each one's first start to its last end: {busy / span:.3f}")
    for a, b in ((0.0, 2.0), (0.0, last - t0)):
        mean, peak = open_at_once([(s, e) for _, s, e, _ in reqs], t0 + a, t0 + b)
        print(f"  handlers running at once over {a:.1f}-{b:.2f} s: mean {mean:.1f}, peak {peak}")
    fails = sorted(s - t0 for k, s, _, _ in reqs if k == "failed")
    if fails:
        print(f"  failed handlers started at {pct(fails, 0):.2f} s (first), {pct(fails, 0.5):.2f} (median), {fails[-1]:.2f} (last)")


main()
