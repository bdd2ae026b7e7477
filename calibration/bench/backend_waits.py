"""Does a backend spend more CPU when its client answers late? One client process, plain
psycopg2, the kit's /actors work (connect, the actors query, fetch, close), one connection
at a time, the client pausing WAIT ms before each of its turns (every poll of an async
connect, the query, the close), as a gevent worker busy with other greenlets answers late.

  backend_waits.py --postmaster PID --n N --waits 0,2,8 [--rounds R] [--busy]
  backend_waits.py --select1 --n N --waits 0,0.5,1,2,4,8 [--rounds R]

--select1: one open connection instead, SELECT 1 N times with the pause before each; the
backend's own CPU per query from /proc/<its pid>/schedstat: what a backend pays to resume
after waiting that long, beyond a query that follows the last at once.

The waits are alternated R times (3). Per batch: the backends' CPU per connection (the
postmaster's cutime+cstime, read 0.3 s after the last close: the backends that exited)
and the postmaster's own (schedstat). --busy: the client spins through its pauses instead
of sleeping, so that its core stays busy as a loaded machine's would. Prints one line per
batch, then the medians.
"""
import argparse
import os
import select
import statistics
import time

import psycopg2
import psycopg2.extensions as ext

import procstat as ps

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
    dbname="dvdrental",
)
ACTORS = "SELECT a.first_name, a.last_name FROM actor AS a LIMIT 1000;"


def pause(seconds, busy):
    if seconds <= 0:
        return
    if busy:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
    else:
        time.sleep(seconds)


def wait(conn, seconds, busy):
    """Drives an async connection to POLL_OK, pausing before each of its turns."""
    while True:
        pause(seconds, busy)
        state = conn.poll()
        if state == ext.POLL_OK:
            return
        if state == ext.POLL_READ:
            select.select([conn.fileno()], [], [])
        elif state == ext.POLL_WRITE:
            select.select([], [conn.fileno()], [])


def one(seconds, busy):
    conn = psycopg2.connect(async_=1, **DB)
    wait(conn, seconds, busy)
    cur = conn.cursor()
    cur.execute(ACTORS)
    wait(conn, seconds, busy)
    cur.fetchall()
    pause(seconds, busy)
    conn.close()


def batch(pm, n, seconds, busy):
    s0, p0 = ps.stat(pm), ps.cpu(pm)
    for _ in range(n):
        one(seconds, busy)
    time.sleep(0.3)
    s1, p1 = ps.stat(pm), ps.cpu(pm)
    backends = (s1["cutime"] + s1["cstime"] - s0["cutime"] - s0["cstime"]) / n * 1e3
    return backends, (p1 - p0) / n * 1e3


def select1(conn, pid, n, seconds):
    cur = conn.cursor()
    c0 = ps.cpu(pid)
    for _ in range(n):
        pause(seconds, False)
        cur.execute("SELECT 1")
        cur.fetchall()
    return (ps.cpu(pid) - c0) / n * 1e3


def main_select1(a, waits):
    conn = psycopg2.connect(**DB)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    select1(conn, pid, 200, 0)
    by = {w: [] for w in waits}
    for r in range(1, a.rounds + 1):
        for w in waits:
            c = select1(conn, pid, a.n, w / 1e3)
            by[w].append(c)
            print(f"round {r}, wait {w:g} ms: the backend {c * 1e3:.1f} us per SELECT 1", flush=True)
    base = statistics.median(by[waits[0]])
    print("medians: " + "; ".join(f"wait {w:g} ms: {statistics.median(v) * 1e3:.1f} us (+{(statistics.median(v) - base) * 1e3:.1f})"
                                  for w, v in by.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--select1", action="store_true")
    ap.add_argument("--postmaster", type=int)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--waits", default="0,2,8")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--busy", action="store_true")
    a = ap.parse_args()
    waits = [float(x) for x in a.waits.split(",")]
    if a.select1:
        main_select1(a, waits)
        return
    if a.postmaster is None:
        ap.error("--postmaster PID is needed (or --select1)")
    one(0, False)
    by = {w: [] for w in waits}
    for r in range(1, a.rounds + 1):
        for w in waits:
            b, p = batch(a.postmaster, a.n, w / 1e3, a.busy)
            by[w].append(b)
            print(f"round {r}, wait {w:g} ms{' (spinning)' if a.busy else ''}: backends {b:.3f} ms, postmaster {p:.3f} ms per connection",
                  flush=True)
    print("medians: " + "; ".join(f"wait {w:g} ms: backends {statistics.median(v):.3f} ms" for w, v in by.items()))


if __name__ == "__main__":
    main()
