# The article's second handler: the same request, with psycogreen's wait callback
# installed first, so psycopg2's connect and execute yield to other greenlets.
import os
import sys
import time

import psycogreen.gevent

psycogreen.gevent.patch_psycopg()

import psycopg2  # noqa: E402  (after the patch, as in the article)

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    dbname="postgres",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)

# CAL_SLEEP (calibration/shapes-2.json): another length of the query's sleep, in seconds.
QUERY = "SELECT pg_sleep(%r)" % float(os.environ.get("CAL_SLEEP", "1.0"))


def _handle(environ, start_response):
    db_connection = psycopg2.connect(**DB)
    db_cursor = db_connection.cursor()
    db_cursor.execute(QUERY)

    db_cursor.close()
    db_connection.close()

    start_response("204 No Content", [])
    return [b""]


def application(environ, start_response):
    # When the handler ran, for run.sh's NAME.rN.cpu.txt (time.time(), one line per call,
    # one write: four workers share the log file).
    start = time.time()
    try:
        response = _handle(environ, start_response)
    except Exception:
        sys.stdout.write(f"failed request start={start:.6f} end={time.time():.6f}\n")
        raise
    sys.stdout.write(f"handled request start={start:.6f} end={time.time():.6f}\n")
    return response
