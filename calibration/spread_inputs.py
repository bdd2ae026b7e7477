#!/usr/bin/env python3
"""Which inputs decide the model's spread: the spread rows of a series (predict_series.mjs
FROM --only '^spread-') priced from SCENARIO, then again with each input that OTHER measured
differently taken from OTHER, one at a time, then with all of OTHER's. A diagnostic of the
model, not a measurement; it writes nothing but calibration/.spread-inputs.json, removed at
the end. Node only (npm run build first).

  calibration/spread_inputs.py a1204- calibration/measured-linux-2core-amd1204-auto.json \\
      calibration/measured-linux-2core-amd1204-busy.json [PATH=VALUE ...]

PATH=VALUE: extra figures of SCENARIO to price as well (e.g. app.steps.0.turnCpu=0.00015).
"""
import copy
import json
import os
import subprocess
import sys

KIT = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(KIT)
TMP = os.path.join(KIT, ".spread-inputs.json")
SECTIONS = ("client", "server", "machine", "app", "database")


def leaves(x, path=()):
    """(path, value) of every setting, a distribution or a list being one value."""
    if isinstance(x, dict) and "dist" not in x:
        for k, v in x.items():
            yield from leaves(v, path + (k,))
    elif isinstance(x, list) and path[-1:] == ("steps",):
        for i, v in enumerate(x):
            yield from leaves(v, path + (i,))
    else:
        yield path, x


def put(scenario, path, value):
    at = scenario
    for k in path[:-1]:
        at = at[k]
    at[path[-1]] = copy.deepcopy(value)


def show(x):
    return "a distribution" if isinstance(x, dict) else json.dumps(x)


def spread(prefix, scenario):
    with open(TMP, "w") as f:
        json.dump(scenario, f)
    out = subprocess.run(["node", "calibration/predict_series.mjs", prefix, os.path.relpath(TMP, ROOT), "--only",
                          "^spread-"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rows = [line for line in out.splitlines()[1:] if "Slowest-Fastest" in line]
    return "; ".join(f"{r.split(':')[0]} {r.split('Slowest-Fastest ')[1]}" for r in rows)


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    prefix, base_path, other_path, *extra = sys.argv[1:]
    base = json.load(open(os.path.join(ROOT, base_path)))
    other = json.load(open(os.path.join(ROOT, other_path)))
    theirs = {p: v for s in SECTIONS for p, v in leaves(other.get(s, {}), (s,))}
    try:
        print(f"the spread rows of {prefix}* (Slowest-Fastest, median and range of the seeds), priced from {base_path}")
        print(f"as measured: {spread(prefix, base)}")
        for s in SECTIONS:
            for p, v in leaves(base.get(s, {}), (s,)):
                if p in theirs and theirs[p] != v:
                    sc = copy.deepcopy(base)
                    put(sc, p, theirs[p])
                    print(f"{'.'.join(map(str, p))} {show(v)} -> {show(theirs[p])} (of {other_path}): {spread(prefix, sc)}")
        for e in extra:
            p, value = e.split("=", 1)
            sc = copy.deepcopy(base)
            put(sc, tuple(int(k) if k.isdigit() else k for k in p.split(".")), json.loads(value))
            print(f"{p}={value}: {spread(prefix, sc)}")
        print(f"every input of {other_path}: {spread(prefix, other)}")
    finally:
        if os.path.exists(TMP):
            os.remove(TMP)


if __name__ == "__main__":
    main()
