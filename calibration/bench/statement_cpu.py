"""statement_cpu.sh's micro-benchmark: the backend's CPU for the statements psycopg2 and
SQLAlchemy's pool send by themselves around a handler's query (BEGIN before a transaction's
first query, ROLLBACK when the pool takes the connection back), beside the query they wrap.

  statement_cpu.py --n 2000 --rounds 5

One connection (psycopg2, blocking), its backend's CPU from /proc/PID/schedstat. Each round
runs, alternated, N times each:
  select1         autocommit, SELECT 1
  begin-rollback  autocommit, BEGIN then ROLLBACK, each its own round trip
  actors          autocommit, the kit's actors query (200 rows), fetchall
  actors-txn      psycopg2's own transaction: the actors query (psycopg2 sends BEGIN first),
                  fetchall, then rollback() (ROLLBACK), as a pooled request does
Prints each one's backend CPU per iteration (median and range over rounds, ms), and from
them one BEGIN or ROLLBACK (begin-rollback / 2) and what the pair adds to the query
(actors-txn less actors).
"""
import argparse
import os
import statistics

import psycopg2

import procstat

ACTORS = "SELECT a.first_name, a.last_name FROM actor AS a LIMIT 1000"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    conn = psycopg2.connect(host=os.environ["CAL_PGHOST"], port=int(os.environ["CAL_PGPORT"]), dbname="dvdrental",
                            user="postgres", password=os.environ["CAL_PGPASSWORD"])
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT pg_backend_pid()")
    backend = cur.fetchone()[0]

    def select1():
        cur.execute("SELECT 1")
        cur.fetchall()

    def begin_rollback():
        cur.execute("BEGIN")
        cur.execute("ROLLBACK")

    def actors():
        cur.execute(ACTORS)
        cur.fetchall()

    def actors_txn():
        conn.autocommit = False
        cur.execute(ACTORS)
        cur.fetchall()
        conn.rollback()
        conn.autocommit = True

    kinds = {"select1": select1, "begin-rollback": begin_rollback, "actors": actors, "actors-txn": actors_txn}
    for fn in kinds.values():
        for _ in range(200):
            fn()
    per = {k: [] for k in kinds}
    for r in range(args.rounds):
        for k, fn in kinds.items():
            t = procstat.cpu(backend)
            for _ in range(args.n):
                fn()
            per[k].append((procstat.cpu(backend) - t) / args.n * 1000)
        print(f"round {r + 1}: " + ", ".join(f"{k} {per[k][-1]:.4f}" for k in kinds), flush=True)

    def show(xs):
        return f"{statistics.median(xs):.4f} ({min(xs):.4f}-{max(xs):.4f})"

    for k in kinds:
        print(f"{k}: {show(per[k])} ms of backend CPU an iteration")
    one = [x / 2 for x in per["begin-rollback"]]
    added = [a - b for a, b in zip(per["actors-txn"], per["actors"])]
    print(f"medians: one BEGIN or ROLLBACK {show(one)} ms; BEGIN + ROLLBACK around the actors query {show(added)} ms; "
          f"the actors query alone {show(per['actors'])} ms; SELECT 1 {show(per['select1'])} ms")


if __name__ == "__main__":
    main()
