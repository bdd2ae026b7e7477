"""The ASGI side's figures (uvicorn.sh): the UvicornWorker's CPU per request from
results/uvicorn-http.json (per batch: worker CPU minus its idle CPU over the same time,
per request; medians over the repetitions), asyncpg's client CPU
(results/uvicorn-asyncpg-costs.txt), and each load run's Requests/sec and status codes.

  uvicorn_summary.py RESULTS
"""
import glob
import json
import re
import statistics
import sys
from collections import defaultdict


def main():
    d = sys.argv[1]
    recs = json.load(open(f"{d}/uvicorn-http.json"))["records"]
    idle = statistics.median(r["worker_cpu"] / r["worker_wall"] for r in recs if r["label"] == "idle")
    per = defaultdict(list)
    for r in recs:
        if r["label"] != "idle":
            per[r["label"]].append((r["worker_cpu"] - idle * r["worker_wall"]) / r["n"])
    med = {k: statistics.median(v) for k, v in per.items()}
    print("The UvicornWorker's CPU per request (one worker, uvloop and httptools; idle CPU subtracted; medians):")
    print(f"- trivial async handler, keep-alive (hey -c 10): {med['ka'] * 1e3:.4f} ms")
    print(f"- the same, a new connection per request: {med['noka'] * 1e3:.4f} ms ({(med['noka'] - med['ka']) * 1e3:.4f} ms more)")
    print(f"- a def handler doing nothing (FastAPI's threadpool): {med['sync0'] * 1e3:.4f} ms ({(med['sync0'] - med['ka']) * 1e3:.4f} ms more)")
    print(f"- /query (pool acquire, the actors query, release) at -c 1: {med['query'] * 1e3:.4f} ms")
    print()
    for line in open(f"{d}/uvicorn-asyncpg-costs.txt"):
        if line.startswith("asyncpg") or line.startswith("loop"):
            print(line.rstrip())
    print()
    runs = defaultdict(list)
    for f in sorted(glob.glob(f"{d}/uvicorn-*.r*.txt")):
        if not re.search(r"\.r\d+\.txt$", f):
            continue
        name = re.sub(r"\.r\d+\.txt$", "", f.rsplit("/", 1)[-1])
        text = open(f).read()
        if not text.startswith("$ hey"):
            continue  # not a load run (the boot storm's records)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
        codes = dict(re.findall(r"\[(\d+)\]\s+(\d+) responses", text))
        tcp = re.search(r"ListenOverflows (\d+)", open(f[:-4] + ".cpu.txt").read())
        runs[name].append((float(rps.group(1)) if rps else 0.0, codes, "Error distribution" in text, int(tcp.group(1)) if tcp else 0))
    print("| load run | Requests/sec, median (range) | status codes (each run) | listen overflows (each run) |")
    print("|---|---|---|---|")
    for name, rs in runs.items():
        xs = [r[0] for r in rs]
        print(f"| {name} | {statistics.median(xs):.1f} ({min(xs):.1f}-{max(xs):.1f}) | "
              + "; ".join(", ".join(f"{v} x {k}" for k, v in sorted(c.items())) + (" + errors" if e else "") for _, c, e, _ in rs)
              + " | " + ", ".join(str(o) for *_, o in rs) + " |")


if __name__ == "__main__":
    main()
