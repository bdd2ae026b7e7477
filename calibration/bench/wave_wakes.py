"""Reads a tracefs trace of the scheduler's events (sched_switch, sched_waking,
sched_wakeup, sched_wakeup_new; calibration/wave_wakes.sh) on stdin and prints, for one
wave of connects: where PostgreSQL's backends were placed when they woke, by who woke them
and from which core, over the first milliseconds from the worker's first wake-up.

For each wake-up of a backend (not the postmaster): the waker's core (the core that ran
sched_waking), the backend's previous core (where it last ran), the core it was woken
onto (sched_wakeup's target_cpu), and how many tasks the waker's core had runnable just
before (from the trace: its running task plus those woken onto it or preempted there
that had not run yet). Linux's select_task_rq_fair decides it: a sync wake-up (a socket's
reader woken by its writer) from a core whose only task is the waker goes to the waker's
core (wake_affine_idle), otherwise by the two cores' loads (wake_affine_weight), then to
an idle core of the same cache if the chosen one is busy (select_idle_sibling)."""
import collections

from schedtrace import SWITCH, WAKE, WAKING, wave_start


def main():
    args, events, t0 = wave_start(lambda ap: ap.add_argument("--ms", type=float, default=300.0, help="how long from the worker's first wake-up"))
    running = {}  # cpu -> pid
    queued = collections.defaultdict(set)  # cpu -> runnable pids not running
    last_cpu = {}
    waking = {}  # pid -> (waker cpu, waker pid)
    counts = collections.Counter()
    loads = collections.defaultdict(list)  # window -> (postmaster's core, worker's core) runnable at each fork
    for t, cpu, by, kind, rest in events:
        if kind == "sched_switch":
            m = SWITCH.search(rest)
            prev, state, nxt = int(m.group(2)), m.group(3), int(m.group(5))
            running[cpu] = nxt
            last_cpu[prev] = last_cpu[nxt] = cpu
            queued[cpu].discard(nxt)
            if state.startswith("R") and prev != 0:
                queued[cpu].add(prev)
            continue
        # Outside the span only the cores' state is followed.
        if t < t0 or t > t0 + args.ms / 1000:
            continue
        if kind == "sched_waking":
            m = WAKING.search(rest)
            waking[int(m.group(2))] = (cpu, by)
        elif kind == "sched_wakeup_new":
            m = WAKE.search(rest)
            name, pid, target = m.group(1), int(m.group(2)), int(m.group(3))
            queued[target].add(pid)
            if by == args.postmaster and args.worker in last_cpu:
                wc = last_cpu[args.worker]
                window = int((t - t0) * 1000 // 50) * 50
                counts[("fork", window, "onto the worker's core" if target == wc else "onto another core")] += 1
                if cpu != wc:
                    # Tasks runnable on each core just before the fork (running or queued), the child aside.
                    loads[window].append(((running.get(cpu, 0) != 0) + len(queued[cpu] - {pid}), (running.get(wc, 0) != 0) + len(queued[wc] - {pid})))
        elif kind == "sched_wakeup":
            m = WAKE.search(rest)
            name, pid, target = m.group(1), int(m.group(2)), int(m.group(3))
            queued[target].add(pid)
            if not name.startswith("postgres") or pid == args.postmaster:
                continue
            wcpu, wpid = waking.pop(pid, (None, None))
            prev = last_cpu.get(pid)
            if wcpu is None or prev is None:
                continue
            who = "worker" if wpid == args.worker else "other"
            alone = running.get(wcpu) == wpid and not queued[wcpu] - {pid}
            if prev == wcpu:
                where = "prev (= waker's)"
            else:
                where = "prev" if target == prev else "waker's" if target == wcpu else "third"
            other_idle = any(running.get(c, 0) == 0 for c in running if c != target)
            counts[(who, "same core" if prev == wcpu else "other core", "waker alone" if alone else "waker not alone", where)] += 1
            counts[("idle elsewhere", other_idle)] += 1
    wakes = {k: v for k, v in counts.items() if k[0] in ("worker", "other")}
    n = sum(wakes.values())
    by_worker_other = {k: v for k, v in wakes.items() if k[0] == "worker" and k[1] == "other core"}
    moved = sum(v for k, v in by_worker_other.items() if k[3] == "waker's")
    alone = sum(v for k, v in by_worker_other.items() if k[2] == "waker alone")
    alone_moved = sum(v for k, v in by_worker_other.items() if k[2] == "waker alone" and k[3] == "waker's")
    on_prev = sum(v for k, v in wakes.items() if k[3].startswith("prev"))
    idle = counts[("idle elsewhere", True)]
    print(f"{args.label}: over the first {args.ms:.0f} ms, backends woke {n} times, on their previous core {on_prev / max(1, n):.2f}"
          f" (another core idle at {idle} of them); woken by the worker from another core {sum(by_worker_other.values())} times:"
          f" moved to the worker's core {moved} ({alone_moved} of the {alone} with the worker alone on its core)")
    forks = {k: v for k, v in counts.items() if k[0] == "fork"}
    windows = sorted({k[1] for k in forks})
    parts = []
    for w in windows:
        inw = {k: v for k, v in forks.items() if k[1] == w}
        total = sum(inw.values())
        onto = sum(v for k, v in inw.items() if k[2] == "onto the worker's core")
        pm_load = sorted(a for a, _ in loads[w])
        w_load = sorted(b for _, b in loads[w])
        at = f" (runnable at the fork, median: the postmaster's core {pm_load[len(pm_load) // 2]}, the worker's {w_load[len(w_load) // 2]})" if pm_load else ""
        parts.append(f"{w}-{w + 50} ms {onto} of {total}{at}")
    print("  the postmaster's forks onto the worker's core: " + ", ".join(parts))

if __name__ == "__main__":
    main()
