"""The postmaster's CPU per connection when connections arrive all at once (it forks
back to back) against one at a time (it wakes for each).

  fork_burst.py --postmaster PID --n N --reps R

burst: N connections started at once (psycopg2.connect(async_=1): each sends its SYN and
startup packet immediately), then completed and closed; sequential: N psycopg2.connect +
close one after another. Per batch, the postmaster's own CPU (schedstat) per connection,
and its children's (cutime+cstime, 10 ms ticks: the backends that exited, read 0.3 s after
the last close). Alternates the two R times; prints one line per batch, then the backends'
summary, then the postmaster's (last: bench/make_scenario.py reads it).
"""
import argparse
import os
import select
import statistics
import time

import psycopg2
import psycopg2.extensions as ext

import procstat as ps

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    dbname="postgres",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)


def wait_all(conns):
    pending = {c: ext.POLL_WRITE for c in conns}
    while pending:
        r = [c for c, s in pending.items() if s == ext.POLL_READ]
        w = [c for c, s in pending.items() if s == ext.POLL_WRITE]
        rr, ww, _ = select.select(r, w, [], 10)
        for c in set(rr) | set(ww):
            s = c.poll()
            if s == ext.POLL_OK:
                del pending[c]
            else:
                pending[c] = s


def burst(n):
    conns = [psycopg2.connect(async_=1, **DB) for _ in range(n)]
    wait_all(conns)
    for c in conns:
        c.close()


def sequential(n):
    for _ in range(n):
        psycopg2.connect(**DB).close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--postmaster", type=int, required=True)
    ap.add_argument("--n", type=int, default=90)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    seq, bur = [], []
    backends = {"sequential": [], "burst": []}
    burst(10)  # warm-up, not recorded
    for rep in range(1, a.reps + 1):
        for name, fn, out in (("sequential", sequential, seq), ("burst", burst, bur)):
            time.sleep(0.5)
            p0, c0 = ps.cpu(a.postmaster), ps.stat(a.postmaster)
            t0 = time.monotonic()
            fn(a.n)
            t1 = time.monotonic()
            time.sleep(0.3)
            p1, c1 = ps.cpu(a.postmaster), ps.stat(a.postmaster)
            out.append((p1 - p0) / a.n)
            children = (c1["cutime"] + c1["cstime"] - c0["cutime"] - c0["cstime"]) / a.n
            backends[name].append(children)
            print(f"rep {rep} {name}: {a.n} connections in {t1 - t0:.3f} s, postmaster {out[-1] * 1e3:.3f} ms per connection, "
                  f"backends {children * 1e3:.2f} ms per connection", flush=True)
    med = statistics.median
    shares = [b / s for s, b in zip(backends["sequential"], backends["burst"]) if s > 0]
    if shares:
        print(f"backends per connection: one at a time {med(backends['sequential']) * 1e3:.2f} ms, started at once "
              f"{med(backends['burst']) * 1e3:.2f} ms; at-once share {med(shares):.3f} (range {min(shares):.3f}-{max(shares):.3f}, "
              f"{len(shares)} pairs)")
    ratios = [b / s for s, b in zip(seq, bur)]
    print(f"postmaster per connection: one at a time {med(seq) * 1e3:.3f} ms, back to back {med(bur) * 1e3:.3f} ms; "
          f"back-to-back share {med(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f}, {len(ratios)} pairs)")


if __name__ == "__main__":
    main()
