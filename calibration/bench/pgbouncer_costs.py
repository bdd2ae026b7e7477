"""PgBouncer's costs (pgbouncer.sh): plain psycopg2, one process, through PgBouncer.

  pgbouncer_costs.py --pgbouncer PID --n N --reps R

Three batches, each R times, alternated, with PgBouncer's own CPU (/proc/PID/schedstat)
over each batch minus its CPU over an idle interval as long, divided by N:
  login:   N x (psycopg2.connect + close), no query: PgBouncer's client login (its side
           of scram-sha-256 against the auth_file's SCRAM secret) and the client's close.
           This process's CPU per connect + close too (the client's side, the proof).
  query:   on one autocommit connection, N x the actors query (200 rows), execute +
           fetchall: PgBouncer relaying a transaction (transaction pooling: the server
           connection is linked and released each time).
  cycle:   N x (connect, the actors query, close) without a commit, as the kit's handler
           does: psycopg2's implicit BEGIN leaves a transaction open at close, and PgBouncer
           closes the server connection ("client disconnect while server was not ready")
           and opens another for the next client. Less login and query: PgBouncer's CPU
           to open a server connection (its login to PostgreSQL) and to close one.
Prints one line per batch and the medians.
"""
import argparse
import os
import statistics
import time

import psycopg2

import procstat as ps

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "6432"),
    dbname="dvdrental",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
ACTORS = "SELECT a.first_name, a.last_name FROM actor AS a LIMIT 1000;"


def idle(pid, seconds):
    a = ps.cpu(pid)
    time.sleep(seconds)
    return ps.cpu(pid) - a


def batch(pid, n, kind):
    conn = None
    if kind == "query":
        conn = psycopg2.connect(**DB)
        conn.autocommit = True
    c0, b0, t0 = time.process_time(), ps.cpu(pid), time.monotonic()
    for _ in range(n):
        if kind == "login":
            psycopg2.connect(**DB).close()
        elif kind == "query":
            cur = conn.cursor()
            cur.execute(ACTORS)
            cur.fetchall()
            cur.close()
        else:
            c = psycopg2.connect(**DB)
            cur = c.cursor()
            cur.execute(ACTORS)
            cur.fetchall()
            cur.close()
            c.close()
    c1, b1, t1 = time.process_time(), ps.cpu(pid), time.monotonic()
    if conn is not None:
        conn.close()
    time.sleep(0.3)
    quiet = idle(pid, t1 - t0)
    return {"client": (c1 - c0) / n, "pgbouncer": (b1 - b0 - quiet) / n}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgbouncer", type=int, required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    for kind in ("login", "query", "cycle"):
        batch(a.pgbouncer, 10, kind)  # warm-up: caches, the server pool
    recs = {"login": [], "query": [], "cycle": []}
    for r in range(a.reps):
        for kind in recs:
            rec = batch(a.pgbouncer, a.n, kind)
            recs[kind].append(rec)
            print(f"rep {r + 1} {kind}: pgbouncer {rec['pgbouncer'] * 1e3:.4f} ms, client {rec['client'] * 1e3:.4f} ms per operation", flush=True)
    med = {k: {x: statistics.median(r[x] for r in v) for x in ("client", "pgbouncer")} for k, v in recs.items()}
    rng = {k: (min(r["pgbouncer"] for r in v), max(r["pgbouncer"] for r in v)) for k, v in recs.items()}
    for k in recs:
        print(f"median {k}: pgbouncer {med[k]['pgbouncer'] * 1e3:.4f} ms (range {rng[k][0] * 1e3:.4f}-{rng[k][1] * 1e3:.4f}), client {med[k]['client'] * 1e3:.4f} ms, n {a.n} x {a.reps}")
    server = med["cycle"]["pgbouncer"] - med["login"]["pgbouncer"] - med["query"]["pgbouncer"]
    print(f"pgbouncer per server connection opened and closed (cycle - login - query): {server * 1e3:.4f} ms")


if __name__ == "__main__":
    main()
