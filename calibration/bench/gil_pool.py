"""What the pool's handler costs a threaded process as its threads multiply, without
gunicorn (gthread's threads, less its main loop and HTTP): N threads of one process each
run app/wsgi_pool.py's database work (a checkout from SQLAlchemy's QueuePool, the actors
query and its rows, the checkin and its rollback) through one pool of N connections with no
overflow, opened before the timing, so that none is opened or closed under way; for
SECONDS. The process's CPU per request (getrusage: user and system), its context switches
per request, and requests per second, by N; the conditions alternate within each round.

  gil_pool.py URL SECONDS N,N,... ROUNDS
"""
import resource
import sys
import threading
import time

import sqlalchemy

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
    print("round | threads | requests/s | process CPU (cores) | CPU per request (us): all, user, system | switches per request: voluntary, involuntary")
    for r in range(1, rounds + 1):
        for n in threads:
            stop = threading.Event()
            counts = [0] * n
            ts = [threading.Thread(target=worker, args=(engines[n], stop, counts, i)) for i in range(n)]
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.monotonic()
            for t in ts:
                t.start()
            time.sleep(seconds)
            stop.set()
            for t in ts:
                t.join()
            t1 = time.monotonic()
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            q = sum(counts)
            user, system = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
            print(
                f"{r} | {n} | {q / (t1 - t0):.0f} | {(user + system) / (t1 - t0):.2f} | "
                f"{(user + system) / q * 1e6:.1f}, {user / q * 1e6:.1f}, {system / q * 1e6:.1f} | "
                f"{(r1.ru_nvcsw - r0.ru_nvcsw) / q:.2f}, {(r1.ru_nivcsw - r0.ru_nivcsw) / q:.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
