"""A table of the load series in results/: per configuration, the median and range over
its runs of Requests/sec, the 500s, hey's Total, the postmaster's share of a core, the
backends' (exited children's) share, the workers' share, hey's share, and the machine's
busy cores; and when the handlers were first reached.

  summarize.py results/ > results/summary.txt
"""
import glob
import os
import re
import statistics
import sys
from collections import defaultdict


def kv(path):
    out = {}
    with open(path) as f:
        for line in f:
            if ": " in line:
                k, v = line.rstrip("\n").split(": ", 1)
                out[k] = v
    return out


def num(s):
    m = re.match(r"\s*(-?[\d.]+)", s)
    return float(m.group(1)) if m else None


def share(s):
    m = re.search(r"share ([\d.]+)", s)
    return float(m.group(1)) if m else num(s)


def fmt(xs, digits=2):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    if len(xs) == 1:
        return f"{xs[0]:.{digits}f}"
    return f"{statistics.median(xs):.{digits}f} [{min(xs):.{digits}f}-{max(xs):.{digits}f}]"


def main():
    d = sys.argv[1]
    groups = defaultdict(list)
    for txt in sorted(glob.glob(os.path.join(d, "*.r*.txt"))):
        m = re.match(r"(.+)\.r(\d+)\.txt$", os.path.basename(txt))
        if not m or m.group(1).endswith(".cpu"):
            continue
        name, r = m.group(1), int(m.group(2))
        text = open(txt).read()
        rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
        total = re.search(r"Total:\s+([\d.]+) secs", text)
        s500 = re.search(r"\[500\]\s+(\d+) responses", text)
        s204 = re.search(r"\[204\]\s+(\d+) responses", text)
        row = {"r": r, "rps": float(rps.group(1)) if rps else None, "total": float(total.group(1)) if total else None,
               "500": int(s500.group(1)) if s500 else 0, "204": int(s204.group(1)) if s204 else 0}
        cpu = os.path.join(d, f"{name}.r{r}.cpu.txt")
        if os.path.exists(cpu):
            c = kv(cpu)
            row.update({
                "pm": num(c.get("postmaster share", "")),
                "children": num(c.get("postmaster children share", "")),
                "workers": share(c["workers cpu"]) if "workers cpu" in c else None,
                "hey": num(c.get("hey share", "")),
                "machine": share(c.get("machine busy cpu", "")),
                "first": num(c["handled requests start (s after hey started)"].split("first", 1)[1])
                if "handled requests start (s after hey started)" in c else None,
                "load": c.get("load average before"),
            })
        groups[name].append(row)
    cols = ["runs", "Requests/sec", "204", "500", "Total s", "postmaster", "backends", "workers", "hey", "machine", "1st handler s"]
    print("Median [min-max] over the runs. Shares are CPU / wall time of the hey run, in cores: postmaster = its own CPU;")
    print("backends = the postmaster's children that exited during the run (cutime+cstime); machine = /proc/stat, everything.")
    print("1st handler = when the first request reached a handler, seconds after hey started.\n")
    print("| name | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for name, rows in groups.items():
        g = lambda k: [r.get(k) for r in rows]  # noqa: E731
        print(f"| {name} | {len(rows)} | {fmt(g('rps'))} | {fmt(g('204'), 0)} | {fmt(g('500'), 0)} | {fmt(g('total'), 3)} | "
              f"{fmt(g('pm'), 3)} | {fmt(g('children'), 3)} | {fmt(g('workers'), 3)} | {fmt(g('hey'), 3)} | "
              f"{fmt(g('machine'), 2)} | {fmt(g('first'), 3)} |")


if __name__ == "__main__":
    main()
