"""Helpers of calibration/switch_in.sh (what a process pays in CPU to run on a core after
another process of the stack ran there).

  switch_in.py dbloop STOPFILE PIDFILE CORE   a psycopg2 client (pinned to core 1) that runs
      SELECT 1 on one connection until STOPFILE exists; it pins its backend to CORE, writes
      the backend's pid to PIDFILE when warm, and at the end "queries, backend CPU seconds"
      since then to PIDFILE.count
  switch_in.py trace TRACE CPU PID=NAME...     reads a tracefs sched_switch trace: for each
      named process, how often it was switched in on CPU after another named process had
      run there since it last ran (the spinner, kernel threads and idle do not count), by
      that other process's name
  switch_in.py workers TRACE PID...            the same on every CPU for a set of worker
      processes, in all: switch-ins after another of them on that CPU, on a CPU other than
      the one it last ran on, and neither
  switch_in.py summary FILE N [CLASS]          the cost of one switch-in after another
      process, by kind, from switch_in.sh's lines (CLASS: the workers', gevent by default)
"""
import collections
import os
import re
import sys


def dbloop(stopfile, pidfile, core):
    import psycopg2

    os.sched_setaffinity(0, {1})
    c = psycopg2.connect(host=os.environ["CAL_PGHOST"], port=int(os.environ["CAL_PGPORT"]), dbname="postgres",
                         user="postgres", password=os.environ["CAL_PGPASSWORD"])
    c.autocommit = True
    cur = c.cursor()
    cur.execute("SELECT pg_backend_pid()")
    backend = cur.fetchone()[0]
    os.sched_setaffinity(backend, {int(core)})
    for _ in range(300):
        cur.execute("SELECT 1")
        cur.fetchall()
    def cpu():
        with open(f"/proc/{backend}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9

    with open(pidfile + ".tmp", "w") as f:
        f.write(f"{backend}\n")
    os.rename(pidfile + ".tmp", pidfile)
    n = 0
    t = cpu()
    while not os.path.exists(stopfile):
        for _ in range(100):
            cur.execute("SELECT 1")
            cur.fetchall()
        n += 100
    used = cpu() - t
    with open(pidfile + ".count.tmp", "w") as f:
        f.write(f"{n} {used}\n")
    os.rename(pidfile + ".count.tmp", pidfile + ".count")


LINE = re.compile(r"\[(\d+)\].*sched_switch: .*prev_pid=(\d+) .*==> .*next_pid=(\d+)")


def trace(path, cpu, named):
    names = {}
    for arg in named:
        pid, name = arg.split("=", 1)
        names[int(pid)] = name
    last = None
    after = collections.Counter()
    ins = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if not m or int(m.group(1)) != cpu:
                continue
            nxt = int(m.group(3))
            if nxt not in names:
                continue
            ins[names[nxt]] += 1
            if last is not None and last != nxt:
                after[(names[nxt], names[last])] += 1
            last = nxt
    for pid, name in names.items():
        others = ", ".join(f"after {o} {after[(name, o)]}" for o in sorted(set(names.values())) if o != name)
        print(f"{name}: switched in {ins[name]}; {others}")


def workers(path, pids):
    pids = {int(p) for p in pids}
    last_on = {}  # cpu -> the last of the workers to run there
    where = {}  # worker -> the cpu it last ran on
    after = moved = same = 0
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            cpu, nxt = int(m.group(1)), int(m.group(3))
            if nxt not in pids:
                continue
            if where.get(nxt, cpu) != cpu:
                moved += 1
            elif last_on.get(cpu, nxt) != nxt:
                after += 1
            else:
                same += 1
            last_on[cpu] = nxt
            where[nxt] = cpu
    print(f"switch-ins: after another worker on its core {after}, onto another core {moved}, after none {same}")


def summary(path, n, cls="gevent"):
    import statistics

    text = open(path).read()
    num = r"([\d.]+)"

    def rounds(pattern):
        return [tuple(float(x) for x in ((m,) if isinstance(m, str) else m)) for m in re.findall(pattern, text)]

    solo = [a for (a,) in rounds(rf"round \d+ solo: worker A {num} us")]
    pair = rounds(rf"round \d+ pair: worker A {num} us a request, worker B {num} us")
    withdb = rounds(rf"round \d+ withdb: worker A {num} us a request, backend {num} us a query")
    dbsolo = [b for (b,) in rounds(rf"round \d+ dbsolo: backend {num} us")]

    def traced(cond, who, other):
        m = re.search(rf"{cond} traced: {who}: switched in (\d+);.*after {other} (\d+)", text)
        return int(m.group(2))

    med = statistics.median
    print("summary (medians over rounds; switch-ins counted in the traced round):")
    rows = [(f"a {cls} worker after another {cls} worker", [p[0] - s for p, s in zip(pair, solo)], traced("pair", "A", "B") / n)]
    if withdb:
        q = int(re.search(r"\nwithdb: .*\((\d+) queries\)", text).group(1))
        rows += [
            (f"a {cls} worker after a backend", [w[0] - s for w, s in zip(withdb, solo)], traced("withdb", "A", "backend") / n),
            (f"a backend after a {cls} worker", [w[1] - d for w, d in zip(withdb, dbsolo)], traced("withdb", "backend", "A") / q),
        ]
    for name, diffs, ins in rows:
        d = med(diffs)
        cost = d / ins if ins > 0 else float("nan")
        print(f"  {name}: {d:+.1f} us of CPU a request (rounds {min(diffs):+.1f} to {max(diffs):+.1f}) over "
              f"{ins:.2f} such switch-ins a request: {cost:.1f} us each")
    print(f"  alone: worker A {med(solo):.1f} us a request; worker B beside A {med([p[1] for p in pair]):.1f} us"
          + (f"; the backend alone {med(dbsolo):.1f} us a query" if dbsolo else ""))


if __name__ == "__main__":
    if sys.argv[1] == "dbloop":
        dbloop(*sys.argv[2:5])
    elif sys.argv[1] == "trace":
        trace(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1] == "workers":
        workers(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "summary":
        summary(sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])
