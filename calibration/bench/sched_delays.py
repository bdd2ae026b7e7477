#!/usr/bin/env python3
"""Each command's scheduling delays in a `perf sched record` trace: from a task's wake-up to
its running on a core (perf sched timehist's "sch delay"), as percentiles and the share of
wake-ups that waited more than 1 ms, for the commands with the most wake-ups.

    python3 bench/sched_delays.py perf.data [perf.data ...]
"""
import collections
import subprocess
import sys


def delays(path):
    out = subprocess.run(["perf", "sched", "timehist", "-i", path], capture_output=True, text=True, check=True).stdout
    by = collections.defaultdict(list)
    for line in out.splitlines()[3:]:
        p = line.split()
        # time cpu task[tid/pid] wait-time sch-delay run-time
        if len(p) < 6:
            continue
        name = p[2].split("[")[0]
        try:
            by[name].append(float(p[4]))
        except ValueError:
            continue
    return by


def main():
    for path in sys.argv[1:]:
        print(f"{path}: scheduling delay, a task's wake-up to its running (ms)")
        by = delays(path)
        for name, v in sorted(by.items(), key=lambda kv: -len(kv[1]))[:4]:
            if name == "<idle>":
                continue
            v.sort()
            n = len(v)
            q = lambda f: v[min(n - 1, int(f * n))]
            over = sum(1 for x in v if x > 1) / n
            print(
                f"  {name:10s} {n:6d} wake-ups: p50 {q(.5):.3f} p90 {q(.9):.3f} p99 {q(.99):.3f} max {v[-1]:.3f}; "
                f"over 1 ms {100 * over:.1f} %"
            )


if __name__ == "__main__":
    main()
