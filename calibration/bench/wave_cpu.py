"""Reads a tracefs trace of sched_switch events (calibration/spread_sched.sh) on stdin and
prints who ran on the cores over the first milliseconds of one wave: the gunicorn worker,
the postmaster, its children (the backends), hey, anything else, and idle, in ms of CPU
per window, from the worker's first wake-up in the trace (hey's requests arriving)."""
from schedtrace import SWITCH, wave_start


def main():
    def windows(ap):
        ap.add_argument("--window", type=float, default=10.0, help="ms")
        ap.add_argument("--windows", type=int, default=12)

    args, events, t0 = wave_start(windows)
    comm, running, since = {}, {}, {}
    win = args.window / 1000
    n = args.windows
    kinds = ("worker", "postmaster", "backends", "hey", "other", "idle")
    table = [{k: 0.0 for k in kinds} for _ in range(n)]

    def who(pid):
        if pid == 0:
            return "idle"
        if pid == args.worker:
            return "worker"
        if pid == args.postmaster:
            return "postmaster"
        c = comm.get(pid, "")
        if c.startswith("postgres") or c.startswith("postmaster"):
            return "backends"
        if c.startswith("hey"):
            return "hey"
        return "other"

    def add(pid, a, b):
        a, b = max(a, t0), min(b, t0 + n * win)
        i = int((a - t0) / win)
        while a < b and i < n:
            end = min(b, t0 + (i + 1) * win)
            if end > a:
                table[i][who(pid)] += end - a
                a = end
            i += 1

    for t, cpu, _, kind, rest in events:
        if kind != "sched_switch":
            continue
        m = SWITCH.search(rest)
        pc, prev, _, nc, nxt = m.groups()
        prev, nxt = int(prev), int(nxt)
        comm[prev], comm[nxt] = pc, nc
        if cpu in running:
            add(running[cpu], since[cpu], t)
        running[cpu], since[cpu] = nxt, t
    print(f"{args.label}: ms of CPU by {args.window:g} ms window from the worker's first wake-up ({' / '.join(kinds)})")
    for i, row in enumerate(table):
        print(f"  {i * args.window:5.0f}-{(i + 1) * args.window:4.0f}: " + ' '.join(f"{row[k] * 1000:5.1f}" for k in kinds))


if __name__ == "__main__":
    main()
