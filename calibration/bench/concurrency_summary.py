"""Markdown table of concurrency.sh's results (results/concurrency/): CPU per operation
at each concurrency, median (range) over the repetitions, and the change from one at a
time. docs/validation.md quotes its output.

  concurrency_summary.py RESULTS/concurrency
"""
import json
import re
import statistics as st
import sys


def fmt(xs):
    return f"{st.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"


def change(xs, base):
    return f"{(st.median(xs) / st.median(base) - 1) * 100:+.0f} %"


def table(title, rows, names):
    first = rows[min(rows)]
    out = [f"| {title} | machine busy | " + " | ".join(f"{n}, ms" for n in names) + " |",
           "|---|---|" + "---|" * len(names)]
    for k in sorted(rows):
        cols = list(zip(*rows[k]))
        cells = [f"{st.median(cols[0]):.2f}"]
        for i in range(1, len(cols)):
            cells.append(fmt(cols[i]) + ("" if k == min(rows) else f" {change(cols[i], list(zip(*first))[i])}"))
        out.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    d = sys.argv[1]
    actors = {}
    for line in open(f"{d}/actors.txt"):
        m = re.search(r"c (\d+): .*busy ([\d.]+), worker ([\d.]+) .*postmaster ([\d.]+), backends ([\d.]+)", line)
        actors.setdefault(int(m[1]), []).append([float(m[i]) for i in (2, 3, 4, 5)])
    connect = {False: {}, True: {}}
    for line in open(f"{d}/connect.jsonl"):
        r = json.loads(line)
        connect[r["query"]].setdefault(r["procs"], []).append(
            [r["busy"], r["client_ms"], r["postmaster_ms"], r["backends_ms"]])
    print(table("hey -c, /actors on 1 gevent worker", actors, ["worker", "postmaster", "backends"]))
    print()
    print(table("processes, connect + close", connect[False], ["client", "postmaster", "backends"]))
    print()
    print(table("processes, connect + actors query + close", connect[True], ["client", "postmaster", "backends"]))


if __name__ == "__main__":
    main()
