#!/usr/bin/env python3
"""Each wait of a psycopg2 connect in a gevent process, with the loop iterations it spanned.

  loop_turns.py N ROUNDS [RAW]   N greenlets at once, each: connect (scram-sha-256), the
                                 actors query, close; ROUNDS times; prints one line per kind
                                 of wait, by when it began, then the order in which a turn
                                 answers the waits that were ready when it began; RAW: every
                                 wait, one per line

A psycopg2 wait callback like psycogreen's (poll, then wait_read or wait_write on gevent's
hub) that records, for every wait, which one it is in its connection (the first is the
connected socket's write, then the server's 'N', the write of the startup packet,
AuthenticationSASL, the server-first message, the final message...), when it began and
ended, and libev's iteration count (loop.iteration) at both ends. Waits of each kind that
began in the same 20 ms window are set side by side, so a kind answered sooner than
another at the same moment shows, and how many turns of the loop each took.

Environment: CAL_PGHOST, CAL_PGPORT, CAL_PGPASSWORD (the kit's PostgreSQL).
"""
from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

import gevent  # noqa: E402
import psycopg2  # noqa: E402
from gevent.socket import wait_read, wait_write  # noqa: E402
from psycopg2 import extensions  # noqa: E402

HUB = gevent.get_hub()
WAITS = []  # (connection, index, state, start, end, iteration at start, at end)
CURRENT = {}


def wait_callback(conn, timeout=None):
    key = id(conn)
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            break
        i = CURRENT.get(key, 0)
        CURRENT[key] = i + 1
        t0, it0 = time.perf_counter(), HUB.loop.iteration
        if state == extensions.POLL_READ:
            wait_read(conn.fileno(), timeout=timeout)
        elif state == extensions.POLL_WRITE:
            wait_write(conn.fileno(), timeout=timeout)
        else:
            raise psycopg2.OperationalError(f"bad poll state {state}")
        WAITS.append((key, i, "R" if state == extensions.POLL_READ else "W", t0, time.perf_counter(), it0, HUB.loop.iteration))


extensions.set_wait_callback(wait_callback)


def one():
    conn = psycopg2.connect(host=os.environ["CAL_PGHOST"], port=os.environ["CAL_PGPORT"], user="postgres",
                            password=os.environ["CAL_PGPASSWORD"], dbname="dvdrental")
    CURRENT[id(conn)] = 100  # the query's waits, apart from the connect's
    cur = conn.cursor()
    cur.execute("SELECT actor_id, first_name, last_name, last_update FROM actor")
    cur.fetchall()
    conn.close()
    # Python reuses the id of a freed object: the next connection's count starts afresh.
    del CURRENT[id(conn)]


def main():
    n, rounds = int(sys.argv[1]), int(sys.argv[2])
    t_start = []
    for _ in range(rounds):
        t_start.append(time.perf_counter())
        gevent.joinall([gevent.spawn(one) for _ in range(n)])
        gevent.sleep(0.5)
    # Per kind (index in the connect, state): the waits that began in each 20 ms window of a round.
    windows = defaultdict(lambda: defaultdict(list))
    for _, i, st, t0, t1, it0, it1 in WAITS:
        base = max(s for s in t_start if s <= t0)
        w = int((t0 - base) / 0.02)
        windows[w][(i, st)].append(((t1 - t0) * 1e3, it1 - it0))
    kinds = sorted({k for w in windows.values() for k in w})
    print(f"{n} greenlets x {rounds} rounds, one gevent process; each wait: median ms (turns of the loop) [count], by when it began")
    print("kinds: " + ", ".join(f"{i}{st}" for i, st in kinds))
    for w in sorted(windows):
        cells = []
        for k in kinds:
            xs = windows[w].get(k)
            if xs:
                cells.append(f"{k[0]}{k[1]} {statistics.median(x[0] for x in xs):6.1f} ({statistics.median(x[1] for x in xs):.0f}) [{len(xs)}]")
        print(f"{w * 20:4d}-{w * 20 + 20:4d} ms: " + "; ".join(cells))


def order():
    # Write waits are ready as soon as they begin (the socket is writable), so two that
    # began in the same turn of the loop and were answered in the next show that turn's
    # order: first come first served answers the earlier first, libev's ev_invoke_pending
    # (pending watchers taken from the end of the array) the later.
    by_turn = defaultdict(list)
    for _, i, st, t0, t1, it0, it1 in WAITS:
        if st == "W" and it1 == it0 + 1:
            by_turn[it0].append((t0, t1))
    earlier_first = later_first = 0
    for ws in by_turn.values():
        ws.sort()
        for a in range(len(ws)):
            for b in range(a + 1, len(ws)):
                if ws[a][1] < ws[b][1]:
                    earlier_first += 1
                elif ws[a][1] > ws[b][1]:
                    later_first += 1
    total = earlier_first + later_first
    print(f"order within a turn: of {total} pairs of write waits begun in one turn and answered in the next, "
          f"{earlier_first} answered the earlier first ({earlier_first / max(total, 1):.0%}), {later_first} the later first")


if __name__ == "__main__":
    main()
    order()
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            for w in WAITS:
                f.write(" ".join(str(x) for x in w) + "\n")
