# The article's third handler: psycogreen, a new connection per request, and a real
# query on the dvdrental sample database's actor table (200 rows). setup-db.sh creates
# a 200-row actor table in a database named dvdrental when the sample is not installed.
import os
import sys
import time

# CAL_GREEN=0 (run.sh's gthread rows): psycopg2 as it is, blocking its thread, with
# libpq's connect outside the GIL; otherwise psycogreen makes it cooperative.
if os.environ.get("CAL_GREEN", "1") == "1":
    import psycogreen.gevent

    psycogreen.gevent.patch_psycopg()

import psycopg2  # noqa: E402

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    dbname="dvdrental",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)


# CAL_AUTOCOMMIT=1: no implicit transaction (pgbouncer.sh: PgBouncer can then hand the
# server connection back after the query, where a close inside psycopg2's implicit
# transaction makes it close the server connection).
AUTOCOMMIT = os.environ.get("CAL_AUTOCOMMIT") == "1"


def _handle(environ, start_response):
    db_connection = psycopg2.connect(**DB)
    db_connection.autocommit = AUTOCOMMIT
    db_cursor = db_connection.cursor()
    db_cursor.execute("""
        SELECT a.first_name, a.last_name
        FROM actor AS a
        LIMIT 1000;
    """)
    results = db_cursor.fetchall()
    print(f"{len(results)} rows fetched")

    db_cursor.close()
    db_connection.close()

    start_response("204 No Content", [])
    return [b""]


def application(environ, start_response):
    # When the handler ran, for run.sh's NAME.rN.cpu.txt (time.time(), one line per call,
    # one write: four workers share the log file), and in which worker.
    start = time.time()
    try:
        response = _handle(environ, start_response)
    except Exception:
        sys.stdout.write(f"failed request start={start:.6f} end={time.time():.6f} pid={os.getpid()}\n")
        raise
    sys.stdout.write(f"handled request start={start:.6f} end={time.time():.6f} pid={os.getpid()}\n")
    return response
