"""Does a piece of work cost more CPU when the machine's other core is busy at the same
time? If the two cores were hyperthreads of one physical core, or shared a cache or a
memory bus that the work leans on, each would run slower with the other busy, and a
micro-benchmark run on an otherwise idle machine (costs.sh) would price a run that keeps
both cores busy too low. Each kind of work is timed in a process pinned to core 0, alone
(core 1 idle) and paired (the same work pinned to core 1, started together; each reads
its own CPU time, time.process_time, over a fixed amount of work). Alternated REPS times;
prints each kind's CPU alone and paired and their ratio.

Kinds: the interpreter on a small dict (1,000 keys), on a large one (1,000,000 keys,
random lookups: the working set beyond the core's own caches), PBKDF2-SHA256 of 4,096
iterations (the client's side of scram-sha-256: libpq's proof) and touching every page of
64 MiB (memory, as a backend's fork and exit do).

  python3 calibration/bench/core_pair.py --reps 3 --seconds 1
"""
import argparse
import hashlib
import os
import random
import statistics
import time


def python_small():
    d = {i: i for i in range(1000)}
    keys = list(range(1000))

    def unit():
        s = 0
        for k in keys:
            s += d[k]
        return s

    return unit


def python_large():
    rnd = random.Random(1)
    d = {f"k{i}": i for i in range(1_000_000)}
    probe = [f"k{rnd.randrange(1_000_000)}" for _ in range(2000)]

    def unit():
        s = 0
        for k in probe:
            s += d[k]
        return s

    return unit


def pbkdf2():
    def unit():
        hashlib.pbkdf2_hmac("sha256", b"password", b"salt-of-16-bytes", 4096)

    return unit


def memory():
    a = bytearray(64 << 20)

    def unit():
        for off in range(0, len(a), 4096):
            a[off] = (a[off] + 1) & 255

    return unit


KINDS = {"python-small": python_small, "python-large": python_large, "pbkdf2": pbkdf2, "memory": memory}


def calibrate(make, seconds):
    """Units of work that take about `seconds` of CPU alone (measured on core 0)."""
    os.sched_setaffinity(0, {0})
    unit = make()
    n = 1
    while True:
        t = time.process_time()
        for _ in range(n):
            unit()
        if time.process_time() - t > 0.05:
            return max(1, int(n * seconds / (time.process_time() - t)))
        n *= 2


def timed(make, units, core, go_r, out_w):
    """In a child: build the work, wait for the start, do `units` of it, report CPU time."""
    os.sched_setaffinity(0, {core})
    unit = make()
    unit()  # warm
    os.read(go_r, 1)
    t = time.process_time()
    for _ in range(units):
        unit()
    os.write(out_w, f"{core} {time.process_time() - t}\n".encode())
    os._exit(0)


def run(make, units, cores):
    go_r, go_w = os.pipe()
    out_r, out_w = os.pipe()
    pids = []
    for core in cores:
        pid = os.fork()
        if pid == 0:
            timed(make, units, core, go_r, out_w)
        pids.append(pid)
    time.sleep(1.5)  # every child has built its work (the large dict takes a second)
    os.write(go_w, b"x" * len(cores))
    for pid in pids:
        os.waitpid(pid, 0)
    os.close(out_w)
    lines = os.read(out_r, 4096).decode().split()
    cpu = dict(zip(map(int, lines[0::2]), map(float, lines[1::2])))
    for fd in (go_r, go_w, out_r):
        os.close(fd)
    return cpu[0] / units


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args()
    if len(os.sched_getaffinity(0)) < 2 or not {0, 1} <= os.sched_getaffinity(0):
        raise SystemExit("core_pair.py: needs cores 0 and 1")
    print(f"# core_pair.py --reps {args.reps} --seconds {args.seconds}: CPU per unit of work on core 0, ms")
    print("# kind          rep  alone    paired   paired/alone")
    summary = []
    for kind in args.kinds.split(","):
        make = KINDS[kind]
        units = calibrate(make, args.seconds)
        ratios = []
        for rep in range(1, args.reps + 1):
            alone = run(make, units, [0])
            paired = run(make, units, [0, 1])
            ratios.append(paired / alone)
            print(f"{kind:15s} {rep:3d}  {alone * 1e3:7.3f}  {paired * 1e3:7.3f}  {paired / alone:6.3f}")
        summary.append((kind, statistics.median(ratios), min(ratios), max(ratios)))
    print("# median paired/alone (range):")
    for kind, med, lo, hi in summary:
        print(f"#   {kind:15s} {med:.3f} ({lo:.3f}-{hi:.3f})")


if __name__ == "__main__":
    main()
