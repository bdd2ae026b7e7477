"""Does a new backend's cost to resume after a wait depend on what runs meanwhile?
backend_waits.py --turns found that one pause of 32 ms in a connect costs a new backend
about 1 ms of CPU one at a time, where the kit's waves, whose backends wait far longer,
cost them 0.4-0.8 ms more in all. In a wave some backend always runs. So: one plain client,
connect and close (scram-sha-256 as the kit's), 150 a batch, pausing 0 or 32 ms before
TURN (5: the proof's answer), while the other core
  none  idles,
  pg    runs another backend busy with queries (SELECT count(*) over generate_series, on one
        open connection, back to back): PostgreSQL's code and shared memory in use,
  py    runs a Python busy loop that touches a few MB: a busy core, not PostgreSQL's.
Conditions and pauses alternated ROUNDS times; the backends' CPU per connection from the
postmaster's cutime+cstime (the measured client's backends only: the busy backend is
still alive and not counted).

  resume_warmth.py --postmaster PID [--turn 5] [--n 150] [--rounds 3]
"""
import argparse
import multiprocessing as mp
import statistics
import time

import psycopg2

import procstat as ps
from backend_waits import DB, Turns, connect_close


def pg_busy(stop):
    conn = psycopg2.connect(**DB)
    conn.autocommit = True
    cur = conn.cursor()
    while not stop.is_set():
        cur.execute("SELECT count(*) FROM generate_series(1, 20000)")
        cur.fetchall()
    conn.close()


def py_busy(stop):
    data = list(range(500_000))
    i = 0
    while not stop.is_set():
        data[i % len(data)] += 1
        i += 7919


def batch(pm, n, seconds, turn):
    s0 = ps.stat(pm)
    for _ in range(n):
        connect_close(seconds, Turns(turn))
    time.sleep(0.3)
    s1 = ps.stat(pm)
    return (s1["cutime"] + s1["cstime"] - s0["cutime"] - s0["cstime"]) / n * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--postmaster", type=int, required=True)
    ap.add_argument("--turn", type=int, default=5)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    connect_close(0, Turns(-1))
    by = {}
    for r in range(1, a.rounds + 1):
        for cond in ("none", "pg", "py"):
            stop = mp.Event()
            helper = None
            if cond != "none":
                helper = mp.Process(target=pg_busy if cond == "pg" else py_busy, args=(stop,))
                helper.start()
                time.sleep(0.3)
            for w in (0, 32):
                b = batch(a.postmaster, a.n, w / 1e3, a.turn)
                by.setdefault((cond, w), []).append(b)
                print(f"round {r}, {cond}, pause {w} ms before turn {a.turn}: backends {b:.3f} ms per connection", flush=True)
            if helper is not None:
                stop.set()
                helper.join()
                # The busy backend's exit is reaped before the next batch reads the postmaster.
                time.sleep(0.5)
    for cond in ("none", "pg", "py"):
        z, p = statistics.median(by[(cond, 0)]), statistics.median(by[(cond, 32)])
        print(f"medians, {cond}: no pause {z:.3f} ms, 32 ms {p:.3f} ms (+{p - z:.3f})")


if __name__ == "__main__":
    main()
