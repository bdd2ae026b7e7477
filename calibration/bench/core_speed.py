"""Each core's speed over time (machine.slowSpells): on a shared virtual machine a core
computes at one of two speeds, and switches between them every fraction of a second to
every few seconds, whatever runs on the guest (a host's other tenant on the same physical
core, by all appearances). The run-to-run drift (drift.sh, machine.speedVariation) averages
this over a run; a load run's latency distribution sees it as it happens.

  core_speed.py run SECONDS OUT     one process pinned to each core, both at once, timing
                                    fixed pieces of three kinds in turn (the interpreter,
                                    OpenSSL's PBKDF2-SHA256 as scram's proof runs it, and
                                    libc's memory search), each by its thread CPU time:
                                    OUT.coreN.txt, a line per 50 ms window: its start (s),
                                    then each kind's median piece (µs) and pieces in it
  core_speed.py summary OUT         the two speeds, the share of time slow, the spells'
                                    lengths, each kind's ratio, and the scenario's setting

The summary reads a core's speed in 50 ms windows by the median interpreter piece in each.
The windows form two clusters (the histogram in the summary shows them); they are split
at the geometric mean of the two clusters' medians, found by 2-means on the logarithm.
A spell is a run of windows on one side; its length is their count times 50 ms, so a spell
shorter than a window is not seen, and one that ends inside a window is rounded.
"""
import hashlib
import math
import os
import statistics as st
import sys
import time

WINDOW = 0.05
KINDS = ("interpreter", "pbkdf2", "memory")


def pieces():
    d = {f"k{i}": i for i in range(100_000)}
    keys = list(d)[:2000]
    blob = bytes(range(256)) * 4096

    def interpreter():
        s = 0
        for _ in range(4):
            for k in keys:
                s += d[k]
            s += len("".join(str(x) for x in range(300)))
        return s

    def pbkdf2():
        hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 400)

    def memory():
        for i in range(8):
            blob.find(b"\xff\x00\x01", i)

    return list(zip(KINDS, (interpreter, pbkdf2, memory)))


def window_lines(pieces_of):
    """Lines of OUT.coreN.txt from (seconds, kind, microseconds) in time order: a line per window."""
    current, acc = None, {}
    for t, kind, us in pieces_of:
        w = int(t / WINDOW)
        if w != current:
            if current is not None:
                yield window_line(current, acc)
            current, acc = w, {}
        acc.setdefault(kind, []).append(us)
    if current is not None:
        yield window_line(current, acc)


def window_line(w, acc):
    cells = [f"{w * WINDOW:.2f}"]
    for kind in KINDS:
        xs = acc.get(kind, [])
        cells += [f"{st.median(xs):.1f}" if xs else "-", str(len(xs))]
    return " ".join(cells) + "\n"


def probe(core, seconds, path):
    os.sched_setaffinity(0, {core})
    work = pieces()
    timed = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        for kind, f in work:
            a = time.monotonic()
            c = time.thread_time()
            f()
            e = time.thread_time()
            timed.append((a - t0, kind, (e - c) * 1e6))
    with open(path, "w") as out:
        out.write("# window start (s), then for each of " + ", ".join(KINDS) + ": median piece (us), pieces\n")
        out.writelines(window_lines(timed))


def run(seconds, out):
    cores = sorted(os.sched_getaffinity(0))
    children = []
    for core in cores:
        pid = os.fork()
        if pid == 0:
            try:
                probe(core, seconds, f"{out}.core{core}.txt")
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)


def windows(path):
    """{window index: {kind: median microseconds}} of one core's file."""
    w = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            cells = line.split()
            k = round(float(cells[0]) / WINDOW)
            w[k] = {kind: float(cells[1 + 2 * i]) for i, kind in enumerate(KINDS) if cells[1 + 2 * i] != "-"}
    return w


def two_means(logs):
    """The two clusters' centres of `logs` (1-D 2-means, started at the extremes)."""
    lo, hi = min(logs), max(logs)
    for _ in range(100):
        cut = (lo + hi) / 2
        a = [x for x in logs if x <= cut]
        b = [x for x in logs if x > cut]
        if not a or not b:
            break
        nlo, nhi = st.median(a), st.median(b)
        if (nlo, nhi) == (lo, hi):
            break
        lo, hi = nlo, nhi
    return lo, hi


