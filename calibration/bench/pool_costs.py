"""pool.sh's micro-benchmark: the CPU of the actors request through SQLAlchemy's pool, on
one gunicorn gevent worker (app/wsgi_pool.py) with its connections already open.

  pool_costs.py --worker PID --postmaster PID --n 3000 --reps 5 [--concurrency 5,100,1000]

Each repetition runs, alternately, hey -n N -c 5 (keep-alive; 5 at once, the pool_size,
so that no overflow connection opens and closes) on / (the handler) and on /trivial (204,
no database), and /wait (a pool of 5 without overflow) at -c 5 and -c 50. It measures the
worker's CPU (schedstat of its threads, until 0.2 s after hey exits) and the backends'
(schedstat of every child of the postmaster alive at both ends of the batch: the pool's
connections stay open). Prints, per request: the worker's CPU for the handler less the
trivial request's (SQLAlchemy's checkout and checkin, psycopg2's execute and fetchall, the
rollback on return, the log line), the backends' CPU (the query and the rollback), and a
wait's (/wait at -c 50 less -c 5), median and range. With --concurrency, only the
worker's and the backends' CPU per /wait request at each hey -c given.
"""
import argparse
import os
import statistics
import tempfile
import time

import procstat as ps

URL = "http://127.0.0.1:8000"


def backends(pm):
    # Every process whose parent is the postmaster (the pool's backends, and its auxiliary
    # processes, idle here).
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        if int(s[s.rindex(")") + 2:].split()[1]) == pm:
            out[int(d)] = ps.cpu(int(d))
    return out


def batch(path, n, worker, pm, c=5):
    b0 = backends(pm)
    w0 = ps.cpu(worker)
    with tempfile.TemporaryFile() as out:
        ps.run_hey(["-n", str(n), "-c", str(c), "-t", "0", URL + path], out)
    time.sleep(0.2)
    w1 = ps.cpu(worker)
    b1 = backends(pm)
    both = [p for p in b1 if p in b0 and b1[p] is not None and b0[p] is not None]
    db = sum(b1[p] - b0[p] for p in both)
    return (w1 - w0) / n, db / n, len(both)


def by_concurrency(o):
    batch("/wait", 300, o.worker, o.postmaster)
    for rep in range(o.reps):
        for c in (int(x) for x in o.concurrency.split(",")):
            wc, bc, _ = batch("/wait", o.n, o.worker, o.postmaster, c=c)
            print(f"round {rep + 1}, /wait -c {c}: worker {wc * 1e3:.3f} ms, backends {bc * 1e3:.3f} ms per request", flush=True)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--worker", type=int, required=True)
    a.add_argument("--postmaster", type=int, required=True)
    a.add_argument("--n", type=int, default=3000)
    a.add_argument("--reps", type=int, default=5)
    a.add_argument("--no-wait", action="store_true", help="leave out /wait's batches (a gthread worker: "
                   "hey -c 50 on a few threads can hang, docs/validation.md, \"gthread: predicted, then run\")")
    a.add_argument("--concurrency", help="instead: the worker's CPU per /wait request at each of these hey -c "
                   "(comma-separated), --reps rounds of --n requests each, alternately")
    o = a.parse_args()
    if o.concurrency:
        by_concurrency(o)
        return
    print(f"opening the pool's connections: {batch('/', 200, o.worker, o.postmaster)[2]} children of the postmaster", flush=True)
    if not o.no_wait:
        batch("/wait", 200, o.worker, o.postmaster)
    handler, trivial, backend, waits = [], [], [], []
    for r in range(o.reps):
        wh, bh, nb = batch("/", o.n, o.worker, o.postmaster)
        wt, bt, _ = batch("/trivial", o.n, o.worker, o.postmaster)
        if not o.no_wait:
            w5, _, _ = batch("/wait", o.n, o.worker, o.postmaster)
            w50, _, _ = batch("/wait", o.n, o.worker, o.postmaster, c=50)
            waits.append(w50 - w5)
            print(f"rep {r + 1}: /wait at -c 5 {w5 * 1e3:.4f} ms, at -c 50 {w50 * 1e3:.4f} ms per request", flush=True)
        handler.append(wh - wt)
        trivial.append(wt)
        backend.append(bh - bt)
        print(f"rep {r + 1}: worker {wh * 1e3:.4f} ms per handler request, {wt * 1e3:.4f} per trivial one; "
              f"backends {bh * 1e3:.4f} ms per handler request ({bt * 1e3:.4f} during the trivial batch; {nb} children)", flush=True)
    for name, v in (("worker, the handler less the trivial request", handler),
                    ("worker, the trivial request", trivial),
                    ("backends, per handler request", backend),
                    ("worker, per request that waits for a connection (pool of 5 without overflow, -c 50 less -c 5)", waits)):
        if not v:
            continue
        print(f"{name}: median {statistics.median(v) * 1e3:.4f} ms ({min(v) * 1e3:.4f}-{max(v) * 1e3:.4f}), n {len(v)}")


if __name__ == "__main__":
    main()
