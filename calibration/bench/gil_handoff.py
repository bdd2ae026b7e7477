"""What the GIL costs a threaded process as its threads multiply (gunicorn's gthread, FastAPI's
threadpool): N threads of one process each run SELECT 1 through its own psycopg2 connection
(the GIL released while the query waits, taken again for its answer) for SECONDS; the
process's CPU per query (getrusage: user and system), its context switches per query, and
queries per second, by N. The conditions alternate within each round.

  gil_handoff.py DSN SECONDS N,N,... ROUNDS
"""
import sys

import psycopg2
from thread_rounds import run_rounds


def worker(conn, stop, counts, i):
    cur = conn.cursor()
    n = 0
    while not stop.is_set():
        cur.execute("SELECT 1")
        cur.fetchall()
        n += 1
    counts[i] = n


def main():
    dsn, seconds = sys.argv[1], float(sys.argv[2])
    threads = [int(x) for x in sys.argv[3].split(",")]
    rounds = int(sys.argv[4])
    conns = [psycopg2.connect(dsn) for _ in range(max(threads))]
    for c in conns:
        c.autocommit = True
    run_rounds(threads, rounds, seconds, lambda n, i, stop, counts: worker(conns[i], stop, counts, i), "query", "queries")


if __name__ == "__main__":
    main()
