"""asyncpg's client-side CPU (uvicorn.sh): one asyncio process on uvloop when it is
installed (uvicorn's loop="auto" picks it then), each operation N times one after
another, REPS times:
  connect   asyncpg.connect + close (scram-sha-256: asyncpg computes the proof in Python)
  query     the actors query on an open connection (fetch, 200 rows)
  acquire   pool.acquire + release on a pool of 1 (no query)
This process's CPU per operation (time.process_time). Prints one line per batch and a
summary line per operation (median over the batches).

  asyncpg_costs.py --n N --reps R
"""
import argparse
import asyncio
import os
import statistics
import time

import asyncpg

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=int(os.environ.get("CAL_PGPORT", "5432")),
    database="dvdrental",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
ACTORS = "SELECT a.first_name, a.last_name FROM actor AS a LIMIT 1000;"


async def batch(op, n):
    if op == "connect":
        c0 = time.process_time()
        for _ in range(n):
            con = await asyncpg.connect(**DB)
            await con.close()
        return (time.process_time() - c0) / n
    if op == "query":
        con = await asyncpg.connect(**DB)
        await con.fetch(ACTORS)
        c0 = time.process_time()
        for _ in range(n):
            await con.fetch(ACTORS)
        r = (time.process_time() - c0) / n
        await con.close()
        return r
    pool = await asyncpg.create_pool(min_size=1, max_size=1, **DB)
    c0 = time.process_time()
    for _ in range(n):
        async with pool.acquire():
            pass
    r = (time.process_time() - c0) / n
    await pool.close()
    return r


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    res = {"connect": [], "query": [], "acquire": []}
    await batch("connect", 10)
    for rep in range(1, a.reps + 1):
        for op in res:
            res[op].append(await batch(op, a.n))
            print(f"rep {rep} {op}: {res[op][-1] * 1e3:.4f} ms per operation", flush=True)
    for op, xs in res.items():
        print(f"asyncpg {op}: median {statistics.median(xs) * 1e3:.4f} ms (range {min(xs) * 1e3:.4f}-{max(xs) * 1e3:.4f}, {len(xs)} batches of {a.n})")


if __name__ == "__main__":
    try:
        import uvloop
        uvloop.install()
        print("loop: uvloop", flush=True)
    except ImportError:
        print("loop: asyncio", flush=True)
    asyncio.run(main())
