"""Fills PostgreSQL: opens connections as the superuser postgres (plain psycopg2, one
process) until the server refuses one with "too many clients", prints how many it holds,
and holds them until its stdin is closed.

  CAL_PGHOST=127.0.0.1 CAL_PGPORT=54329 CAL_PGPASSWORD=password fill_pg.py
"""
import os
import sys

import psycopg2

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    dbname="postgres",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
held = []
while True:
    try:
        held.append(psycopg2.connect(**DB))
    except psycopg2.OperationalError as e:
        if "too many clients" not in str(e):
            raise
        break
    if len(held) > 10000:
        sys.exit("fill_pg.py: no limit reached")
print(f"holding {len(held)} connections", flush=True)
sys.stdin.read()
for c in held:
    c.close()
