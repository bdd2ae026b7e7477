"""One load run of run.sh, with the CPU of every process over it.

  loadrun.py --out NAME.rN.txt --stderr FILE --cpu NAME.rN.cpu.txt
             [--gunicorn-pid PID --gunicorn-log FILE] --postmaster-pid PID
             [--hang-after SECONDS --hung NAME.rN.connections.txt] -- HEY ARGS...

Runs hey (its stdout appended to --out, which run.sh has started with the command line),
and writes --cpu: the wall time of the hey run; hey's CPU (wait4's rusage of the child);
each gunicorn worker's CPU over the run (/proc schedstat, every thread); the
postmaster's own CPU (schedstat) and the CPU of its children that exited
(cutime+cstime, the backends), over the run and including one second after it, when the
last backends have exited; the machine's busy CPU (/proc/stat) over the run; and when
the handlers were called relative to hey's start (the kit's handlers log
`handled request start=T end=T` and `failed request start=T end=T`, time.time()).
Every line is `key: value`; CPU in seconds, shares in cores. With --hang-after, a hey
still running after that many seconds (hey -t 0 waits for an answer for good, and gunicorn
20.1's gthread can leave a connection unanswered) is killed, after --hung records what the
server's connections held; the record then says "hey hung".
"""
import argparse
import os
import re
import statistics
import subprocess
import time
import urllib.parse

import procstat as ps


def snapshot(workers, master, postmaster):
    return {
        "t": time.monotonic(),
        "workers": {w: ps.cpu(w) for w in workers},
        "master": ps.cpu(master) if master else None,
        "pm": ps.cpu(postmaster),
        "pm_wait": ps.run_delay(postmaster),
        "pm_stat": ps.stat(postmaster),
        "machine": ps.machine_jiffies(),
    }


RECORD = re.compile(r"(?P<kind>handled|failed) request start=(?P<start>\S+) end=(?P<end>\S+)")


def handler_times(log, offset, start):
    """Handler calls logged after byte offset, in seconds after hey's start."""
    ok, failed = [], []
    if not log:
        return ok, failed
    with open(log, "rb") as f:
        f.seek(offset)
        for raw in f:
            # Found anywhere in a line, not only at its start: the workers share the log, and
            # the handler's print() writes its text and its newline apart, so another
            # worker's record can follow "200 rows fetched" on the same line.
            for m in RECORD.finditer(raw.decode("utf-8", "replace")):
                try:
                    s, e = float(m["start"]) - start, float(m["end"]) - start
                except ValueError:
                    continue
                (ok if m["kind"] == "handled" else failed).append((s, e))
    return ok, failed


def record_hang(path, url, after):
    """What the server's side of a hung run's connections held when hey was killed."""
    port = urllib.parse.urlsplit(url).port or 80
    try:
        ss = subprocess.run(["ss", "-tnpi", "state", "established", f"( sport = :{port} )"],
                            capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError) as e:
        ss = f"ss failed: {e}\n"
    with open(path, "w") as f:
        f.write(f"hey ran {after:g} s without ending ({time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC) and was "
                f"killed. The server's established connections on port {port} then (ss -tnpi; Recv-Q: bytes of a "
                f"request the server has not read; users: the process and its file descriptor):\n{ss}")


def fmt_times(label, calls):
    if not calls:
        return [f"{label}: 0"]
    starts = sorted(s for s, _ in calls)
    ends = sorted(e for _, e in calls)
    q = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))]  # noqa: E731
    return [
        f"{label}: {len(calls)}",
        f"{label} start (s after hey started): first {starts[0]:.4f}, p10 {q(starts, 0.1):.4f}, "
        f"median {statistics.median(starts):.4f}, p90 {q(starts, 0.9):.4f}, last {starts[-1]:.4f}",
        f"{label} end (s after hey started): first {ends[0]:.4f}, median {statistics.median(ends):.4f}, last {ends[-1]:.4f}",
        f"{label} duration (s): median {statistics.median(e - s for s, e in calls):.4f}, max {max(e - s for s, e in calls):.4f}",
    ]


# The kernel's TCP counters that tell what happened at the listening sockets (every
# socket of the machine: gunicorn's and PostgreSQL's): SYNs and ACKs dropped because an
# accept queue was full, SYNs the clients retransmitted.
TCP_COUNTERS = ("ListenOverflows", "ListenDrops", "TCPReqQFullDrop", "TCPSynRetrans", "TCPTimeouts")


