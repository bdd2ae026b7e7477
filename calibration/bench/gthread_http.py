"""Summarizes calibration/gthread_http.sh: per worker set-up, the worker's CPU per request
with keep-alive (server.requestCpu) and the extra per new connection (server.acceptCpu),
computed as costs.py computes them for costs.sh (idle CPU subtracted), median and range
over the rounds, and gthread's against gevent's of the same round.

  gthread_http.py RAWDIR ROUNDS [C]
"""
import json
import statistics
import sys

from costs import by_rep, idle_rate, worker_per_req

raw, rounds = sys.argv[1], int(sys.argv[2])
c = sys.argv[3] if len(sys.argv) > 3 else "10"
SETUPS = ["gevent", "gthread10", "gthread50"]
figures = {s: {"requestCpu": [], "acceptCpu": []} for s in SETUPS}
for r in range(1, rounds + 1):
    for s in SETUPS:
        with open(f"{raw}/{s}.r{r}.json") as f:
            data = json.load(f)
        idle = idle_rate(data)
        for rep in by_rep([x for x in data["records"] if x["label"] != "idle"]):
            for label in ("ka", "noka"):
                if rep[label]["statuses"] != {"204": rep[label]["n"]}:
                    sys.exit(f"{s} round {r}: {label} statuses {rep[label]['statuses']}")
            req = worker_per_req(rep["ka"], idle)
            figures[s]["requestCpu"].append(req)
            figures[s]["acceptCpu"].append(worker_per_req(rep["noka"], idle) - req)


def ms(x):
    return f"{x * 1000:.4f}"


print(f"{raw}: the worker's CPU per request on the trivial handler (hey -c {c}), idle subtracted; {rounds} rounds alternated")
for s in SETUPS:
    for k in ("requestCpu", "acceptCpu"):
        xs = figures[s][k]
        print(f"{s} {k}: median {ms(statistics.median(xs))} ms ({ms(min(xs))}-{ms(max(xs))}); rounds {' '.join(ms(x) for x in xs)}")
for s in SETUPS[1:]:
    for k in ("requestCpu", "acceptCpu"):
        diffs = [a - b for a, b in zip(figures[s][k], figures["gevent"][k])]
        print(f"{s} {k} less gevent's of the same round: median {ms(statistics.median(diffs))} ms ({ms(min(diffs))}-{ms(max(diffs))})")
