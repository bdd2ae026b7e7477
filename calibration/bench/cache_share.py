"""The same Python work, alone against handed round a ring of processes: does a piece of
work cost more CPU when other processes ran on the core just before it (their memory in
the caches in place of its own)? Each process owns a dict of KEYS entries and a unit of
work is LOOKUPS random lookups in it. Alone: one process does every unit in a row. Ring:
PROCS processes pass a token through pipes, each doing one unit when it holds it, so
every unit starts right after another process's. CPU per unit (time.process_time,
summed over the processes) for each, alternated REPS times, at each dict size.

  cache_share.py --keys 1000,100000,1000000 --procs 4 --units 2000 --lookups 2000 --reps 3
"""
import argparse
import os
import random
import statistics
import time


def make(keys, lookups, seed):
    rnd = random.Random(seed)
    d = {f"k{i}": i for i in range(keys)}
    probe = [f"k{rnd.randrange(keys)}" for _ in range(lookups)]
    return d, probe


def unit(d, probe):
    s = 0
    for k in probe:
        s += d[k]
    return s


def alone(keys, units, lookups):
    d, probe = make(keys, lookups, 1)
    for _ in range(20):
        unit(d, probe)
    t = time.process_time()
    for _ in range(units):
        unit(d, probe)
    return (time.process_time() - t) / units


def ring(keys, units, lookups, procs):
    pipes = [os.pipe() for _ in range(procs)]
    out_r, out_w = os.pipe()
    per = units // procs
    pids = []
    for i in range(procs):
        pid = os.fork()
        if pid == 0:
            d, probe = make(keys, lookups, i + 1)
            for _ in range(20):
                unit(d, probe)
            rd, wr = pipes[i][0], pipes[(i + 1) % procs][1]
            os.read(rd, 1)  # start together
            t = time.process_time()
            for _ in range(per):
                unit(d, probe)
                os.write(wr, b"x")
                os.read(rd, 1)
            os.write(out_w, f"{time.process_time() - t}\n".encode())
            os._exit(0)
        pids.append(pid)
    time.sleep(0.5 + keys / 2e6)  # let every child build its dict
    for i in range(procs):
        os.write(pipes[i][1], b"s")
    # the ring needs one token: child 0 holds it after its first unit; the start bytes gave one to each
    for pid in pids:
        os.waitpid(pid, 0)
    cpu = sum(float(x) for x in os.read(out_r, 1 << 16).decode().split())
    return cpu / (per * procs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", default="1000,100000,1000000")
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--lookups", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    for keys in [int(x) for x in a.keys.split(",")]:
        r_alone, r_ring = [], []
        for rep in range(a.reps):
            r_alone.append(alone(keys, a.units, a.lookups))
            r_ring.append(ring(keys, a.units, a.lookups, a.procs))
            print(f"keys {keys} rep {rep + 1}: alone {r_alone[-1] * 1e6:.1f} us a unit, ring of {a.procs} {r_ring[-1] * 1e6:.1f} us", flush=True)
        m1, m2 = statistics.median(r_alone), statistics.median(r_ring)
        print(f"keys {keys}: alone {m1 * 1e6:.1f} us, ring of {a.procs} {m2 * 1e6:.1f} us a unit: x{m2 / m1:.2f}")


main()
