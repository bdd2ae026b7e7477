"""libpq's side of a scram-sha-256 connect + close when several threads of one process
connect at once: psycopg2 releases the GIL for PQconnectdb, so the proofs run side by side
on the cores, and OpenSSL 3 takes a process-wide lock in every HMAC_Init_ex (4096 of them
a proof). THREADS threads each make N connects (the first 5 of each unrecorded); the
process's CPU per connect (time.process_time) against one thread's, alternated REPS times.

  connect_threads.py --threads 1,2,8,100 --n 200 --reps 3
"""
import argparse
import os
import statistics
import threading
import time

import psycopg2

DSN = dict(host=os.environ.get("CAL_PGHOST", "127.0.0.1"), port=int(os.environ.get("CAL_PGPORT", "54329")),
           dbname="postgres", user="postgres", password=os.environ.get("CAL_PGPASSWORD", "password"))


def batch(threads, n):
    per = max(1, n // threads)
    barrier = threading.Barrier(threads + 1)

    def work():
        barrier.wait()
        for _ in range(per):
            psycopg2.connect(**DSN).close()

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    c0, w0 = time.process_time(), time.perf_counter()
    barrier.wait()
    for t in ts:
        t.join()
    return (time.process_time() - c0) / (per * threads), (time.perf_counter() - w0) / (per * threads)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2,8,100")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    counts = [int(x) for x in a.threads.split(",")]
    for _ in range(5):
        psycopg2.connect(**DSN).close()
    cpu = {t: [] for t in counts}
    for r in range(a.reps):
        for t in counts:
            c, w = batch(t, a.n)
            cpu[t].append(c)
            print(f"rep {r + 1}: {t} threads: {c * 1000:.3f} ms of the process's CPU per connect, {w * 1000:.3f} ms wall", flush=True)
    base = statistics.median(cpu[counts[0]])
    for t in counts:
        m = statistics.median(cpu[t])
        print(f"{t} threads: median {m * 1000:.3f} ms per connect ({min(cpu[t]) * 1000:.3f}-{max(cpu[t]) * 1000:.3f}), x{m / base:.2f} of {counts[0]}")


main()
