"""A load run second by second: how the machine's CPU per request moves within one run.

  run_seconds.py stat SECONDS OUT        /proc/stat's first line every 100 ms (UNIX time, then
                                         user nice system idle iowait irq softirq steal)
  run_seconds.py summary PREFIX          for each PREFIX.rN: hey's per-request CSV (-o csv,
                                         .csv.gz), its start (.start, UNIX time) and the stat
                                         samples (.stat.txt): per second of the run, the
                                         responses, the cores busy, stolen and idle, the CPU per
                                         response and the median response time; then each
                                         run's spread of those seconds

A closed-loop run whose cores stay busy turns each second's CPU per response into its
throughput: where the cores are busy throughout and the CPU per response still moves by
half, the machine's speed moved within the run (core_speed.py measures it apart).
"""
import csv
import glob
import gzip
import math
import statistics as st
import sys
import time


def stat(seconds, out):
    end = time.time() + seconds
    with open(out, "w") as f:
        while time.time() < end:
            with open("/proc/stat") as s:
                v = s.readline().split()[1:9]
            f.write(f"{time.time():.4f} {' '.join(v)}\n")
            f.flush()
            time.sleep(0.1)


def summary(prefix):
    for start_file in sorted(glob.glob(prefix + ".r*.start")):
        run = start_file[: -len(".start")]
        start = float(open(start_file).read())
        with gzip.open(run + ".csv.gz", "rt") as f:
            rows = [(float(r["offset"]), float(r["response-time"])) for r in csv.DictReader(f)]
        samples = [list(map(float, line.split())) for line in open(run + ".stat.txt") if len(line.split()) == 9]
        end = max(o + t for o, t in rows)
        by_second = {}
        for o, t in rows:
            by_second.setdefault(int(o + t), []).append(t)
        print(f"{run}: {len(rows)} responses over {end:.1f} s")
        print("  second | responses | cores busy | stolen | idle | CPU per response (ms) | median response (ms)")
        per_response = []
        for k in sorted(by_second):
            if k + 1 > end:
                break
            inside = [s for s in samples if start + k <= s[0] < start + k + 1]
            if len(inside) < 2:
                continue
            d = [b - a for a, b in zip(inside[0][1:], inside[-1][1:])]
            total = sum(d)
            cpus = (total / (inside[-1][0] - inside[0][0])) / 100 if total else 0
            busy = (total - d[3] - d[4] - d[7]) / total * cpus
            steal = d[7] / total * cpus
            idle = (d[3] + d[4]) / total * cpus
            n = len(by_second[k])
            per_response.append(busy / n * 1000)
            print(f"  {k:6d} | {n:9d} | {busy:10.2f} | {steal:6.2f} | {idle:4.2f} | {busy / n * 1000:21.2f} | {st.median(by_second[k]) * 1000:20.0f}")
        logs = [math.log(x) for x in per_response]
        print(
            f"  CPU per response over the seconds: {min(per_response):.2f} to {max(per_response):.2f} ms, "
            f"median {st.median(per_response):.2f}; standard deviation of its logarithm {st.pstdev(logs):.3f}"
        )


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "stat":
        stat(float(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
