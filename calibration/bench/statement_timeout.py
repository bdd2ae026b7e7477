"""statement_timeout against a real PostgreSQL: what the simulator's model of it claims.

For each query, REPS times on one psycopg2 connection (in a transaction, as SQLAlchemy
runs them), with SET statement_timeout = LIMIT_MS: the wall time until execute() returns
or raises, the exception's class and message, its SQLSTATE; then, after the rollback the
pool's reset-on-return does, whether the same backend (pg_backend_pid) answers the next
query, and how many client backends PostgreSQL has.

    statement_timeout.py HOST PORT PASSWORD [LIMIT_MS] [REPS]
"""
import statistics
import sys
import time

import psycopg2
import psycopg2.errors

host, port, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
limit_ms = int(sys.argv[4]) if len(sys.argv) > 4 else 500
reps = int(sys.argv[5]) if len(sys.argv) > 5 else 5

QUERIES = [
    ("sleep", "SELECT pg_sleep(2)"),
    ("cpu", "SELECT count(*) FROM generate_series(1, 300000000)"),
    ("under", "SELECT pg_sleep(0.2)"),
]

conn = psycopg2.connect(host=host, port=port, user="postgres", password=password, dbname="postgres")
cur = conn.cursor()
cur.execute(f"SET statement_timeout = '{limit_ms}ms'")
conn.commit()
cur.execute("SELECT pg_backend_pid()")
pid = cur.fetchone()[0]
conn.commit()
print(f"statement_timeout {limit_ms} ms, psycopg2 {psycopg2.__version__}, backend pid {pid}")
print(f"server: {conn.server_version}")

for name, sql in QUERIES:
    walls = []
    for r in range(reps):
        t0 = time.perf_counter()
        try:
            cur.execute(sql)
            cur.fetchall()
            outcome = "ok"
            code = "-"
        except psycopg2.errors.QueryCanceled as e:
            outcome = f"{type(e).__module__}.{type(e).__name__}: {e.pgerror.strip().split(':  ', 1)[-1]}"
            code = e.pgcode
        wall = time.perf_counter() - t0
        conn.rollback()
        cur.execute("SELECT pg_backend_pid(), (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')")
        after_pid, backends = cur.fetchone()
        conn.commit()
        walls.append(wall)
        print(
            f"{name} rep {r + 1}: {wall:.4f} s, {outcome}, sqlstate {code}, "
            f"same backend after: {'yes' if after_pid == pid else 'no'}, client backends {backends}"
        )
    print(f"{name}: median {statistics.median(walls):.4f} s (range {min(walls):.4f}-{max(walls):.4f}, {reps} runs)")
conn.close()
