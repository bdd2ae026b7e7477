"""Reads the lines calibration/app/wsgi_wave.py logs through one wave (wave_turns.sh) and
prints how the gevent worker's loop took the wave's connects: for each turn of the loop
(a prepare watcher's count), how many greenlets resumed from a wait and at which of their
waits (r1 the connect's first, rK the K-th), and the turn's span in ms from the wave's first
handler; then when the handlers started, when their connects returned and when they sent
their query (the second wait after the connect: psycopg2 sends BEGIN, then the query), with
hey's Slowest - Fastest; and, by wait, how many greenlets resumed only after the loop turn
that followed the one in which they began to wait (their answer missed the next poll), up
to the query's own wait; and how long a greenlet ran from each resume to its next line
(libpq's step, PQconnectPoll or the query's, with the Python around it: wall time, medians);
and whether each turn resumed its greenlets in the order they began to wait.

    python3 bench/wave_turns.py RUN.log [RUN.log ...]   (beside each, RUN.hey.txt)"""
import collections
import re
import statistics
import sys

LINE = re.compile(r"wave (\w+) t=([\d.]+) iter=(\d+) g=(\d+) n=\d+ kind=(\w*)")


def quantiles(a):
    a = sorted(a)
    return " ".join(f"{a[i]:.0f}" for i in (0, len(a) // 10, len(a) // 2, 9 * len(a) // 10, len(a) - 1))


def rank_correlation(x, y):
    """Spearman's: +1 when y orders the items as x does, -1 when it reverses them."""
    rx = {v: i for i, v in enumerate(sorted(x))}
    ry = {v: i for i, v in enumerate(sorted(y))}
    a, b = [rx[v] for v in x], [ry[v] for v in y]
    ma, mb = statistics.mean(a), statistics.mean(b)
    cov = sum((p - ma) * (q - mb) for p, q in zip(a, b))
    var = (sum((p - ma) ** 2 for p in a) * sum((q - mb) ** 2 for q in b)) ** 0.5
    return cov / var if var else float("nan")


def main():
    for path in sys.argv[1:]:
        events = []
        with open(path) as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    events.append((float(m.group(2)), m.group(1), int(m.group(3)), m.group(4)))
        if not events:
            print(f"{path}: no events")
            continue
        events.sort()
        t0 = events[0][0]
        by_greenlet = collections.defaultdict(list)
        for e in events:
            by_greenlet[e[3]].append(e)
        starts, connected, queries = [], [], []
        turns = collections.defaultdict(collections.Counter)
        resumed, skipped = collections.Counter(), collections.Counter()
        ran = collections.defaultdict(list)
        order = collections.defaultdict(list)
        span = {}
        for es in by_greenlet.values():
            starts.append((es[0][0] - t0) * 1000)
            at = next(i for i, e in enumerate(es) if e[1] == "connected")
            connected.append((es[at][0] - t0) * 1000)
            waits = [e for e in es[at:] if e[1] == "wait"]
            if len(waits) >= 2:
                queries.append((waits[1][0] - t0) * 1000)
            k = 0
            waited = None
            gaps = []
            for i, (t, what, it, _) in enumerate(es):
                if what == "wait":
                    waited, waited_at = it, t
                elif what == "resume":
                    k += 1
                    turns[it][k] += 1
                    if i + 1 < len(es):
                        ran[k].append((es[i + 1][0] - t) * 1e6)
                    if waited is not None:
                        order[it].append((t, waited_at))
                        gaps.append((k, it - waited >= 2))
                    waited = None
            # The last wait is the query's (pg_sleep's second), which no turn can catch.
            for k, skip in gaps[:-1]:
                resumed[k] += 1
                skipped[k] += skip
        for t, _, it, _ in events:
            lo, hi = span.get(it, (t, t))
            span[it] = (min(lo, t), max(hi, t))
        hey = open(path[: -len(".log")] + ".hey.txt").read()
        slowest = float(re.search(r"Slowest:\s+([\d.]+)", hey).group(1))
        fastest = float(re.search(r"Fastest:\s+([\d.]+)", hey).group(1))
        name = path.rsplit("/", 1)[-1][: -len(".log")]
        print(f"{name}: {len(by_greenlet)} handlers; Slowest - Fastest {slowest - fastest:.3f} s (Fastest {fastest:.3f}); ms from the first handler, "
              f"min p10 median p90 max: handlers started {quantiles(starts)}; connects returned {quantiles(connected)}; queries sent {quantiles(queries)}")
        print("  turns (resumes by wait, span in ms): " + " | ".join(
            f"{it}: " + (" ".join(f"r{k}x{n}" for k, n in sorted(turns[it].items())) or "-")
            + f" {(span[it][0] - t0) * 1000:.0f}-{(span[it][1] - t0) * 1000:.0f}"
            for it in sorted(span) if span[it][0] - t0 < 1.0))
        print("  ran from a resume to the next line, median us by wait: " + " ".join(f"r{k} {statistics.median(ran[k]):.0f}" for k in sorted(ran)))
        print("  order within each turn of 8 resumes or more against the order they began to wait (rank correlation, +1 the same): "
              + " ".join(f"{rank_correlation([r for r, _ in order[it]], [w for _, w in order[it]]):+.2f}" for it in sorted(order) if len(order[it]) >= 8))
        print("  resumed after a turn skipped, by wait: " + " ".join(f"r{k} {skipped[k]}/{resumed[k]}" for k in sorted(resumed) if k >= 2))


if __name__ == "__main__":
    main()
