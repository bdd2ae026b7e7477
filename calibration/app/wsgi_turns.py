# Not from the article: psycopg2.connect() and close() in a gunicorn gevent worker, with a
# psycogreen-like wait callback that records the worker's CPU in each turn of the connect
# (time.process_time from the end of one wait to the start of the next; gevent's hub
# switching between greenlets falls outside). One line per request on stdout:
# "turns MS0 MS1 ...": before the first wait, then after each wait (calibration/turn_cpu.sh).
# bench/turn_cpu.py uses connect_by_turns() in a gevent process of its own.
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
cpu = time.process_time
STATE = {}  # greenlet -> [CPU of each turn so far, CPU at the current turn's start, each wait's kind]


def wait_callback(conn, timeout=None):
    st = STATE.get(gevent.getcurrent())
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            break
        if st is not None:
            st[0].append(cpu() - st[1])
            st[2].append("R" if state == extensions.POLL_READ else "W")
        if state == extensions.POLL_READ:
            wait_read(conn.fileno(), timeout=timeout)
        elif state == extensions.POLL_WRITE:
            wait_write(conn.fileno(), timeout=timeout)
        else:
            raise psycopg2.OperationalError(f"bad poll state {state}")
        if st is not None:
            st[1] = cpu()


extensions.set_wait_callback(wait_callback)


def connect_by_turns(**db):
    """psycopg2.connect(**db), and its CPU by turn (seconds) with the kind of each wait (R, W)."""
    g = gevent.getcurrent()
    st = STATE[g] = [[], cpu(), []]
    conn = psycopg2.connect(**db)
    del STATE[g]
    st[0].append(cpu() - st[1])
    return conn, st[0], st[2]


def application(environ, start_response):
    conn, turns, _ = connect_by_turns(**DB)
    conn.close()
    sys.stdout.write("turns " + " ".join(f"{x * 1e3:.4f}" for x in turns) + "\n")
    start_response("204 No Content", [])
    return [b""]
