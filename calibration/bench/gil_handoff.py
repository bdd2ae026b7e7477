"""What the GIL costs a threaded process as its threads multiply (gunicorn's gthread, FastAPI's
threadpool): N threads of one process each run SELECT 1 through its own psycopg2 connection
(the GIL released while the query waits, taken again for its answer) for SECONDS; the
process's CPU per query (getrusage: user and system), its context switches per query, and
queries per second, by N. The conditions alternate within each round.

  gil_handoff.py DSN SECONDS N,N,... ROUNDS
"""
import resource
import sys
import threading
import time

import psycopg2


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
    print("round | threads | queries/s | process CPU (cores) | CPU per query (us): all, user, system | switches per query: voluntary, involuntary")
    for r in range(1, rounds + 1):
        for n in threads:
            stop = threading.Event()
            counts = [0] * n
            ts = [threading.Thread(target=worker, args=(conns[i], stop, counts, i)) for i in range(n)]
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
