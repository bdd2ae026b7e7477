"""drift.sh's table: per run, the probes (mean of before and after), Requests/sec and the
workers' CPU per request, and how Requests/sec and the workers' CPU follow the probes
(Pearson's r over the runs). Then the machine's speed from run to run as the simulator
takes it (machine.speedVariation): the standard deviation of the logarithm of the workers'
CPU per request over the runs. Only the wait10 configuration measures that alone: it
opens no connection and refuses none, so the same runs do the same work.

  drift_summary.py RESULTS_DIR CONFIG
"""
import math
import re
import statistics
import sys


def pearson(x, y):
    mx, my = statistics.mean(x), statistics.mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sx = sum((a - mx) ** 2 for a in x) ** 0.5
    sy = sum((b - my) ** 2 for b in y) ** 0.5
    return sxy / (sx * sy) if sx > 0 and sy > 0 else float("nan")


def main():
    d, config = sys.argv[1], sys.argv[2]
    rows = []
    for line in open(f"{d}/drift-{config}-probe.txt"):
        m = re.match(r"run (\d+): probe before \(pbkdf2 s, python loop s\) (\S+) (\S+), after (\S+) (\S+)", line)
        i = int(m.group(1))
        pb = (float(m.group(2)) + float(m.group(4))) / 2
        py = (float(m.group(3)) + float(m.group(5))) / 2
        hey = open(f"{d}/drift-{config}.r{i}.txt").read()
        rps = float(re.search(r"Requests/sec:\s+(\S+)", hey).group(1))
        n = sum(int(x) for x in re.findall(r"\[\d{3}\]\s+(\d+) responses", hey))
        cpu = open(f"{d}/drift-{config}.r{i}.cpu.txt").read()
        w = float(re.search(r"workers cpu: (\S+)", cpu).group(1))
        rows.append((i, pb, py, rps, w / n * 1000))
    print(f"{config}: run  pbkdf2 probe s  python probe s  Requests/sec  workers ms/request")
    for r in rows:
        print(f"{r[0]:<4} {r[1]:<15.4f} {r[2]:<15.4f} {r[3]:<13.1f} {r[4]:.4f}")
    for k, name in ((1, "pbkdf2 probe"), (2, "python probe")):
        x = [r[k] for r in rows]
        print(f"{name}: r with Requests/sec {pearson(x, [r[3] for r in rows]):+.2f}, "
              f"with the workers' CPU per request {pearson(x, [r[4] for r in rows]):+.2f}; "
              f"probe range {min(x):.4f}-{max(x):.4f} s")
    logs = [math.log(r[4]) for r in rows]
    print(f"machine.speedVariation: {statistics.stdev(logs):.3f} (standard deviation of ln(workers' CPU per request), "
          f"{len(rows)} runs)")


if __name__ == "__main__":
    main()
