#!/usr/bin/env python3
"""Summary of calibration/accept_split.sh: for each run, how hey's connections and requests
fell to the workers (the busier worker's share of each), from the app's log lines
("split PID PORT TIME"), then each worker class's median and range.

    bench/accept_split.py DIR"""
import collections
import os
import re
import statistics
import sys


def run_split(path):
    conns = collections.defaultdict(set)
    reqs = collections.Counter()
    for line in open(path):
        if line.startswith("split "):
            _, pid, port, _t = line.split()
            conns[pid].add(port)
            reqs[pid] += 1
    c = sorted((len(v) for v in conns.values()), reverse=True)
    q = sorted(reqs.values(), reverse=True)
    return c, q


def main():
    d = sys.argv[1]
    by = collections.defaultdict(list)
    for f in sorted(os.listdir(d)):
        m = re.match(r"(.+)\.r(\d+)\.log$", f)
        if not m:
            continue
        c, q = run_split(os.path.join(d, f))
        print(f"{f}: connections {c} (busier {c[0] / sum(c):.3f}); requests {q} (busier {q[0] / sum(q):.3f})")
        by[m.group(1)].append((c[0] / sum(c), q[0] / sum(q)))
    for name, xs in by.items():
        cs = [x[0] for x in xs]
        qs = [x[1] for x in xs]
        print(
            f"{name}, {len(xs)} runs: the busier worker's share of the connections {statistics.median(cs):.3f} "
            f"({min(cs):.3f}-{max(cs):.3f}), of the requests {statistics.median(qs):.3f} ({min(qs):.3f}-{max(qs):.3f})"
        )


if __name__ == "__main__":
    main()
