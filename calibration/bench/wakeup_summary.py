"""Summarizes wakeup_latency.sh's samples (nanoseconds, one a line, WORK/{block,spin}-gG.rR):
per idle gap, the blocked reader's t1 - t0 and the polling reader's, and their difference,
the wake-up latency. The last line is the scenario's machine.wakeupLatency: the latencies of
every gap pooled (each blocked sample less its round's polling median), as 20 quantiles.

  wakeup_summary.py WORK ROUNDS GAP...
"""
import json
import os
import statistics
import sys


def read(path):
    with open(path) as f:
        return [int(x) / 1000 for x in f.read().split()]


def q(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, int(p * len(s)))]


def main():
    work, rounds, gaps = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    pooled = []
    print("gap_us  round  block_p10  block_p50  block_p90  block_p99  spin_p50  latency_p50   (microseconds)")
    for g in gaps:
        lat_gap = []
        for r in range(1, rounds + 1):
            block = read(os.path.join(work, f"block-g{g}.r{r}"))
            spin = read(os.path.join(work, f"spin-g{g}.r{r}"))
            s50 = statistics.median(spin)
            lat = [max(0.0, b - s50) for b in block]
            lat_gap += lat
            print(f"{g:>6}  {r:>5}  {q(block, .1):9.2f}  {q(block, .5):9.2f}  {q(block, .9):9.2f}  {q(block, .99):9.2f}  {s50:8.2f}  {statistics.median(lat):11.2f}")
        pooled += lat_gap
        print(f"gap {g} us: wake-up latency median {statistics.median(lat_gap):.2f} us, p10 {q(lat_gap, .1):.2f}, p90 {q(lat_gap, .9):.2f}, p99 {q(lat_gap, .99):.2f}, n {len(lat_gap)}")
    values = [round(q(pooled, (i + 0.5) / 20) / 1e6, 7) for i in range(20)]
    print(f"all gaps: median {statistics.median(pooled):.2f} us, mean {statistics.mean(pooled):.2f} us, n {len(pooled)}")
    print("machine.wakeupLatency " + json.dumps({"dist": "choice", "values": values}))


main()
