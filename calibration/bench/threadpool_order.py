"""threadpool_order.sh's summary: from the /syncport lines of one run (the gunicorn log's
lines since the run began), how long requests waited for a thread of the threadpool, and
when each of hey's connections got its last response.

  threadpool_order.py LOG_EXCERPT
"""
import collections
import statistics
import sys


def q(v, p):
    return v[min(len(v) - 1, int(p * len(v)))]


def main():
    rows = []
    for line in open(sys.argv[1]):
        if not line.startswith("syncport "):
            continue
        kv = dict(x.split("=") for x in line.split()[1:])
        rows.append((kv["port"], float(kv["arrived"]), float(kv["started"]), float(kv["end"])))
    t0 = min(r[1] for r in rows)
    waits = sorted((r[2] - r[1]) * 1000 for r in rows)
    last = collections.defaultdict(float)
    for port, _, _, end in rows:
        last[port] = max(last[port], end - t0)
    ends = sorted(last.values())
    print(f"requests {len(rows)}, connections {len(ends)}; wait for a thread (ms): p50 {q(waits, 0.5):.1f}, "
          f"p90 {q(waits, 0.9):.1f}, p99 {q(waits, 0.99):.1f}, max {waits[-1]:.1f}, mean {statistics.mean(waits):.1f}; "
          f"each connection's last response (s after the first request): first {ends[0]:.3f}, median {statistics.median(ends):.3f}, "
          f"last {ends[-1]:.3f}")


if __name__ == "__main__":
    main()
