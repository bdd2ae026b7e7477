#!/usr/bin/env python3
"""The client CPU of each turn of a psycopg2 connect in a gevent process with a psycogreen-like
wait callback: where libpq's and psycopg2's work falls between the waits.

  turn_cpu.py N ROUNDS    N greenlets connecting at once (scram-sha-256), then closing; ROUNDS times

For every connection: the process's CPU (time.process_time: one thread) from psycopg2.connect()
to its first wait (libpq's PQconnectStart and psycopg2's set-up), between the end of each wait
and the start of the next (the greenlet's turn: the wait callback's poll, libpq's
PQconnectPoll reading a message and writing the next, the proof for the server-first
message), and from the last wait to connect()'s return; gevent's hub switching between
greenlets falls outside. Prints the median of each, by the wait that began it.

Environment: CAL_PGHOST, CAL_PGPORT, CAL_PGPASSWORD (the kit's PostgreSQL).
"""
from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402

import gevent  # noqa: E402

# The recording wait callback is the one app/wsgi_turns.py installs in the gunicorn worker.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "app"))
from wsgi_turns import DB, connect_by_turns  # noqa: E402

TURNS = defaultdict(list)  # turn index -> CPU seconds (0: before the first wait)
KINDS = {}  # turn index -> the kind of the wait before it


def one():
    conn, turns, kinds = connect_by_turns(**DB)
    for k, x in enumerate(turns):
        TURNS[k].append(x)
    for k, kind in enumerate(kinds, 1):
        KINDS[k] = kind
    conn.close()


def main():
    n, rounds = int(sys.argv[1]), int(sys.argv[2])
    for _ in range(rounds):
        gevent.joinall([gevent.spawn(one) for _ in range(n)])
        gevent.sleep(0.2)
    total = sum(statistics.median(v) for v in TURNS.values())
    print(f"{n} at once x {rounds}: client CPU by turn, ms (median [count]); turn k follows wait k (R read, W write)")
    for k in sorted(TURNS):
        label = "start" if k == 0 else f"after wait {k} ({KINDS.get(k, '?')})"
        print(f"  {label:22s} {statistics.median(TURNS[k]) * 1e3:7.3f} [{len(TURNS[k])}]")
    print(f"  sum of medians         {total * 1e3:7.3f}")


if __name__ == "__main__":
    main()
