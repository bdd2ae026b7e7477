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
      the one it last ran on, and neither; and how they left their CPU, preempted
      (prev_state R) or blocked
  switch_in.py preemptors TRACE PID...         with sched_wakeup traced too: who took the core
      from a worker preempted (prev_state R), whether that task had been woken on this CPU
      while the worker ran and by whom (the worker itself, another worker, another task),
      and how long the worker had run since it was switched in (median, ms); and where the
      backends a worker woke were put: on the waker's CPU or another, their previous one or not
  switch_in.py curve N FILE...                 the cost of a switch-in by how many distinct
      others ran since (1, 2, 3 or more), least squares over rings of several sizes: each
      ring's extra CPU a request over its switch-ins at each distance (traced), with every
      file's medians (a file with only a traced ring takes the extra from the next file
      of the same ring size)
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
    # The named processes by their last run on the CPU, most recent first: a switch-in's
    # place in it is how many distinct others ran there since (its LRU stack distance).
    recent = []
    distance = collections.defaultdict(collections.Counter)
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
            d = recent.index(nxt) if nxt in recent else len(recent)
            distance[names[nxt]][d] += 1
            if nxt in recent:
                recent.remove(nxt)
            recent.insert(0, nxt)
    for pid, name in names.items():
        others = ", ".join(f"after {o} {after[(name, o)]}" for o in sorted(set(names.values())) if o != name)
        since = " ".join(f"{d}:{k}" for d, k in sorted(distance[name].items()))
        print(f"{name}: switched in {ins[name]}; {others}; by distinct others since it last ran {since}")


PREV_STATE = re.compile(r"prev_state=(\S+)")


def workers(path, pids):
    pids = {int(p) for p in pids}
    last_on = {}  # cpu -> the last of the workers to run there
    where = {}  # worker -> the cpu it last ran on
    after = moved = same = 0
    # How the workers left their core: still runnable (preempted: R, R+) or asleep (S, D).
    out = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            cpu, prev, nxt = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if prev in pids and prev != nxt:
                st = PREV_STATE.search(line)
                out["preempted" if st and st.group(1).startswith("R") else "blocked"] += 1
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
    print(f"switch-ins: after another worker on its core {after}, onto another core {moved}, after none {same}; "
          f"switched out: preempted {out['preempted']}, blocked {out['blocked']}")


WAKEUP = re.compile(r"^\s*(.+?)-(\d+)\s+\[(\d+)\].*?\s([\d.]+): sched_wakeup: .*pid=(\d+) .*target_cpu=(\d+)")
SWITCH = re.compile(r"\[(\d+)\].*?\s([\d.]+): sched_switch: .*prev_pid=(\d+) .*prev_state=(\S+) ==> next_comm=(.+?) next_pid=(\d+)")


def kind(comm, pid, pids):
    if pid in pids:
        return "worker"
    for k in ("postgres", "hey", "kworker", "ksoftirqd", "swapper"):
        if comm.startswith(k):
            return k
    return "other"


def preemptors(path, pids):
    import statistics

    pids = {int(p) for p in pids}
    comm = {}
    since = {}  # cpu -> when its running worker was switched in
    woke = {}  # pid -> (cpu it was woken to, waker pid, when)
    by = collections.Counter()
    ran = []
    last_cpu = {}  # pid -> the cpu it last ran on
    placed = collections.Counter()  # backends woken by a worker: where they were put
    current = {}  # cpu -> the task running there
    pending = {}  # a task woken onto a cpu running a worker -> (cpu, when)
    first = {}  # cpu -> the first task woken there since its last switch
    waits = {"next": [], "behind others": []}  # such a task's wait, by whether the next switch took it
    with open(path, errors="replace") as f:
        for line in f:
            m = WAKEUP.search(line)
            if m:
                pid, target, waker, wcpu = int(m.group(5)), int(m.group(6)), int(m.group(2)), int(m.group(3))
                woke[pid] = (target, waker, float(m.group(4)))
                if current.get(target) in pids and pid not in pids:
                    pending[pid] = (target, float(m.group(4)))
                    first[target] = first.get(target) or pid
                if waker in pids and kind(comm.get(pid, ""), pid, pids) == "postgres" and pid in last_cpu:
                    prev_cpu = last_cpu[pid]
                    placed[("on the waker's cpu" if target == wcpu else "on another cpu")
                           + (", its previous one" if target == prev_cpu else ", not its previous one")] += 1
                continue
            m = SWITCH.search(line)
            if not m:
                continue
            cpu, t, prev, state, ncomm, nxt = int(m.group(1)), float(m.group(2)), int(m.group(3)), m.group(4), m.group(5), int(m.group(6))
            comm[nxt] = ncomm
            last_cpu[nxt] = cpu
            current[cpu] = nxt
            if nxt in pending:
                c0, t0 = pending.pop(nxt)
                waits["next" if first.get(cpu) == nxt else "behind others"].append((t - t0) * 1000)
            first.pop(cpu, None)
            if prev in pids and prev != nxt and state.startswith("R"):
                k = kind(ncomm, nxt, pids)
                w = woke.get(nxt)
                start = since.get(cpu)
                if w is None or start is None or w[2] < start:
                    how = "not woken while it ran"
                elif w[1] == prev:
                    how = "woken by it"
                elif w[1] in pids:
                    how = "woken by another worker"
                else:
                    how = "woken by another task"
                by[(k, how)] += 1
                if start is not None:
                    ran.append((t - start) * 1000)
            since[cpu] = t if nxt in pids else None
    total = sum(by.values())
    parts = ", ".join(f"{k} {how} {n}" for (k, how), n in by.most_common())
    med = statistics.median(ran) if ran else float("nan")
    wakes = ", ".join(f"{k} {n}" for k, n in placed.most_common())
    waited = "; ".join(f"{k} {len(v)} (median {statistics.median(v):.3f} ms)" for k, v in waits.items() if v)
    print(f"preempted {total}: by {parts}; the worker ran {med:.3f} ms (median) since switched in; "
          f"backends woken by a worker: {wakes}; tasks woken onto a cpu running a worker, the next to run there: {waited}")


