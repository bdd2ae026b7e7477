"""Summary of storm_timeline.sh's runs: how the first second of a real storm unfolds.

  storm_summary.py RESULTS/storm-timeline
"""
import datetime
import glob
import re
import sys

MARKS = (0.2, 0.3, 0.5, 1.0)


def by(ts, marks=MARKS):
    return "/".join(str(sum(1 for t in ts if t < m)) for m in marks)


def pglog(path):
    lines = open(path).read().splitlines()
    start = float(lines[0].split()[1])
    ev = {"received": [], "authorized": [], "refused": []}
    for line in lines[1:]:
        m = re.match(r"(\d+-\d+-\d+ \d+:\d+:\d+\.\d+) UTC,(\d+),\w+:\s+(.*)", line)
        if not m:
            continue
        t = datetime.datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp() - start
        if m[3].startswith("connection received"):
            ev["received"].append(t)
        elif m[3].startswith("connection authorized"):
            ev["authorized"].append(t)
        elif "too many clients" in m[3]:
            ev["refused"].append(t)
    return start, ev


def handlers(path, start):
    out = []
    for line in open(path):
        kv = dict(x.split("=") for x in line.split()[2:])
        out.append((float(kv["start"]) - start, line.startswith("failed")))
    return sorted(out)


def shares(path, start, t0, t1):
    rows = [line.split() for line in open(path)]
    k = len(rows[0]) - 5
    seg = [r for r in rows if t0 <= float(r[0]) - start <= t1]
    a, z = seg[0], seg[-1]
    dt = float(z[0]) - float(a[0])
    w = sum(int(z[1 + i]) - int(a[1 + i]) for i in range(k)) / 1e9 / dt
    pm = (int(z[1 + k]) - int(a[1 + k])) / 1e9 / dt
    hey = (int(z[2 + k]) - int(a[2 + k])) / 1e9 / dt if int(a[2 + k]) >= 0 else float("nan")
    busy = 2 * (int(z[3 + k]) - int(a[3 + k])) / max(1, int(z[4 + k]) - int(a[4 + k]))
    return w, pm, hey, busy


def main():
    d = sys.argv[1]
    print(f"Counts by {', '.join(f'{m} s' for m in MARKS)} after hey started (PostgreSQL's log, the handlers' log lines);")
    print("CPU in cores from 0.1 to 0.6 s (every 20 ms: schedstat of each process, /proc/stat for the machine).")
    for p in sorted(glob.glob(f"{d}/r*.pglog")):
        r = p.rsplit("/", 1)[-1].split(".")[0]
        start, ev = pglog(p)
        hs = handlers(f"{d}/{r}.handlers", start)
        failed = sum(f for _, f in hs)
        first_wave = sum(f for _, f in hs[:400])
        tcp = re.search(r"^tcp .*$", open(f"{d}/{r}.cpu.txt").read(), re.M)
        w, pm, hey, busy = shares(f"{d}/{r}.samples", start, 0.1, 0.6)
        ref = sorted(ev["refused"])
        when = f"first {ref[0]:.3f} s, median {ref[len(ref) // 2]:.3f} s; " if ref else ""
        print(f"{r}: handlers started {by([t for t, _ in hs])}; backends forked {by(ev['received'])}, authorized {by(ev['authorized'])}; "
              f"refused {len(ref)} ({when}{first_wave} of {failed} 500s among the first 400 handlers); "
              f"cores 0.1-0.6 s: workers {w:.2f}, postmaster {pm:.2f}, hey {hey:.2f}, machine {busy:.2f}; {tcp[0] if tcp else ''}")


if __name__ == "__main__":
    main()