def tcp_counters():
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            d = dict(zip(names.split()[1:], (int(v) for v in values.split()[1:])))
            return {k: d.get(k, 0) for k in TCP_COUNTERS}
    return {k: 0 for k in TCP_COUNTERS}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--stderr", required=True)
    ap.add_argument("--cpu", required=True)
    ap.add_argument("--gunicorn-pid", type=int)
    ap.add_argument("--gunicorn-log")
    ap.add_argument("--postmaster-pid", type=int, required=True)
    ap.add_argument("--hang-after", type=float, default=0.0, help="kill hey after this many seconds (0: never)")
    ap.add_argument("--hung", help="where to record the server's connections when hey is killed")
    ap.add_argument("hey", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    hey = a.hey[1:] if a.hey and a.hey[0] == "--" else a.hey

    master = a.gunicorn_pid
    workers = ps.children(master) if master else []
    log_offset = 0
    if a.gunicorn_log:
        with open(a.gunicorn_log, "rb") as f:
            log_offset = f.seek(0, 2)
    load_before = ps.loadavg()
    procs0 = ps.processes()
    before = snapshot(workers, master, a.postmaster_pid)
    tcp0 = tcp_counters()
    with open(a.out, "ab") as out, open(a.stderr, "wb") as err:
        record = (lambda _pid: record_hang(a.hung, hey[-1], a.hang_after)) if a.hung else None
        h = ps.run_hey(hey, out, err, hang_after=a.hang_after or None, on_hang=record)
    after = snapshot(workers, master, a.postmaster_pid)
    procs1 = ps.processes()
    tcp1 = tcp_counters()
    time.sleep(1.0)
    settled = snapshot(workers, master, a.postmaster_pid)
    load_after = ps.loadavg()

    wall = h["wall"]
    lines = [
        f"command: hey {' '.join(hey)}",
        f"load average before: {load_before}",
        f"load average after: {load_after}",
        f"hey exit status: {h['status']}",
        *([f"hey hung: killed after {a.hang_after:g} s" + (" (the server's connections then: this run's connections.txt)" if a.hung else "")]
          if h["hung"] else []),
        f"wall (hey run): {wall:.4f}",
        f"hey cpu: {h['cpu']:.4f} (user {h['user']:.4f}, sys {h['sys']:.4f})",
        f"hey share: {h['cpu'] / wall:.4f}",
    ]
    wsum = 0.0
    for w in workers:
        if before["workers"][w] is None or after["workers"][w] is None:
            lines.append(f"worker {w} cpu: gone")
            continue
        d = after["workers"][w] - before["workers"][w]
        d1 = settled["workers"][w] - before["workers"][w]
        wsum += d
        lines.append(f"worker {w} cpu: {d:.4f} (share {d / wall:.4f}; {d1:.4f} including 1 s after)")
    if workers:
        lines.append(f"workers cpu: {wsum:.4f} (share {wsum / wall:.4f})")
    if master:
        lines.append(f"gunicorn master cpu: {after['master'] - before['master']:.4f}")
    pm = after["pm"] - before["pm"]
    pm1 = settled["pm"] - before["pm"]
    ch = lambda s: s["pm_stat"]["cutime"] + s["pm_stat"]["cstime"]  # noqa: E731
    lines += [
        f"postmaster cpu: {pm:.4f} ({pm1:.4f} including 1 s after)",
        f"postmaster share: {pm / wall:.4f}",
        f"postmaster waited for a core: {after['pm_wait'] - before['pm_wait']:.4f} (schedstat's run_delay: runnable, not running)",
        f"postmaster children cpu: {ch(after) - ch(before):.2f} ({ch(settled) - ch(before):.2f} including 1 s after; "
        f"cutime+cstime, backends that exited, {1 / ps.TICK:.2f} s ticks)",
        f"postmaster children share: {(ch(after) - ch(before)) / wall:.4f}",
    ]
    busy = ps.machine_busy_cores(before["machine"], after["machine"])
    lines.append(f"machine busy cpu: {busy:.2f} (share {busy / wall:.4f} cores; /proc/stat, {1 / ps.TICK:.2f} s ticks)")
    # Work on the machine that is not the stack's nor this measurement's (hey is our child):
    # another session's benchmark shows here, where the quiet protocol checked only the start.
    # A process reaped during the run brings all its CPU into its parent's, so the sum is
    # capped by what the machine did beyond the stack's own processes (its backends remain).
    ours = {os.getpid(), master or -1, a.postmaster_pid, *workers}
    foreign = ps.foreign_cpu(procs0, procs1, ours)
    top = sorted(foreign.items(), key=lambda kv: -kv[1])[:3]
    known = h["cpu"] + wsum + (after["master"] - before["master"] if master else 0.0) + pm
    other = min(sum(foreign.values()), max(0.0, busy - known))
    lines.append(f"other processes cpu: {other:.2f} (share {other / wall:.4f} cores; "
                 f"{', '.join(f'{k} {v:.2f}' for k, v in top) or 'none'}; /proc/PID/stat, {1 / ps.TICK:.2f} s ticks)")
    lines.append("tcp (kernel TcpExt counters over the run): " + ", ".join(f"{k} {tcp1[k] - tcp0[k]}" for k in TCP_COUNTERS))
    ok, failed = handler_times(a.gunicorn_log, log_offset, h["start"])
    lines += fmt_times("handled requests", ok)
    lines += fmt_times("failed requests", failed)
    with open(a.cpu, "w") as f:
        f.write("\n".join(lines) + "\n")
    return h["status"]


if __name__ == "__main__":
    raise SystemExit(main())
