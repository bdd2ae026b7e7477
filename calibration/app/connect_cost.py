# Not from the article: what opening one PostgreSQL connection costs on this machine,
# with nothing else running. It opens and closes N connections one after another (the
# handlers' psycopg2.connect, scram-sha-256 over 127.0.0.1) and prints the wall time
# and this process's CPU time per connection, then the same for a trivial query on an
# open connection, for comparison. run.sh saves its output as results/connect-cost.txt.
import os
import statistics
import sys
import time

import psycopg2

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    dbname="postgres",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200


def measure(action, n):
    walls = []
    cpu_start = time.process_time()
    for _ in range(n):
        t = time.perf_counter()
        action()
        walls.append(time.perf_counter() - t)
    cpu = (time.process_time() - cpu_start) / n
    walls.sort()
    return statistics.median(walls), walls[int(0.9 * n)], cpu


def connect_close():
    psycopg2.connect(**DB).close()


conn = psycopg2.connect(**DB)
cur = conn.cursor()


def select_1():
    cur.execute("SELECT 1")
    cur.fetchall()


for name, action in (("connect+close", connect_close), ("SELECT 1", select_1)):
    median, p90, cpu = measure(action, N)
    print(f"{name}: n {N}, median {median * 1000:.3f} ms, p90 {p90 * 1000:.3f} ms, client CPU {cpu * 1000:.3f} ms per call")
conn.close()
