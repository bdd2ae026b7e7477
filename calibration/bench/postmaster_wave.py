#!/usr/bin/env python3
"""The postmaster's time through one wave of connects (postmaster_wave.sh): its schedstat
sampled every millisecond while hey runs, then, by window of the run, how long it ran
(on a core) and how long it waited for one (runnable, schedstat's run_delay).

    postmaster_wave.py sample PID SECONDS OUT     samples: MONOTONIC_NS RUN_NS WAIT_NS per line
    postmaster_wave.py summary OUT...             ms run and waited by window after the first sample
"""
import os
import sys
import time

import procstat as ps

WINDOWS = ((0, 25), (25, 50), (50, 100), (100, 200), (200, 1000), (1000, 2500))


def sample(pid, seconds, out):
    end = time.monotonic() + float(seconds)
    with open(out, "w") as f:
        while time.monotonic() < end:
            run, wait = ps.schedstat_ns(int(pid))
            f.write(f"{time.monotonic_ns()} {run} {wait}\n")
            time.sleep(0.001)


def summary(paths):
    print("ms after the first sample: the postmaster ran / waited for a core, by window")
    print("run  " + "  ".join(f"{a}-{b} ms" for a, b in WINDOWS))
    for path in paths:
        rows = [tuple(int(x) for x in line.split()) for line in open(path)]
        t0, r0, w0 = rows[0]
        # The wave starts with the postmaster's first run after the sampler's start.
        first = next((t for t, r, _ in rows if r > r0), t0)
        cells = []
        for a, b in WINDOWS:
            inside = [(r, w) for t, r, w in rows if first + a * 1e6 <= t <= first + b * 1e6]
            before = [(r, w) for t, r, w in rows if t < first + a * 1e6]
            if not inside:
                cells.append("-")
                continue
            rs, ws = (before[-1] if before else (r0, w0))
            cells.append(f"{(inside[-1][0] - rs) / 1e6:.1f}/{(inside[-1][1] - ws) / 1e6:.1f}")
        print(f"{os.path.basename(path)}: " + "  ".join(cells))


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "sample":
        sample(*sys.argv[2:5])
    elif len(sys.argv) >= 3 and sys.argv[1] == "summary":
        summary(sys.argv[2:])
    else:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
