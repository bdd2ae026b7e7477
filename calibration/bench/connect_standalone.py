"""The client's CPU in psycopg2.connect() + close() in a process of its own
(CLOCK_PROCESS_CPUTIME_ID), plain or under gevent with psycogreen, as bench_db.py's
connect batch measures it for costs.sh; connect_in_worker.sh sets it beside the same in a
gunicorn gevent worker.  Usage: connect_standalone.py plain|green N PORT"""
import sys
import time

mode, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if mode == "green":
    from gevent import monkey

    monkey.patch_all()
    import psycogreen.gevent

    psycogreen.gevent.patch_psycopg()
import psycopg2  # noqa: E402

DB = dict(host="127.0.0.1", port=port, dbname="dvdrental", user="postgres", password="password")


def cpu():
    return time.clock_gettime(time.CLOCK_PROCESS_CPUTIME_ID)


for _ in range(20):
    psycopg2.connect(**DB).close()
t = cpu()
for _ in range(n):
    psycopg2.connect(**DB).close()
print(f"{(cpu() - t) / n * 1000:.3f}")