def spells(flags):
    """Lengths (s) of the runs of equal flags, the first and last left out (cut by the probe's start and end)."""
    out = {True: [], False: []}
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            if start > 0 and i < len(flags):
                out[flags[start]].append((i - start) * WINDOW)
            start = i
    return out


def lognormal_of(xs):
    """Median and sigma of a log-normal with the sample's log mean and log standard deviation."""
    logs = [math.log(x) for x in xs]
    return math.exp(st.mean(logs)), st.pstdev(logs)


def summary(out):
    files = sorted(f for f in os.listdir(os.path.dirname(out) or ".") if f.startswith(os.path.basename(out) + ".core") and f.endswith(".txt"))
    base = os.path.dirname(out) or "."
    every = {True: [], False: []}
    ratios = {k: [] for k in KINDS}
    lines = []
    level = {True: [], False: []}
    slow_share = []
    for name in files:
        w = windows(os.path.join(base, name))
        keys = sorted(w)[1:-1]
        series = [(k, w[k]["interpreter"]) for k in keys if "interpreter" in w[k]]
        logs = [math.log(v) for _, v in series]
        lo, hi = two_means(logs)
        cut = (lo + hi) / 2
        flags = [x > cut for x in logs]
        s = spells(flags)
        for side in (True, False):
            every[side] += s[side]
        slow_share.append(sum(flags) / len(flags))
        level[False].append(math.exp(lo))
        level[True].append(math.exp(hi))
        slow_w = [k for (k, _), f in zip(series, flags) if f]
        fast_w = [k for (k, _), f in zip(series, flags) if not f]
        for kind in KINDS:
            fs = st.median([w[k][kind] for k in fast_w if kind in w[k]])
            ss = st.median([w[k][kind] for k in slow_w if kind in w[k]])
            ratios[kind].append(ss / fs)
        hist = {}
        for _, v in series:
            b = round(v / math.exp(lo), 1)
            hist[b] = hist.get(b, 0) + 1
        lines.append(
            f"{name}: {len(series)} windows of {WINDOW * 1000:.0f} ms; interpreter piece fast {math.exp(lo):.0f} us, "
            f"slow {math.exp(hi):.0f} us (x{math.exp(hi - lo):.2f}); slow {100 * sum(flags) / len(flags):.0f} % of the time; "
            f"slow spells {len(s[True])} (median {st.median(s[True]):.2f} s, longest {max(s[True]):.2f} s), "
            f"fast spells {len(s[False])} (median {st.median(s[False]):.2f} s, longest {max(s[False]):.2f} s)"
        )
        lines.append("  windows by their piece's time over the fast median: " + " ".join(f"{b:.1f}:{hist[b]}" for b in sorted(hist)))
    slowdown = st.median([h / l for h, l in zip(level[True], level[False])])
    slow_med, slow_sigma = lognormal_of(every[True])
    fast_med, fast_sigma = lognormal_of(every[False])
    lines.append(
        "each kind's slow over fast, by core: "
        + "; ".join(f"{k} " + ", ".join(f"x{r:.2f}" for r in ratios[k]) for k in KINDS)
    )
    lines.append(
        f"all cores: slowdown x{slowdown:.2f}; slow spells {len(every[True])}, mean {st.mean(every[True]):.2f} s "
        f"(log-normal median {slow_med:.3f} s, sigma {slow_sigma:.2f}); fast spells {len(every[False])}, mean "
        f"{st.mean(every[False]):.2f} s (log-normal median {fast_med:.3f} s, sigma {fast_sigma:.2f}); "
        f"slow {100 * st.mean(slow_share):.0f} % of the time"
    )
    setting = (
        f'"slowSpells": {{"slowdown": {slowdown:.2f}, '
        f'"slow": {{"dist": "lognormal", "median": {slow_med:.3f}, "sigma": {slow_sigma:.2f}}}, '
        f'"fast": {{"dist": "lognormal", "median": {fast_med:.3f}, "sigma": {fast_sigma:.2f}}}}}'
    )
    lines.append(f"machine.{setting}")
    print("\n".join(lines))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "run":
        run(float(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
