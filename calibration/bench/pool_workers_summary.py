"""pool_workers.sh's table: per configuration and round, Requests/sec, the workers' CPU
per request (every worker's, summed; lib.sh's measure) and the machine's busy cores; then
the medians, and the 4-worker load's CPU per request over the 1-worker one, round by round
(each pair run minutes apart at most).

  pool_workers_summary.py RESULTS_DIR ROUNDS
  pool_workers_summary.py --concurrency RAW.json    (PART=concurrency: bench_http.py's batches)
  pool_workers_summary.py --warm RESULTS_DIR ROUNDS (PART=warm: three runs per gunicorn)
"""
import json
import re
import statistics
import sys

CONFIGS = ("1x400-c400", "4x100-c400", "1x400-c5")


def one(d, config, i):
    hey = open(f"{d}/poolworkers-{config}.r{i}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+(\S+)", hey).group(1))
    n = sum(int(x) for x in re.findall(r"\[\d{3}\]\s+(\d+) responses", hey))
    cpu = open(f"{d}/poolworkers-{config}.r{i}.cpu.txt").read()
    w = float(re.search(r"workers cpu: (\S+)", cpu).group(1))
    busy = float(re.search(r"machine busy cpu: \S+ \(share (\S+) cores", cpu).group(1))
    return rps, w / n * 1000, busy


def concurrency(path):
    records = [r for r in json.load(open(path))["records"] if r["label"] != "idle"]
    labels = list(dict.fromkeys(r["label"] for r in records))
    by = {k: [r["worker_cpu"] / r["n"] * 1000 for r in records if r["label"] == k] for k in labels}
    print("One gevent worker, SQLAlchemy's pool of 10 without overflow (/wait10) and a trivial request,")
    print("keep-alive, batches alternated (pool_workers.sh PART=concurrency): the worker's CPU per request, ms")
    for k in labels:
        print(f"{k:<14} median {statistics.median(by[k]):.4f}  reps " + " ".join(f"{x:.4f}" for x in by[k]))
    for a, b in (("trivial-c400", "trivial-c5"), ("wait10-c10", "wait10-c5"), ("wait10-c400", "wait10-c5")):
        ratios = [x / y for x, y in zip(by[a], by[b])]
        print(f"{a} over {b}, rep by rep: " + ", ".join(f"{r:.2f}" for r in ratios))


def warm(d, rounds):
    print("SQLAlchemy's pool of 10 per gevent worker, /wait10, -c 400: three runs in one gunicorn, the first after it booted (pool_workers.sh PART=warm)")
    print("configuration  gunicorn  run  Requests/sec  workers ms/request")
    firsts = {c: [] for c in CONFIGS[:2]}
    for c in CONFIGS[:2]:
        for g in range(1, rounds + 1):
            ms = []
            for r in (1, 2, 3):
                rps, m, _ = one(d, f"warm-{c}-g{g}", r)
                ms.append(m)
                print(f"{c:<14} {g:<9} {r:<4} {rps:<13.1f} {m:.4f}")
            firsts[c].append(ms[0] / statistics.mean(ms[1:]))
    for c, ratios in firsts.items():
        print(f"{c}: the first run over the mean of the next two: " + ", ".join(f"{x:.2f}" for x in ratios))


def main():
    if sys.argv[1] == "--warm":
        warm(sys.argv[2], int(sys.argv[3]))
        return
    if sys.argv[1] == "--concurrency":
        concurrency(sys.argv[2])
        return
    d, rounds = sys.argv[1], int(sys.argv[2])
    rows = {c: [one(d, c, i) for i in range(1, rounds + 1)] for c in CONFIGS}
    print("SQLAlchemy's pool of 10 per gevent worker, /wait10, keep-alive 2, alternately (pool_workers.sh)")
    print("configuration  round  Requests/sec  workers ms/request  busy cores")
    for c in CONFIGS:
        for i, (rps, ms, busy) in enumerate(rows[c], 1):
            print(f"{c:<14} {i:<6} {rps:<13.1f} {ms:<19.4f} {busy:.2f}")
    for c in CONFIGS:
        ms = [r[1] for r in rows[c]]
        print(f"{c}: workers' CPU per request median {statistics.median(ms):.4f} ms ({min(ms):.4f}-{max(ms):.4f})")
    ratios = [a[1] / b[1] for a, b in zip(rows["4x100-c400"], rows["1x400-c400"])]
    print("4 x 100 over 1 x 400 at -c 400, round by round: " + ", ".join(f"{r:.2f}" for r in ratios))
    ratios = [a[1] / b[1] for a, b in zip(rows["1x400-c400"], rows["1x400-c5"])]
    print("1 x 400 at -c 400 over -c 5, round by round: " + ", ".join(f"{r:.2f}" for r in ratios))


main()
