#!/usr/bin/env python3
"""How many of SQLAlchemy's checkins one turn of a gevent worker's loop holds, from the
pool events app/wsgi_pool.py logs with CAL_POOL_EVENTS=1 (each with the loop iteration it
fell in): a checkin that finds pool_size connections already queued closes its own, and
the greenlets it would wake take theirs only after the turn, so the turns with more than
pool_size checkins are where an overflow connection churns (docs/validation.md, "The hub's
order within a poll"). Also how often a connection was taken from the queue between two
checkins of one turn: a checkin logs the queue before it puts its connection back (or, with
pool_size queued, closes it), so the next checkin of the turn finding fewer means requests
took them in between, which keeps the queue from filling.

    pool_iterations.py EVENTS...   each run's pool lines (pool_iterations.sh's NAME.rN.events.txt;
                                   its Requests/sec from NAME.rN.txt beside it); pool_size 5, the kit's
"""
import collections
import os
import re
import sys

EVENT = re.compile(r"^pool (connect|close|checkin) t=[\d.]+ pid=(\d+) iter=(\d+) queued=(\d+) waiters=(\d+)")


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    for path in paths:
        counts = collections.Counter()
        per_turn = collections.Counter()
        closed_with_waiters = 0
        last = {}  # (pid, iteration) -> the queue as the turn's last checkin left it
        taken = pairs = 0
        with open(path, errors="replace") as f:
            for line in f:
                m = EVENT.match(line)
                if not m:
                    continue
                what, pid, it, _queued, waiters = m.group(1), m.group(2), int(m.group(3)), int(m.group(4)), int(m.group(5))
                counts[what] += 1
                if what == "checkin":
                    per_turn[(pid, it)] += 1
                    queued = int(m.group(4))
                    if (pid, it) in last:
                        pairs += 1
                        taken += last[(pid, it)] > queued
                    last[(pid, it)] = queued + 1 if queued < 5 else queued
                elif what == "close" and waiters > 0:
                    closed_with_waiters += 1
        if not counts:
            print(f"{path}: no pool events (run with CAL_POOL_EVENTS=1)")
            continue
        rps = ""
        hey = path.replace(".events.txt", ".txt")
        if hey != path and os.path.exists(hey):
            with open(hey) as f:
                m = re.search(r"Requests/sec:\s+([\d.]+)", f.read())
            rps = f"{float(m.group(1)):.1f} req/s, " if m else ""
        hist = collections.Counter(per_turn.values())
        beyond = sum(n for k, n in hist.items() if k > 5)
        print(f"{os.path.basename(path)}: {rps}{counts['checkin']} checkins, {counts['connect']} connections opened, "
              f"{counts['close']} closed ({closed_with_waiters} while greenlets waited); "
              f"turns holding k checkins: {dict(sorted(hist.items()))}; turns with more than 5: {beyond}; "
              f"a connection taken between two checkins of a turn: {taken} of {pairs}")


if __name__ == "__main__":
    main(sys.argv[1:])
