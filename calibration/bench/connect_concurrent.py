"""Connect + close, K client processes at once (plain psycopg2, no gevent): the same
operation as bench_db.py connect, measured at a load test's concurrency instead of one
connection at a time.

  connect_concurrent.py --postmaster PID --procs K --n N [--query]

Each of the K processes (forked after a barrier) makes N sequential connect + close
(with --query: connect, the actors query to dvdrental, close, as the kit's /actors
handler does). Per batch: the clients' CPU (CLOCK_PROCESS_CPUTIME_ID of each), the
postmaster's own CPU (schedstat) and its children's (cutime+cstime: the backends that
exited, read 0.3 s after the last close), the wall time and the machine's busy fraction.
Prints one JSON line.
"""
import argparse
import json
import multiprocessing as mp
import os
import time

import psycopg2

import procstat as ps

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
ACTORS = "SELECT a.first_name, a.last_name FROM actor AS a LIMIT 1000;"


def worker(n, query, start, out):
    start.wait()
    c0 = time.process_time()
    for _ in range(n):
        if query:
            conn = psycopg2.connect(dbname="dvdrental", **DB)
            cur = conn.cursor()
            cur.execute(ACTORS)
            cur.fetchall()
        else:
            conn = psycopg2.connect(dbname="postgres", **DB)
        conn.close()
    out.put(time.process_time() - c0)


def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--postmaster", type=int, required=True)
    ap.add_argument("--procs", type=int, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--query", action="store_true")
    a = ap.parse_args()
    start = mp.Event()
    out = mp.Queue()
    procs = [mp.Process(target=worker, args=(a.n, a.query, start, out)) for _ in range(a.procs)]
    for p in procs:
        p.start()
    time.sleep(0.5)
    pm0, s0, b0, t0 = ps.cpu(a.postmaster), ps.stat(a.postmaster), busy(), time.monotonic()
    start.set()
    clients = [out.get() for _ in procs]
    t1 = time.monotonic()
    b1 = busy()
    for p in procs:
        p.join()
    time.sleep(0.3)
    pm1, s1 = ps.cpu(a.postmaster), ps.stat(a.postmaster)
    total = a.procs * a.n
    print(json.dumps({
        "procs": a.procs, "n": a.n, "query": a.query, "connections": total, "wall": t1 - t0,
        "busy": (b1[0] - b0[0]) / max(1, b1[1] - b0[1]),
        "client_ms": sum(clients) / total * 1e3,
        "postmaster_ms": (pm1 - pm0) / total * 1e3,
        "backends_ms": (s1["cutime"] + s1["cstime"] - s0["cutime"] - s0["cstime"]) / total * 1e3,
    }))


if __name__ == "__main__":
    main()
