"""What a sync worker does after it closes its database connection, from the scheduler's
trace of the kit's sync storm (sync_close.sh). psycopg2's close writes the Terminate, which
wakes the connection's backend for the last time before it exits; from that wake-up (logged
in the worker's context) to the worker's next sleep, the worker answers hey, accepts its next
connection, reads the request and starts its next connect, which sleeps waiting for the
server. For each such close: whether the backend was woken onto the worker's own core,
whether the worker left its core runnable (preempted) before that sleep and to whom, and the
stretch's length and the part of it the worker spent waiting for a core, split at the
worker's wake of the postmaster (its next connect: the accept the postmaster sleeps in). Then the
refused connections: from the worker's SYN to its SSL request, and from the backend's last
wake-up to its exit. Last, for every preemption of a worker by a backend (by the postmaster, by hey), how many other
workers ran on its core before it ran again (calibration/sync_close_model.mjs gives the model's). Medians, means and
90th percentiles.

  sync_close.py TRACE POSTMASTER_PID
"""
import bisect
import re
import sys

from schedtrace import SWITCH, WAKE, events

EXIT = re.compile(r"comm=(.*?) pid=(\d+) prio=\d+")


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")


def line(name, xs, unit="ms"):
    if not xs:
        return f"  {name}: none"
    ms = [x * 1000 for x in xs]
    return f"  {name}: n {len(ms)}, median {q(ms, 0.5):.2f} {unit}, mean {sum(ms) / len(ms):.2f}, p90 {q(ms, 0.9):.2f}"


