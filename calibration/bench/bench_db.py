"""PostgreSQL micro-benchmarks of costs.sh (plain psycopg2, no gevent, one process).

  bench_db.py connect --postmaster PID --n N --reps R --out RAW.json --log LOG [--auth NAME]
  bench_db.py refused --postmaster PID --n N --reps R --out RAW.json --log LOG
  bench_db.py query   --postmaster PID --n N --reps R --out RAW.json --log LOG

connect: N sequential psycopg2.connect + close (dbname postgres, user postgres, password,
  127.0.0.1, whatever pg_hba.conf says). Per connection: this process's CPU in connect()
  and in close() (CLOCK_PROCESS_CPUTIME_ID, exact), and the backend's CPU when it is ready
  for queries (/proc/<backend>/schedstat, read 2 ms after connect() returned, the backend
  pid from libpq, no query sent). Per batch: the postmaster's own CPU (schedstat) and its
  children's (cutime+cstime: the backends that exited; read 0.3 s after the last close),
  then the same two over an idle interval as long as the batch.
refused: the same with PostgreSQL full (fill_pg.py holds every slot): N sequential
  connect attempts, each refused with "sorry, too many clients already".
query: on one open connection to dvdrental, N times each: the actors query and
  SELECT pg_sleep(0) (execute + fetchall, psycopg2's implicit BEGIN included, ROLLBACK
  after each outside the measurement), the backend's CPU (schedstat, read 0.3 ms after
  fetchall returned) and this process's; and the actors query as the first query of
  fresh connections (cold catalog caches, as in the handler), N / 4 of them.
"""
import argparse
import json
import os
import statistics
import sys
import time

import psycopg2

import procstat as ps

DB = dict(
    host=os.environ.get("CAL_PGHOST", "127.0.0.1"),
    port=os.environ.get("CAL_PGPORT", "5432"),
    dbname="postgres",
    user="postgres",
    password=os.environ.get("CAL_PGPASSWORD", "password"),
)
ACTORS = """
        SELECT a.first_name, a.last_name
        FROM actor AS a
        LIMIT 1000;
    """
pcpu = time.process_time


def backend_cpu(pid):
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def pm_snapshot(pm):
    s = ps.stat(pm)
    return ps.cpu(pm), s["cutime"] + s["cstime"], time.monotonic()


def pm_delta(a, b):
    return {"pm_cpu": b[0] - a[0], "children_cpu": b[1] - a[1], "wall": b[2] - a[2]}


def idle_interval(pm, seconds):
    a = pm_snapshot(pm)
    time.sleep(seconds)
    b = pm_snapshot(pm)
    return pm_delta(a, b)


def connect_batch(pm, n, refused=False):
    connect_cpu, close_cpu, ready = [], [], []
    errors = {}
    o0 = ps.others()
    a = pm_snapshot(pm)
    for _ in range(n):
        c0 = pcpu()
        try:
            conn = psycopg2.connect(**DB)
        except psycopg2.OperationalError as e:
            c1 = pcpu()
            connect_cpu.append(c1 - c0)
            msg = str(e).strip().splitlines()[0]
            errors[msg] = errors.get(msg, 0) + 1
            continue
        c1 = pcpu()
        connect_cpu.append(c1 - c0)
        pid = conn.info.backend_pid
        time.sleep(0.002)
        ready.append(backend_cpu(pid))
        c2 = pcpu()
        conn.close()
        close_cpu.append(pcpu() - c2)
    time.sleep(0.3)
    b = pm_snapshot(pm)
    rec = pm_delta(a, b)
    rec["others"] = ps.others_delta(o0, ps.others())
    rec.update(n=n, connect_cpu=connect_cpu, close_cpu=close_cpu, ready=ready, errors=errors,
               idle=idle_interval(pm, rec["wall"]))
    if refused and len(ready):
        sys.exit("bench_db.py refused: a connection succeeded; is PostgreSQL full?")
    if not refused and errors:
        sys.exit(f"bench_db.py connect: errors {errors}")
    return rec


