"""Reads a tracefs trace of the scheduler's events (sched_switch, sched_waking,
sched_wakeup, sched_migrate_task; calibration/wave_cores.sh) on stdin and prints, for one
wave of connects, on which core the gevent worker and the postmaster ran, by 10 ms window
from the worker's first wake-up: each one's ms of CPU on each core, and the ms the two ran
on the same core (each of them, in turn, on the core the other last ran on). Before it:
where the postmaster woke first (its previous core, the core it was woken onto, and
whether the worker's core was that one), since the kernel places a long-sleeping process
by the core it last ran on, which nothing in a kit run sets (docs/validation.md, "The
model's wave by where the postmaster starts")."""
import collections
import re

from schedtrace import SWITCH, WAKE, wave_start

MIGRATE = re.compile(r"comm=(.*?) pid=(\d+) prio=\d+ orig_cpu=(\d+) dest_cpu=(\d+)")


def main():
    args, evs, t0 = wave_start(lambda ap: ap.add_argument("--windows", type=int, default=10))
    width = 0.010
    end = t0 + width * args.windows
    who = {args.worker: "worker", args.postmaster: "postmaster"}
    ran = collections.defaultdict(float)  # (who, window, cpu) -> seconds
    together = collections.defaultdict(float)  # (who, window) -> seconds on the other's last core
    cpus = set()
    running = {}  # cpu -> (pid, since)
    last_cpu = {}
    first_wake = None
    moved_from = {}  # pid -> the core a migration took it from, until it runs

    def charge(pid, cpu, a, b):
        if pid not in who:
            return
        other = args.postmaster if pid == args.worker else args.worker
        a, b = max(a, t0), min(b, end)
        while a < b:
            w = int((a - t0) / width + 1e-9)
            hi = min(b, t0 + (w + 1) * width)
            ran[(who[pid], w, cpu)] += hi - a
            if last_cpu.get(other) == cpu:
                together[(who[pid], w)] += hi - a
            a = hi

    for t, cpu, _, kind, rest in evs:
        cpus.add(cpu)
        if kind == "sched_switch":
            m = SWITCH.search(rest)
            prev, nxt = int(m.group(2)), int(m.group(5))
            if cpu in running:
                pid, since = running[cpu]
                charge(pid, cpu, since, t)
            last_cpu[prev] = cpu
            running[cpu] = (nxt, t)
            last_cpu[nxt] = cpu
            moved_from.pop(nxt, None)
        elif kind == "sched_migrate_task":
            m = MIGRATE.search(rest)
            if m and int(m.group(2)) in who:
                pid = int(m.group(2))
                moved_from.setdefault(pid, int(m.group(3)))
                last_cpu[pid] = int(m.group(4))
        elif kind == "sched_wakeup" and first_wake is None and t >= t0:
            m = WAKE.search(rest)
            if m and int(m.group(2)) == args.postmaster:
                # A wake-up onto another core migrates it first (sched_migrate_task gives the core it left).
                target = int(m.group(3))
                first_wake = (t, moved_from.get(args.postmaster, target), target, last_cpu.get(args.worker))
    if first_wake is None:
        print(f"{args.label}: the postmaster did not wake in the trace")
    else:
        t, prev, target, wcpu = first_wake
        print(f"{args.label}: the postmaster first woke {1000 * (t - t0):.1f} ms after the worker, from core {prev}"
              f" onto core {target}, the worker's {'too' if target == wcpu else 'not'} (the worker last on core {wcpu})")
    cores = sorted(cpus)
    head = " ".join(f"w{c:d}" for c in cores) + " " + " ".join(f"pm{c:d}" for c in cores)
    print(f"  ms by 10 ms window from the worker's first wake-up: {head}, and each one's ms on the other's core (worker / postmaster)")
    for w in range(args.windows):
        cells = [f"{1000 * ran[('worker', w, c)]:5.1f}" for c in cores] + [f"{1000 * ran[('postmaster', w, c)]:5.1f}" for c in cores]
        print(f"    {10 * w:4d}-{10 * w + 10:4d}: " + " ".join(cells)
              + f"   {1000 * together[('worker', w)]:5.1f} {1000 * together[('postmaster', w)]:5.1f}")


if __name__ == "__main__":
    main()
