"""When hey wrote a wave's requests, from spread_wire.sh's captures (storm_wire.py's events
CSV: per HTTP connection its SYN and, in column a, the time from the SYN to the request's
first data packet, ms), and whether the slowest response was the last one written.

  hey_writes.py DIR      (every DIR/cC.rN.events.csv with its DIR/cC.rN.txt, hey's output)

A batch is a run of writes with no gap over 0.5 ms between them: Go's runtime finds the
dialed connections ready a poll at a time and runs their goroutines one after another.
"""
import csv
import glob
import os
import re
import sys

GAP = 0.5


def main(d):
    for events in sorted(glob.glob(os.path.join(d, "c*.r*.events.csv"))):
        run = os.path.basename(events)[: -len(".events.csv")]
        http = [x for x in csv.reader(open(events)) if x and x[0] == "http"]
        syn = sorted(float(x[2]) for x in http)
        writes = sorted(float(x[2]) + float(x[3]) for x in http)
        batches, cur = [], [writes[0]]
        for w in writes[1:]:
            if w - cur[-1] > GAP:
                batches.append(cur)
                cur = [w]
            else:
                cur.append(w)
        batches.append(cur)
        text = open(os.path.join(d, run + ".txt")).read()
        spread = float(re.search(r"Slowest:\s+([\d.]+)", text).group(1)) - float(re.search(r"Fastest:\s+([\d.]+)", text).group(1))
        slowest = max(http, key=lambda x: float(x[4]))
        rank = writes.index(float(slowest[2]) + float(slowest[3])) + 1
        print(
            f"{run}: Slowest - Fastest {spread:.3f} s; SYNs 0-{syn[-1]:.2f} ms; writes in batches "
            + " | ".join(f"{len(b)} at {b[0]:.2f}-{b[-1]:.2f}" for b in batches)
            + f" ms; the slowest response's request was written {rank} of {len(writes)}"
        )


if __name__ == "__main__":
    main(sys.argv[1])
