"""Where the CPU of a proxied request goes, for docs/validation.md's fleet rows: runs hey
(argv after --) and reads, over its run, the CPU of the given processes (schedstat, every
thread), hey's own (wait4's rusage), and the whole machine's (/proc/stat: busy, and the
softirq and irq time the kernel charged to no process). Prints per-request figures.

  hop_cpu.py --requests N [--out FILE] --pid NAME=PID ... -- hey -n N ...

With --out, hey's output is saved there after a "$ hey ..." line (the kit's NAME.rN.txt).
"""
import argparse
import resource
import subprocess
import time

import procstat as ps


def machine():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = v[:8]
    return {"busy": user + nice + system + irq + softirq + steal, "total": sum(v[:8]), "irq": irq, "softirq": softirq}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, required=True)
    ap.add_argument("--pid", action="append", default=[])
    ap.add_argument("--out")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    pids = dict(p.split("=") for p in a.pid)
    tick = 100.0  # USER_HZ
    before = {k: ps.cpu(int(p)) or 0 for k, p in pids.items()}
    m0 = machine()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    m1 = machine()
    after = {k: ps.cpu(int(p)) or 0 for k, p in pids.items()}
    if a.out:
        with open(a.out, "w") as f:
            f.write("$ " + " ".join(cmd) + "\n" + done.stdout)
    n = a.requests
    ms = lambda s: f"{1000 * s / n:.4f} ms"
    out = {k: after[k] - before[k] for k in pids}
    out["hey"] = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    busy = (m1["busy"] - m0["busy"]) / tick
    cores = (m1["total"] - m0["total"]) / tick / wall
    print(f"wall {wall:.4f} s, {n / wall:.1f} req/s, machine {cores:.2f} cores' time, busy {busy / wall:.2f} cores")
    for k, v in out.items():
        print(f"  {k}: {ms(v)} per request")
    print(f"  processes together: {ms(sum(out.values()))} per request")
    print(f"  machine busy: {ms(busy)} per request (irq {ms((m1['irq'] - m0['irq']) / tick)}, softirq {ms((m1['softirq'] - m0['softirq']) / tick)} charged to no process)")
    print(f"  busy beyond the processes: {ms(busy - sum(out.values()))} per request")


if __name__ == "__main__":
    main()
