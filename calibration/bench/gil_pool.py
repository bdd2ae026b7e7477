"""What the pool's handler costs a threaded process as its threads multiply, without
gunicorn (gthread's threads, less its main loop and HTTP): N threads of one process each
run app/wsgi_pool.py's database work (a checkout from SQLAlchemy's QueuePool, the actors
query and its rows, the checkin and its rollback) through one pool of N connections with no
overflow, opened before the timing, so that none is opened or closed under way; for
SECONDS. The process's CPU per request (getrusage: user and system), its context switches
per request, and requests per second, by N; the conditions alternate within each round.

  gil_pool.py URL SECONDS N,N,... ROUNDS
"""
import sys

import sqlalchemy
from thread_rounds import run_rounds

ACTORS = """
    SELECT a.first_name, a.last_name
    FROM actor AS a
    LIMIT 1000;
"""


def worker(engine, stop, counts, i):
    n = 0
    while not stop.is_set():
        with engine.connect() as conn:
            conn.exec_driver_sql(ACTORS).fetchall()
        n += 1
    counts[i] = n


def main():
    url, seconds = sys.argv[1], float(sys.argv[2])
    threads = [int(x) for x in sys.argv[3].split(",")]
    rounds = int(sys.argv[4])
    engines = {n: sqlalchemy.create_engine(url, pool_size=n, max_overflow=0) for n in threads}
    for n, engine in engines.items():
        held = [engine.connect() for _ in range(n)]
        for conn in held:
            conn.close()
    run_rounds(threads, rounds, seconds, lambda n, i, stop, counts: worker(engines[n], stop, counts, i), "request", "requests")


if __name__ == "__main__":
    main()
