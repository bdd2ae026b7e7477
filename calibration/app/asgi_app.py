# Not from the article: the ASGI side of the kit (uvicorn.sh). A FastAPI app served by
# gunicorn's uvicorn.workers.UvicornWorker, each worker process with its own asyncpg pool
# (min_size and max_size from CAL_POOL_MIN / CAL_POOL_MAX, default 10 and 10, asyncpg's
# defaults), opened at start-up as asyncpg does. By path:
#   /          async, trivial: 204, no database
#   /query     async: acquire a pooled connection, the actors query (200 rows), release
#   /sleep     async: acquire, SELECT pg_sleep(0.02), release (a 20 ms query)
#   /connect   async: asyncpg.connect, the actors query, close (a new connection per request)
#   /sync      def (FastAPI runs it in its threadpool, anyio's 40 threads): time.sleep(0.05)
#   /sync0     def, nothing: the threadpool's own cost
#   /syncport  /sync, logging when the request reached the app (an async dependency, on
#              the loop), when its thread started it and the client's port
#              (threadpool_order.sh: which waiting request a freed thread goes to)
# Each logs "handled request start=T end=T" (or "failed request ..." before re-raising),
# as the WSGI handlers do, for bench/loadrun.py. At start-up each worker logs its boot
# ("worker boot pid=P forked=T startup=T cpu=S": when it was forked, when its startup
# event ran, and the CPU it had used by then, all of it its own since the fork reset its
# counters) and then its pool's end ("pool ready"/"pool failed at start-up" with end=T).
import os
import sys
import time


def forked_at():
    """When this process was forked, as epoch seconds: its age (/proc/uptime less its starttime, in clock ticks) before now."""
    with open("/proc/self/stat") as f:
        ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))


import asyncpg
from fastapi import Depends, FastAPI, Request, Response

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=int(os.environ.get("CAL_PGPORT", "5432")),
    database="dvdrental",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
ACTORS = "SELECT a.first_name, a.last_name FROM actor AS a LIMIT 1000;"
app = FastAPI()
pool = None


@app.on_event("startup")
async def startup():
    global pool
    sys.stdout.write(f"worker boot pid={os.getpid()} forked={forked_at():.2f} startup={time.time():.6f}"
                     f" cpu={time.process_time():.6f}\n")
    try:
        pool = await asyncpg.create_pool(min_size=int(os.environ.get("CAL_POOL_MIN", "10")),
                                         max_size=int(os.environ.get("CAL_POOL_MAX", "10")), **DB)
        sys.stdout.write(f"pool ready pid={os.getpid()} end={time.time():.6f}\n")
    except Exception as e:  # noqa: BLE001 - the boot storm: log the refusal, serve without a pool
        sys.stdout.write(f"pool failed at start-up: {type(e).__name__}: {e} (pid={os.getpid()} end={time.time():.6f})\n")
    sys.stdout.flush()


def logged(fn):
    async def wrapper():
        start = time.time()
        try:
            r = await fn()
        except Exception:
            sys.stdout.write(f"failed request start={start:.6f} end={time.time():.6f}\n")
            raise
        sys.stdout.write(f"handled request start={start:.6f} end={time.time():.6f}\n")
        return r
    wrapper.__name__ = fn.__name__
    return wrapper


@app.get("/")
async def trivial():
    return Response(status_code=204)


@app.get("/query")
@logged
async def query():
    async with pool.acquire() as con:
        await con.fetch(ACTORS)
    return Response(status_code=204)


@app.get("/sleep")
@logged
async def sleep():
    async with pool.acquire() as con:
        await con.fetch("SELECT pg_sleep(0.02)")
    return Response(status_code=204)


@app.get("/connect")
@logged
async def connect():
    con = await asyncpg.connect(**DB)
    try:
        await con.fetch(ACTORS)
    finally:
        await con.close()
    return Response(status_code=204)


@app.get("/sync")
def sync():
    time.sleep(0.05)
    return Response(status_code=204)


async def arrived() -> float:
    return time.monotonic()


@app.get("/syncport")
def syncport(request: Request, at: float = Depends(arrived)):
    started = time.monotonic()
    time.sleep(0.05)
    sys.stdout.write(f"syncport port={request.client.port} arrived={at:.6f} started={started:.6f} end={time.monotonic():.6f}\n")
    return Response(status_code=204)


@app.get("/sync0")
def sync0():
    return Response(status_code=204)


# The name the kit's gunicorn_up serves (lib.sh: MODULE:application).
application = app
