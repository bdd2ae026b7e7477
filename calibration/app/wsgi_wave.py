# Not from the article: the article's pg_sleep(1) handler (connect, SELECT pg_sleep(1), close)
# in a gunicorn gevent worker, with a psycogreen-like wait callback that logs every wait of
# every connection with the turn of the worker's loop it ended in (a prepare watcher counts
# the loop's iterations: libev runs prepare watchers once an iteration, before it polls).
# One line per event on stdout, for calibration/wave_turns.sh (bench/wave_turns.py):
# "wave start|wait|resume|done t=... iter=... g=... n=... kind=R|W".
import os
import sys
import time

import gevent
import psycopg2
from gevent.socket import wait_read, wait_write
from psycopg2 import extensions

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    dbname="postgres",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
_iteration = [0]
_prepare = gevent.get_hub().loop.prepare(ref=False)
_prepare.start(lambda: _iteration.__setitem__(0, _iteration[0] + 1))
_lines = []


def _log(what, n=0, kind=""):
    _lines.append(f"wave {what} t={time.time():.6f} iter={_iteration[0]} g={id(gevent.getcurrent())} n={n} kind={kind}\n")


def wait_callback(conn, timeout=None):
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            break
        kind = "R" if state == extensions.POLL_READ else "W"
        _log("wait", kind=kind)
        if state == extensions.POLL_READ:
            wait_read(conn.fileno(), timeout=timeout)
        elif state == extensions.POLL_WRITE:
            wait_write(conn.fileno(), timeout=timeout)
        else:
            raise psycopg2.OperationalError(f"bad poll state {state}")
        _log("resume", kind=kind)


extensions.set_wait_callback(wait_callback)


def application(environ, start_response):
    _log("start")
    conn = psycopg2.connect(**DB)
    _log("connected")
    cur = conn.cursor()
    cur.execute("SELECT pg_sleep(1.0)")
    _log("done")
    cur.close()
    conn.close()
    # Written once the wave's queries are in, so that the log's own writes stay out of it.
    if _lines:
        sys.stdout.write("".join(_lines))
        _lines.clear()
    start_response("204 No Content", [])
    return [b""]
