"""Reads a tracefs trace of the scheduler's events (sched_switch, sched_wakeup,
sched_wakeup_new, sched_migrate_task; calibration/wakeups.sh) on stdin and prints, for one
load run: how much of the time the gunicorn worker ran, and how much it was runnable but
waiting, split by what the other core did meanwhile (ran something, or idled); where
woken PostgreSQL backends ran (their previous core, and how often that was so while
another core was idle); where the postmaster's forks went (the worker's core or another);
how often the worker moved; and what a wake-up onto the core where the worker was running
did there: at the core's next switch, did the woken task take the core from the still
runnable worker (a new process, sched_wakeup_new, counted apart), and how soon; counted by
switch, since several tasks may be woken there before one switch. That last
is machine.wakeupPreemption's measurement (bench/make_scenario.py)."""
import argparse
import collections
import re
import sys

from schedtrace import SWITCH, WAKE, events as read_events

MIGRATE = re.compile(r"comm=(.*?) pid=(\d+) prio=\d+ orig_cpu=(\d+) dest_cpu=(\d+)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", type=int, required=True)
    ap.add_argument("--postmaster", type=int, required=True)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    w, pm = args.worker, args.postmaster
    events = read_events(sys.stdin)
    if not events:
        print(f"{args.label}: no events traced")
        return
    running = {}  # cpu -> pid running there (0: idle)
    last_cpu = {}  # pid -> the cpu it last ran on
    worker_state, worker_cpu = "run", None
    time_in = collections.Counter()
    wakes = collections.Counter()
    forks = collections.Counter()
    worker_moves = 0
    # cpu -> [(t, pid, new?)]: wake-ups onto the worker's core while it ran there, until that core's next switch.
    pending = collections.defaultdict(list)
    woken_onto = collections.Counter()  # (new?, outcome)
    preempt_delays = {False: [], True: []}
    t0 = last = events[0][0]
    for t, cpu, by, kind, rest in events:
        dt = t - last
        last = t
        if dt > 0 and worker_cpu is not None:
            others = [c for c in running if c != worker_cpu]
            other_idle = any(running.get(c, 0) == 0 for c in others)
            if worker_state == "run":
                time_in["run"] += dt
            elif worker_state == "wait":
                time_in["wait, another core idle" if other_idle else "wait, every core busy"] += dt
        if kind == "sched_switch":
            m = SWITCH.search(rest)
            _, prev, state, _, nxt = m.groups()
            prev, nxt = int(prev), int(nxt)
            running[cpu] = nxt
            # One switch ends the wait of every task woken there since the last: count it once
            # per kind (woken, new), as taken when it went to one of them.
            woken = pending.pop(cpu, [])
            # New processes are counted only where no woken task waited with them, so that
            # what took the worker's core was theirs to take.
            alone = all(nw for _, _, nw in woken)
            for new in (False, True):
                waiting = {pid: tw for tw, pid, nw in woken if nw == new}
                if not waiting or (new and not alone):
                    continue
                if prev != w:
                    outcome = "the worker had gone"
                elif not state.startswith("R"):
                    outcome = "the worker slept first"
                elif nxt in waiting:
                    outcome = "took the core from the worker"
                    preempt_delays[new].append(t - waiting[nxt])
                else:
                    outcome = "the worker gave the core to another"
                woken_onto[(new, outcome)] += 1
            last_cpu[prev] = cpu
            last_cpu[nxt] = cpu
            if prev == w:
                worker_state = "wait" if state.startswith("R") else "sleep"
                worker_cpu = cpu
            if nxt == w:
                worker_state = "run"
                worker_cpu = cpu
        elif kind == "sched_migrate_task":
            m = MIGRATE.search(rest)
            if int(m.group(2)) == w:
                worker_moves += 1
        elif kind in ("sched_wakeup", "sched_wakeup_new"):
            m = WAKE.search(rest)
            comm, pid, target = m.group(1), int(m.group(2)), int(m.group(3))
            if pid != w and running.get(target) == w and worker_state == "run":
                pending[target].append((t, pid, kind == "sched_wakeup_new"))
            if not comm.startswith("postgres") or pid == pm:
                continue
            if kind == "sched_wakeup_new":
                if by == pm and worker_cpu is not None:
                    forks["to the worker's core" if target == worker_cpu else "to another core"] += 1
                continue
            prev = last_cpu.get(pid)
            if prev is None:
                continue
            idle_elsewhere = any(p == 0 for c, p in running.items() if c != prev)
            key = ("previous core" if target == prev else "another core", "another core idle" if idle_elsewhere else "no other core idle")
            wakes[key] += 1
    span = last - t0
    run = time_in["run"]
    wait_busy = time_in["wait, every core busy"]
    wait_idle = time_in["wait, another core idle"]
    n_wakes = sum(wakes.values())
    prev_all = wakes[("previous core", "another core idle")] + wakes[("previous core", "no other core idle")]
    idle_cases = wakes[("previous core", "another core idle")] + wakes[("another core", "another core idle")]
    n_forks = sum(forks.values())
    onto_worker = forks["to the worker's core"]
    print(
        f"{args.label}: traced {span:.2f} s; the worker ran {run / span:.2f} of the time, waited for a core "
        f"{(wait_busy + wait_idle) / span:.2f} ({wait_busy / span:.2f} with every core busy, {wait_idle / span:.2f} "
        f"with another core idle); backends woke {n_wakes} times, on their previous core {prev_all / max(1, n_wakes):.2f}; "
        f"with another core idle {idle_cases} times, of which on their previous (busy) core "
        f"{wakes[('previous core', 'another core idle')] / max(1, idle_cases):.2f}; the postmaster forked {n_forks} "
        f"backends, {onto_worker / max(1, n_forks):.2f} onto the worker's core; "
        f"the worker moved {worker_moves} times ({worker_moves / span:.0f} a second)"
    )
    for new, what in ((False, "woken tasks"), (True, "new processes alone")):
        n = sum(v for (nw, _), v in woken_onto.items() if nw == new)
        took = woken_onto[(new, "took the core from the worker")]
        line = (f"  switches of the worker's core after {what} were put on it while the worker ran: {n}; one of them "
                f"took the core at that switch {took / max(1, n):.2f}")
        if preempt_delays[new]:
            d = sorted(preempt_delays[new])
            line += f", a median {d[len(d) // 2] * 1e6:.0f} us after its wake-up"
        others = ", ".join(f"{o} {v}" for (nw, o), v in sorted(woken_onto.items()) if nw == new and o != "took the core from the worker")
        print(line + (f" (otherwise: {others})" if others else ""))


if __name__ == "__main__":
    main()