def main():
    pm = int(sys.argv[2])
    with open(sys.argv[1]) as f:
        evs = events(f)
    comm = {}
    for _, _, _, kind, rest in evs:
        if kind == "sched_switch":
            m = SWITCH.search(rest)
            if m:
                comm[int(m.group(2))] = m.group(1)
                comm[int(m.group(5))] = m.group(4)
    # Each backend's last wake-up, and by whom; the exits.
    last_wake = {}  # backend -> (t, cpu logged on, waker, target cpu)
    closes = []
    for t, cpu, ctx, kind, rest in evs:
        if kind == "sched_wakeup":
            m = WAKE.search(rest)
            if m and m.group(1) == "postgres" and int(m.group(2)) != pm:
                last_wake[int(m.group(2))] = (t, cpu, ctx, int(m.group(3)))
        elif kind == "sched_process_exit":
            m = EXIT.search(rest)
            if m and m.group(1) == "postgres" and int(m.group(2)) in last_wake:
                w = last_wake.pop(int(m.group(2)))
                if comm.get(w[2], "") not in ("postgres", "hey") and not comm.get(w[2], "").startswith(("swapper", "kworker", "ksoftirq")):
                    closes.append((w[0], w[1], w[2], w[3], int(m.group(2))))
    # Each worker's switches, in time order: (t, 'out'|'in', state, next pid).
    by_worker = {}
    workers = {c[2] for c in closes}
    for t, cpu, _, kind, rest in evs:
        if kind != "sched_switch":
            continue
        m = SWITCH.search(rest)
        if not m:
            continue
        prev, state, nxt = int(m.group(2)), m.group(3), int(m.group(5))
        if prev in workers:
            by_worker.setdefault(prev, []).append((t, "out", state, nxt))
        if nxt in workers:
            by_worker.setdefault(nxt, []).append((t, "in", "", prev))
    # The worker's connect wakes the postmaster (its SYN completes the handshake the
    # postmaster's accept waits on): each worker's wakes of the postmaster, in time order.
    syn = {}
    for t, _, ctx, kind, rest in evs:
        if kind == "sched_wakeup" and ctx in workers:
            m = WAKE.search(rest)
            if m and int(m.group(2)) == pm:
                syn.setdefault(ctx, []).append(t)
    # The workers runnable on each core, waiting for it (not running), at each close.
    waiting_at = {}
    state = {}  # worker -> (cpu, 'wait' | 'run' | 'sleep')
    close_keys = {(c[0], c[2]) for c in closes}
    for t, cpu, ctx, kind, rest in evs:
        if kind == "sched_wakeup":
            m = WAKE.search(rest)
            if m and int(m.group(2)) in workers:
                state[int(m.group(2))] = (int(m.group(3)), "wait")
            if (t, ctx) in close_keys:
                waiting_at[(t, ctx)] = sum(1 for p, (c, st) in state.items() if c == cpu and st == "wait" and p != ctx)
        elif kind == "sched_switch":
            m = SWITCH.search(rest)
            if not m:
                continue
            prev, st, nxt = int(m.group(2)), m.group(3), int(m.group(5))
            if prev in workers:
                state[prev] = (cpu, "wait" if st.startswith("R") else "sleep")
            if nxt in workers:
                state[nxt] = (cpu, "run")
    same_core = preempted = by_backend = 0
    stretch, waited, first_wait, to_syn, after_syn = [], [], [], [], []
    for t0, cpu, w, target, backend in closes:
        sw = [s for s in by_worker.get(w, []) if s[0] >= t0]
        if target == cpu:
            same_core += 1
        # Until the worker's next sleep: its preemptions and the waits after them.
        wait, since, pre, first = 0.0, None, False, None
        end = None
        for t, d, state, other in sw:
            if d == "out":
                if state.startswith("R"):
                    if not pre:
                        by_backend += other == backend
                    pre = True
                    since = t
                else:
                    end = t
                    break
            elif since is not None:
                wait += t - since
                if first is None:
                    first = t - since
                since = None
        if end is None:
            continue
        preempted += pre
        s_at = next((t for t in syn.get(w, []) if t0 <= t <= end), None)
        if s_at is not None:
            to_syn.append(s_at - t0)
            after_syn.append(end - s_at)
        stretch.append(end - t0)
        waited.append(wait)
        if first is not None:
            first_wait.append(first)
    # Every preemption of a worker in the trace (not only at a close) by a backend, the
    # postmaster or hey: how many other workers ran on its core before it ran again.
    switches = []
    for t, cpu, _, kind, rest in evs:
        if kind == "sched_switch":
            m = SWITCH.search(rest)
            if m:
                switches.append((t, cpu, int(m.group(2)), m.group(3), int(m.group(5))))
    ins = {}
    for i, (_, _, _, _, nxt) in enumerate(switches):
        ins.setdefault(nxt, []).append(i)

    def next_in(pid, i):
        """The index of `pid`'s first switch onto a core after switch `i`, or None."""
        js = ins.get(pid, [])
        k = bisect.bisect_right(js, i)
        return js[k] if k < len(js) else None
    def taker(pid):
        if pid == pm:
            return "the postmaster"
        return {"postgres": "a backend", "hey": "hey"}.get(comm.get(pid, ""))

    before = {}
    # By the worker's run since it last woke (its CPU since it last slept), for a backend's
    # preemptions: how often it ran again before any other worker.
    since_wake, ran_since, last_in = {}, {}, {}
    by_run = {}
    for i, (t, cpu, prev, st, nxt) in enumerate(switches):
        if prev in workers:
            ran_since[prev] = ran_since.get(prev, 0.0) + t - last_in.get(prev, t)
            if st.startswith("R") and taker(nxt) == "a backend":
                back = next_in(prev, i)
                if back is not None:
                    ran = {x[4] for x in switches[i:back] if x[1] == cpu and x[4] in workers and x[4] != prev}
                    b = by_run.setdefault(min(6, int(ran_since[prev] / 0.0005)), [0, 0])
                    b[0] += 1
                    b[1] += not ran
            if not st.startswith("R"):
                ran_since[prev] = 0.0
        last_in[nxt] = t
    for i, (_, cpu, prev, st, nxt) in enumerate(switches):
        kind = taker(nxt)
        if prev in workers and st.startswith("R") and kind is not None:
            back = next_in(prev, i)
            if back is None:
                continue
            ran = {x[4] for x in switches[i:back] if x[1] == cpu and x[4] in workers and x[4] != prev}
            before.setdefault(kind, [0] * 6)[min(5, len(ran))] += 1
    n = len(stretch)
    print(f"  closes traced: {len(closes)}, with the worker's next sleep in the trace: {n}")
    print(f"  the backend woken onto the worker's own core: {same_core} of {len(closes)}")
    ws = sorted(waiting_at.values())
    if ws:
        print(f"  other workers runnable on the closing worker's core, waiting for it, at the close: median {q(ws, 0.5)}, mean {sum(ws) / len(ws):.1f}, p10 {q(ws, 0.1)}, p90 {q(ws, 0.9)}")
    print(f"  the worker preempted before its next sleep: {preempted} of {n}, its first taker the backend it woke: {by_backend}")
    print(line("from the Terminate's wake-up to the worker's next sleep", stretch))
    print(line("of it, waiting for a core", waited))
    print(line("the first wait, where preempted", first_wait))
    print(line("from the Terminate's wake-up to the worker's wake of the postmaster (its next connect)", to_syn))
    print(line("from that wake to the worker's next sleep", after_syn))
    print("  a worker preempted by a backend, by its run since it last woke: " + ", ".join(
        f"{k * 0.5:.1f}{'+' if k == 6 else f'-{k * 0.5 + 0.5:.1f}'} ms first again {v[1] / v[0]:.2f} of {v[0]}" for k, v in sorted(by_run.items())))
    # The refused connections (a backend woken three times or fewer, all by one worker, that
    # exited: the SSL request, the startup packet, refused at InitProcess): from the worker's
    # wake of the postmaster (its SYN) to its first wake of the backend (its SSL request, when
    # the backend was already waiting for it), and from the backend's last wake to its exit.
    wakes_of, exit_at = {}, {}
    for t, _, ctx, kind, rest in evs:
        if kind == "sched_wakeup":
            m = WAKE.search(rest)
            if m and m.group(1) == "postgres" and int(m.group(2)) != pm:
                wakes_of.setdefault(int(m.group(2)), []).append((t, ctx))
        elif kind == "sched_process_exit":
            m = EXIT.search(rest)
            if m:
                exit_at[int(m.group(2))] = t
    to_request, to_exit = [], []
    for b, ws in wakes_of.items():
        if b not in exit_at or len(ws) > 3 or ws[0][1] not in workers or any(x != ws[0][1] for _, x in ws):
            continue
        before = [t for t in syn.get(ws[0][1], []) if t <= ws[0][0]]
        if before:
            to_request.append(ws[0][0] - before[-1])
            to_exit.append(exit_at[b] - ws[-1][0])
    print(line("a refused connection: from the worker's SYN to its SSL request's wake-up", to_request))
    print(line("a refused connection: from the backend's last wake-up to its exit", to_exit))
    for kind in ("a backend", "the postmaster", "hey"):
        if kind in before:
            print(f"  a worker preempted by {kind} (at any moment): other workers run on its core before it runs again, 0/1/2/3/4/5+: {' / '.join(map(str, before[kind]))}")


main()
