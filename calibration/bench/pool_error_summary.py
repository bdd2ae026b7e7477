"""pool.sh's pool-error summary: the worker's CPU per refused request through SQLAlchemy's
pool (/) and through plain psycopg2 (/connect), each less the trivial request's (/trivial,
keep-alive off as well), from bench_http.py's records (idle subtracted per repetition as
costs.py does). Prints each repetition and the medians.

  pool_error_summary.py RAW.json
"""
import json
import statistics
import sys


def main():
    data = json.load(open(sys.argv[1]))
    recs = data["records"]
    reps = sorted({r["rep"] for r in recs})
    rows = {"pool": [], "plain": []}
    for rep in reps:
        rr = [r for r in recs if r["rep"] == rep]
        idle = [r for r in rr if r["label"] == "idle"][0]
        rate = idle["worker_cpu"] / idle["worker_wall"]
        per = {r["label"]: (r["worker_cpu"] - rate * r["worker_wall"]) / r["n"] for r in rr if r["label"] != "idle"}
        st = {r["label"]: r["statuses"] for r in rr if r["label"] != "idle"}
        for k in rows:
            rows[k].append(per[k] - per["trivial"])
        print(f"rep {rep}: through the pool {(per['pool'] - per['trivial']) * 1000:.3f} ms, plain psycopg2 "
              f"{(per['plain'] - per['trivial']) * 1000:.3f} ms, trivial {per['trivial'] * 1000:.3f} ms per request; "
              f"statuses pool {st['pool']}, plain {st['plain']}")
    for k, what in (("pool", "through SQLAlchemy's pool (/)"), ("plain", "plain psycopg2 (/connect)")):
        v = rows[k]
        print(f"refused request {what}, the worker's CPU beyond a trivial request: median {statistics.median(v) * 1000:.3f} ms "
              f"(range {min(v) * 1000:.3f}-{max(v) * 1000:.3f}, {len(v)} repetitions)")
    d = [a - b for a, b in zip(rows["pool"], rows["plain"])]
    print(f"difference (pool - plain), per repetition: median {statistics.median(d) * 1000:.3f} ms "
          f"(range {min(d) * 1000:.3f}-{max(d) * 1000:.3f})")


if __name__ == "__main__":
    main()
