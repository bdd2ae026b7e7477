"""How far the postmaster falls behind, from a trace of a storm (postmaster_backlog.sh): each
connection to PostgreSQL's port entering the listen socket's accept queue (its server side
reaching TCP_ESTABLISHED, sock:inet_sock_set_state) and each accept() the postmaster returns
from (syscalls:sys_exit_accept or accept4, a non-negative return). The connections waiting to
be accepted over the trace (time-weighted mean, 90th percentile of the time, peak), and each
one's wait from entering the queue to its accept, the queue taken as first in, first out.

  postmaster_backlog.py TRACE PG_PORT
"""
import re
import sys

LINE = re.compile(r"\[(\d+)\].*? (\d+\.\d+): (\w+): (.*)")
ESTABLISHED = re.compile(r"sport=(\d+) .*newstate=TCP_ESTABLISHED")
# A syscall's exit reads "sys_accept -> 0x9" (or sys_accept4), its return in hex.
ACCEPTED = re.compile(r" (\d+\.\d+): sys_accept4? -> (0x[0-9a-f]+)")


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")


def main():
    port = sys.argv[2]
    ins, outs = [], []
    with open(sys.argv[1]) as f:
        for line in f:
            a = ACCEPTED.search(line)
            if a:
                if int(a.group(2), 16) < 2**31:
                    outs.append(float(a.group(1)))
                continue
            m = LINE.search(line)
            if not m:
                continue
            t, kind, rest = float(m.group(2)), m.group(3), m.group(4)
            if kind == "inet_sock_set_state":
                e = ESTABLISHED.search(rest)
                if e and e.group(1) == port:
                    ins.append(t)
    ins.sort()
    outs.sort()
    if not ins:
        print("  no connection entered the accept queue in the trace")
        return
    # Accepts of connections queued before the trace would be matched to later ones: the
    # queue is empty when the storm starts (the first connection comes with it).
    t0, t1 = ins[0], max(ins[-1], outs[-1] if outs else ins[-1])
    events = sorted([(t, 1) for t in ins] + [(t, -1) for t in outs if t >= t0])
    n, last, area, peak, spans = 0, t0, 0.0, 0, []
    for t, d in events:
        area += n * (t - last)
        spans.append((n, t - last))
        n = max(0, n + d)
        peak = max(peak, n)
        last = t
    spans.sort()
    total = sum(dt for _, dt in spans)
    acc, p90 = 0.0, 0
    for k, dt in spans:
        acc += dt
        if acc >= 0.9 * total:
            p90 = k
            break
    waits = [b - a for a, b in zip(ins, [t for t in outs if t >= t0])]
    print(f"  connections into the accept queue: {len(ins)}, accepted: {len([t for t in outs if t >= t0])}, over {t1 - t0:.2f} s")
    print(f"  waiting to be accepted: mean {area / (t1 - t0):.1f}, 90 % of the time at most {p90}, peak {peak}")
    ms = [w * 1000 for w in waits]
    if ms:
        print(f"  a connection's wait for its accept (first in, first out): median {q(ms, 0.5):.2f} ms, mean {sum(ms) / len(ms):.2f}, p90 {q(ms, 0.9):.2f}, max {max(ms):.2f}")


main()
