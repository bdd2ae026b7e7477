"""Does a backend spend more CPU when its client answers late? One client process, plain
psycopg2, the kit's /actors work (connect, the actors query, fetch, close), one connection
at a time, the client pausing WAIT ms before each of its turns (every poll of an async
connect, the query, the close), as a gevent worker busy with other greenlets answers late.

  backend_waits.py --postmaster PID --n N --waits 0,2,8 [--rounds R] [--busy]
  backend_waits.py --select1 --n N --waits 0,0.5,1,2,4,8 [--rounds R]
  backend_waits.py --postmaster PID --turns --n N --waits 0,2,8,32 [--rounds R]

--turns: connect and close only (no query), the pause before one turn at a time: each turn's
wait alone, so that the backend's extra CPU is what it pays to resume after that one wait.
A turn is one poll of the async connect, or the close; the turns are counted on the first
connection and each is paused in its own batches (turn 0: none paused).

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


class Turns:
    """Which turn of a connection is paused (0: every one, -1: none) and how many it took."""

    def __init__(self, only):
        self.only = only
        self.n = 0

    def pause(self, seconds, busy):
        self.n += 1
        if self.only == 0 or self.only == self.n:
            pause(seconds, busy)


EVERY = Turns(0)


def wait(conn, seconds, busy, turns=EVERY):
    """Drives an async connection to POLL_OK, pausing before each of its turns."""
    while True:
        turns.pause(seconds, busy)
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


def connect_close(seconds, turns):
    """One connect and close, the pause before turn `turns.only` only; returns the turns it took."""
    conn = psycopg2.connect(async_=1, **DB)
    wait(conn, seconds, False, turns)
    turns.pause(seconds, False)
    conn.close()
    return turns.n


def batch(pm, n, seconds, busy, turn=None):
    s0, p0 = ps.stat(pm), ps.cpu(pm)
    for _ in range(n):
        if turn is None:
            one(seconds, busy)
        else:
            connect_close(seconds, Turns(turn))
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


def main_turns(a, waits):
    count = connect_close(0, Turns(-1))
    print(f"a connect and close takes {count} turns (the close last)", flush=True)
    by = {}
    for r in range(1, a.rounds + 1):
        for turn in range(1, count + 1):
            for w in waits:
                b, p = batch(a.postmaster, a.n, w / 1e3, False, turn)
                by.setdefault((turn, w), []).append(b)
                print(f"round {r}, turn {turn}, wait {w:g} ms: backends {b:.3f} ms, postmaster {p:.3f} ms per connection", flush=True)
    for turn in range(1, count + 1):
        base = statistics.median(by[(turn, waits[0])])
        print(f"medians, turn {turn}: " + "; ".join(
            f"wait {w:g} ms {statistics.median(by[(turn, w)]):.3f} ms (+{statistics.median(by[(turn, w)]) - base:.3f})" for w in waits))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--select1", action="store_true")
    ap.add_argument("--turns", action="store_true")
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
    if a.turns:
        main_turns(a, waits)
        return
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
