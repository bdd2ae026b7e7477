# Not from the article: the actors query through SQLAlchemy's connection pool (QueuePool,
# pool_size 5, max_overflow 10, pool_timeout 30: SQLAlchemy 1.4's defaults), one engine
# per worker process (each worker imports this module after the fork), with psycogreen
# (unless CAL_GREEN=0, below), so a greenlet waiting for a pooled connection or a query
# lets the others run. Checking a connection in rolls its transaction back (reset on
# return). By path:
#   /         the handler: check out, the actors query (200 rows), check in
#   /wait     the same through a pool of 5 without overflow (pool.sh: a wait's CPU)
#   /wait10   the same through a pool of 10 without overflow
#   /trivial  204, no database (pool.sh subtracts it to get the handler's own CPU)
#   /connect  wsgi_patched's handler without the pool (psycopg2.connect); pool.sh's
#             pool-error calls it, and /, only while PostgreSQL is full, to compare the
#             two failure paths of a refused connection
import os
import sys
import threading
import time

# CAL_GREEN=0 (calibration/shapes-4.json's sync and gthread workers): psycopg2 as it is,
# blocking its thread; /connect (wsgi_patched's, which patches psycopg2) then serves the
# pool's handler as / does.
GREEN = os.environ.get("CAL_GREEN", "1") == "1"
if GREEN:
    import psycogreen.gevent

    psycogreen.gevent.patch_psycopg()

import sqlalchemy  # noqa: E402

# CAL_SWITCH_INTERVAL (calibration/pool_threads.sh): CPython's switch interval, seconds
# (sys.setswitchinterval; 0.005 by default): how long a thread waits for the GIL before it
# asks the holder to drop it.
if os.environ.get("CAL_SWITCH_INTERVAL"):
    sys.setswitchinterval(float(os.environ["CAL_SWITCH_INTERVAL"]))

if GREEN:
    import wsgi_patched  # noqa: E402

URL = "postgresql+psycopg2://postgres:{pw}@{host}:{port}/dvdrental".format(
    pw=os.environ.get("CAL_PGPASSWORD", "password"),
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
)
engine = sqlalchemy.create_engine(URL, pool_size=5, max_overflow=10, pool_timeout=30)
# /wait's: no overflow, so that requests beyond 5 wait for a connection and none is ever
# opened or closed under load (pool.sh's measurement of a wait's CPU).
engine_no_overflow = sqlalchemy.create_engine(URL, pool_size=5, max_overflow=0, pool_timeout=30)
# /wait10's: 10 connections, no overflow (pool.sh's held-out pool-wait10 rows).
engine_ten = sqlalchemy.create_engine(URL, pool_size=10, max_overflow=0, pool_timeout=30)

# CAL_POOL_EVENTS=1: log each connection the pool opens, checks in and closes, with the
# pool's state then (how many wait in its queue, how many greenlets wait for one), to see
# why it closes; CAL_POOL_EVENTS=2: each checkout too (calibration/gthread_trace.sh).
if os.environ.get("CAL_POOL_EVENTS") in ("1", "2"):
    import sqlalchemy.event

    def _state():
        q = engine.pool._pool
        return f"queued={q.qsize()} waiters={len(q.not_empty._waiters)} overflow={engine.pool.overflow()}"

    # Which turn of the worker's loop each event falls in: a prepare watcher counts the
    # loop's iterations (libev runs prepare watchers once an iteration, before it polls), so
    # that the checkins one iteration holds can be counted (docs/validation.md).
    import gevent

    _iteration = [0]
    _prepare = gevent.get_hub().loop.prepare(ref=False)
    _prepare.start(lambda: _iteration.__setitem__(0, _iteration[0] + 1))

    def _log(what):
        # tid: the kernel's id of the thread (a gthread worker's threads), as the scheduler's trace names it.
        return lambda *a: sys.stdout.write(
            f"pool {what} t={time.time():.6f} pid={os.getpid()} iter={_iteration[0]} {_state()} tid={threading.get_native_id()}\n"
        )

    for _what in ("connect", "close", "checkin") + (("checkout",) if os.environ["CAL_POOL_EVENTS"] == "2" else ()):
        sqlalchemy.event.listen(engine.pool if _what in ("checkin", "checkout") else engine, _what, _log(_what))

ACTORS = """
    SELECT a.first_name, a.last_name
    FROM actor AS a
    LIMIT 1000;
"""


# CAL_SEGMENTS=1 (calibration/pool_segments.sh): the handler's thread CPU in its parts,
# summed over the requests and written to CAL_SEGMENTS_OUT.<pid> at the worker's exit:
# the checkout, the query and its rows, the checkin (the rollback, the connection back in
# the queue), and what the request does after (its log lines, the response's start), which
# runs with the connection already back in the pool.
# CAL_SEGMENTS=2: each request's parts logged too, on the wall clock and the thread's CPU
# (bench/pool_holds.py): where a long hold of a connection spends its time.
SEGMENTS = os.environ.get("CAL_SEGMENTS") in ("1", "2")
HOLDS = os.environ.get("CAL_SEGMENTS") == "2"
_segments = {"checkout": 0, "query": 0, "checkin": 0, "after": 0, "requests": 0}
if SEGMENTS:
    import atexit

    def _write_segments():
        out = os.environ.get("CAL_SEGMENTS_OUT")
        if out:
            with open(f"{out}.{os.getpid()}", "w") as f:
                f.write(" ".join(f"{k}={v}" for k, v in _segments.items()) + "\n")

    atexit.register(_write_segments)


def _handle(environ, start_response, engine=engine):
    # The timed copy is apart so that the handler every other run measures stays as it was.
    if SEGMENTS:
        return _handle_timed(environ, start_response, engine)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(ACTORS).fetchall()
    print(f"{len(rows)} rows fetched")
    start_response("204 No Content", [])
    return [b""]


def _handle_timed(environ, start_response, engine):
    now = time.thread_time_ns
    wall = time.monotonic_ns
    w0, t0 = wall(), now()
    with engine.connect() as conn:
        w1, t1 = wall(), now()
        rows = conn.exec_driver_sql(ACTORS).fetchall()
        w2, t2 = wall(), now()
    w3, t3 = wall(), now()
    if HOLDS:
        sys.stdout.write(
            f"hold tid={threading.get_native_id()} at={w0} wall={w1 - w0},{w2 - w1},{w3 - w2} cpu={t1 - t0},{t2 - t1},{t3 - t2}\n"
        )
    print(f"{len(rows)} rows fetched")
    start_response("204 No Content", [])
    _segments["checkout"] += t1 - t0
    _segments["query"] += t2 - t1
    _segments["checkin"] += t3 - t2
    _segments["requests"] += 1
    # application() adds the rest of "after" once its own log line is written.
    _segments["after"] -= t3
    return [b""]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/trivial":
        start_response("204 No Content", [])
        return [b""]
    if path == "/wait":
        return _handle(environ, start_response, engine_no_overflow)
    if path == "/wait10":
        return _handle(environ, start_response, engine_ten)
    if path == "/connect" and GREEN:
        return wsgi_patched._handle(environ, start_response)
    # run.sh's NAME.rN.cpu.txt reads these lines (bench/loadrun.py).
    start = time.time()
    try:
        response = _handle(environ, start_response)
    except Exception:
        sys.stdout.write(f"failed request start={start:.6f} end={time.time():.6f} pid={os.getpid()}\n")
        raise
    sys.stdout.write(f"handled request start={start:.6f} end={time.time():.6f} pid={os.getpid()}\n")
    if SEGMENTS:
        _segments["after"] += time.thread_time_ns()
    return response