def curve(n, paths):
    import statistics

    rows = {}
    for path in paths:
        text = open(path).read()
        solo = [float(x) for x in re.findall(r"round \d+ solo: worker A ([\d.]+) us", text)]
        for cond in ("pair", "ring"):
            runs = [float(x) for x in re.findall(rf"round \d+ {cond}: worker A ([\d.]+) us", text)]
            hist = re.search(rf"^{cond} traced: A: .*by distinct others since it last ran (.*)$", text, re.M)
            if not runs and not hist:
                continue
            size = 2 if cond == "pair" else int(re.search(r"beside (\d+) workers", text).group(1)) + 1
            row = rows.setdefault(size, {"extra": [], "hist": None})
            if runs and solo:
                row["extra"] += [r - s for r, s in zip(runs, solo)]
            if hist:
                row["hist"] = {int(d): int(k) for d, k in (x.split(":") for x in hist.group(1).split())}
    eqs = []
    for size, row in sorted(rows.items()):
        if not row["extra"] or row["hist"] is None:
            continue
        h = row["hist"]
        per = [h.get(1, 0) / n, h.get(2, 0) / n, sum(k for d, k in h.items() if d >= 3) / n]
        extra = statistics.median(row["extra"])
        eqs.append((per, extra))
        print(f"{size} workers: +{extra:.1f} us a request (median of {len(row['extra'])}); switch-ins a request "
              f"after 1 other {per[0]:.2f}, 2 {per[1]:.2f}, 3 or more {per[2]:.2f}")
    # Least squares: the normal equations of three unknowns, solved by Gaussian elimination.
    m = [[sum(p[i] * p[j] for p, _ in eqs) for j in range(3)] + [sum(p[i] * e for p, e in eqs)] for i in range(3)]
    for i in range(3):
        for k in range(i + 1, 3):
            f = m[k][i] / m[i][i]
            m[k] = [a - f * b for a, b in zip(m[k], m[i])]
    c = [0.0, 0.0, 0.0]
    for i in (2, 1, 0):
        c[i] = (m[i][3] - sum(m[i][j] * c[j] for j in range(i + 1, 3))) / m[i][i]
    print(f"a switch-in after 1 other {c[0]:.1f} us, after 2 {c[1]:.1f} us, after 3 or more {c[2]:.1f} us (least squares)")
    for (p, e) in eqs:
        print(f"  fitted +{sum(a * b for a, b in zip(p, c)):.1f} against +{e:.1f} us a request")


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

    def traced_all(cond, who):
        line = re.search(rf"^{cond} traced: {who}: switched in \d+; (.*?)(; by distinct.*)?$", text, re.M).group(1)
        return sum(int(x) for x in re.findall(r"after \S+ (\d+)", line))

    med = statistics.median
    print("summary (medians over rounds; switch-ins counted in the traced round):")
    rows = []
    if pair:
        rows.append((f"a {cls} worker after another {cls} worker", [p[0] - s for p, s in zip(pair, solo)], traced("pair", "A", "B") / n))
    ring = rounds(rf"round \d+ ring: worker A {num} us a request, worker B {num} us, beside (\d+) workers")
    if ring:
        rows.append((f"a {cls} worker beside {int(ring[0][2])} others, after any of them", [r[0] - s for r, s in zip(ring, solo)], traced_all("ring", "A") / n))
    ringdb = rounds(rf"round \d+ ringdb: worker A {num} us a request, backend {num} us a query \((\d+) queries\), beside (\d+) workers")
    if ringdb and dbsolo:
        q = int(re.search(r"\nringdb: .*\((\d+) queries\)", text).group(1))
        hist = re.search(r"^ringdb traced: backend: .*by distinct others since it last ran (.*)$", text, re.M).group(1)
        ins = sum(int(k) for d, k in (x.split(":") for x in hist.split()) if int(d) > 0)
        rows.append((f"a backend beside {int(ringdb[0][3])} {cls} workers, after any of them", [r[1] - d for r, d in zip(ringdb, dbsolo)], ins / q))
        print(f"  the backend's switch-ins by distinct workers since it last ran: {hist} (per {q} queries)")
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
    print(f"  alone: worker A {med(solo):.1f} us a request" + (f"; worker B beside A {med([p[1] for p in pair]):.1f} us" if pair else "")
          + (f"; the backend alone {med(dbsolo):.1f} us a query" if dbsolo else ""))


if __name__ == "__main__":
    if sys.argv[1] == "dbloop":
        dbloop(*sys.argv[2:5])
    elif sys.argv[1] == "trace":
        trace(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1] == "workers":
        workers(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "preemptors":
        preemptors(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "curve":
        curve(int(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1] == "summary":
        summary(sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])
