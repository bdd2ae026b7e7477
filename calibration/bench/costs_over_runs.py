"""Every costs.sh run the kit saved (results/costs.*.json), side by side: the medians of
the costs that carry the load rows, and where the kit's scenario's costs
(results/costs.json, calibration/measured-linux-2core.json) sit among them. This machine's
speed moves from minute to minute; the table says how far, and whether the costs the kit
ships are a typical moment or an extreme one.

  costs_over_runs.py RESULTS_DIR
"""
import glob
import json
import os
import statistics
import sys

KEYS = (
    ("server.requestCpu", "worker per trivial request"),
    ("dbConnect.cpu", "libpq connect, scram"),
    ("database.postmasterCpu", "postmaster per connection"),
    ("database.backendStartCpu", "backend holding its slot"),
    ("database.backendExitCpu", "backend exit"),
    ("worker.actorsRequestCpu", "worker per actors request"),
)


def medians(path):
    return {c["path"]: c["median"] for c in json.load(open(path))["costs"]}


def main():
    d = sys.argv[1]
    runs = {}
    for f in sorted(glob.glob(os.path.join(d, "costs.*.json"))):
        runs[os.path.basename(f)[len("costs."):-len(".json")]] = medians(f)
    shipped = medians(os.path.join(d, "costs.json"))
    print(f"{len(runs)} costs.sh runs (results/costs.*.json), medians in ms; the kit's scenario: results/costs.json")
    print("run".ljust(20) + "".join(k.split(".")[-1][:16].rjust(18) for k, _ in KEYS))
    for name, m in runs.items():
        print(name.ljust(20) + "".join((f"{m[k] * 1000:.3f}" if k in m else "-").rjust(18) for k, _ in KEYS))
    print()
    for k, what in KEYS:
        xs = sorted(m[k] for m in runs.values() if k in m)
        below = sum(x < shipped[k] for x in xs)
        print(f"{k} ({what}): runs {xs[0] * 1000:.3f}-{xs[-1] * 1000:.3f} ms, median {statistics.median(xs) * 1000:.3f}; "
              f"the kit's scenario {shipped[k] * 1000:.3f}, above {below} of {len(xs)} runs")


main()