def query_batch(n):
    o0 = ps.others()
    conn = psycopg2.connect(**dict(DB, dbname="dvdrental"))
    pid = conn.info.backend_pid
    cur = conn.cursor()
    out = {}
    for name, sql in (("actors", ACTORS), ("pg_sleep0", "SELECT pg_sleep(0)")):
        # Warm the caches (one of each), then measure.
        cur.execute(sql)
        cur.fetchall()
        conn.rollback()
        be, cl, rows = [], [], 0
        for _ in range(n):
            b0 = backend_cpu(pid)
            c0 = pcpu()
            cur.execute(sql)
            rows = len(cur.fetchall())
            c1 = pcpu()
            time.sleep(0.0003)
            be.append(backend_cpu(pid) - b0)
            cl.append(c1 - c0)
            conn.rollback()
        out[name] = {"backend": be, "client": cl, "rows": rows}
    conn.close()
    # The first query of a fresh connection.
    be, cl = [], []
    for _ in range(max(1, n // 4)):
        conn = psycopg2.connect(**dict(DB, dbname="dvdrental"))
        pid = conn.info.backend_pid
        cur = conn.cursor()
        time.sleep(0.002)
        b0 = backend_cpu(pid)
        c0 = pcpu()
        cur.execute(ACTORS)
        cur.fetchall()
        c1 = pcpu()
        time.sleep(0.0003)
        be.append(backend_cpu(pid) - b0)
        cl.append(c1 - c0)
        conn.close()
    out["actors_first"] = {"backend": be, "client": cl}
    out["others"] = ps.others_delta(o0, ps.others())
    return out


def med_ms(xs):
    return f"{statistics.median(xs) * 1000:.4f} ms" if xs else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["connect", "refused", "query"])
    ap.add_argument("--postmaster", type=int, required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--auth", default="scram-sha-256")
    ap.add_argument("--out", required=True)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    records = []
    with open(a.log, "a") as log:
        log.write(f"# bench_db.py {a.mode} auth {a.auth} n {a.n} reps {a.reps}, postmaster {a.postmaster}\n")
        # Warm-up, not recorded.
        if a.mode in ("connect", "refused"):
            connect_batch(a.postmaster, 10, refused=a.mode == "refused")
        for rep in range(1, a.reps + 1):
            load = ps.loadavg()
            if a.mode == "query":
                rec = query_batch(a.n)
                log.write(f"rep {rep} (load average {load}): " + ", ".join(
                    f"{k}: backend {med_ms(v['backend'])}, client {med_ms(v['client'])}" for k, v in rec.items() if k != "others")
                    + f"; others (nice, steal) {rec['others']['nice_cores']:.3f}, {rec['others']['steal_cores']:.3f} cores\n")
            else:
                rec = connect_batch(a.postmaster, a.n, refused=a.mode == "refused")
                log.write(
                    f"rep {rep} (load average {load}): wall {rec['wall']:.3f} s, client connect cpu "
                    f"{sum(rec['connect_cpu']) / a.n * 1000:.4f} ms/attempt, close {med_ms(rec['close_cpu'])}, "
                    f"backend ready {med_ms(rec['ready'])}, postmaster {rec['pm_cpu'] / a.n * 1000:.4f} ms/attempt, "
                    f"children {rec['children_cpu'] / a.n * 1000:.4f} ms/attempt; idle interval: postmaster "
                    f"{rec['idle']['pm_cpu'] * 1000:.3f} ms, children {rec['idle']['children_cpu'] * 1000:.1f} ms; "
                    f"others (nice, steal) {rec['others']['nice_cores']:.3f}, {rec['others']['steal_cores']:.3f} cores; "
                    f"errors {rec['errors']}\n")
            log.flush()
            rec.update(rep=rep, loadavg=load, auth=a.auth, mode=a.mode)
            records.append(rec)
    with open(a.out, "w") as f:
        json.dump({"mode": a.mode, "auth": a.auth, "n": a.n, "records": records}, f)


if __name__ == "__main__":
    main()
