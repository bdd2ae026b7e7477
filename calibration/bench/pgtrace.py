"""Splits each backend's CPU into phases, from a system-wide perf trace (costs.sh):

  perf probe -x .../postgres --add InitProcess --add ReadyForQuery --add proc_exit
  perf record -a -e sched:sched_switch -e sched:sched_process_fork -e sched:sched_process_exit \
      -e probe_postgres:InitProcess -e probe_postgres:ReadyForQuery -e probe_postgres:proc_exit ...
  perf script -F comm,tid,cpu,time,event,trace | pgtrace.py POSTMASTER_PID > RAW.json

For every child the postmaster forked during the trace: its on-CPU time (sched_switch
in to out, on each CPU) from the fork to the first call of InitProcess (when the backend
takes its PGPROC slot: before it, fork's aftermath in the child and BackendInitialize,
which reads the startup packet), from there to the first ReadyForQuery (the server side
of authentication and InitPostgres; the backend is ready for queries), from there to
proc_exit (the client's Terminate message) and from proc_exit to its last switch-out
(exit). A refused backend never reaches ReadyForQuery: its time after InitProcess is the
FATAL "sorry, too many clients already" and the exit.
"""
import json
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^(.*?)\s+(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+([\w:]+):\s?(.*)$")


def main():
    pm = int(sys.argv[1])
    running = {}  # cpu -> (pid, since)
    intervals = defaultdict(list)
    marks = defaultdict(dict)
    forked = {}
    exited = {}
    for line in sys.stdin:
        m = LINE.match(line.rstrip("\n"))
        if not m:
            continue
        _, tid, cpu, t, event, rest = m.groups()
        tid, cpu, t = int(tid), int(cpu), float(t)
        if event == "sched:sched_switch":
            prev = int(re.search(r"prev_pid=(\d+)", rest).group(1))
            nxt = int(re.search(r"next_pid=(\d+)", rest).group(1))
            if cpu in running and running[cpu][0] == prev:
                intervals[prev].append((running[cpu][1], t))
            running[cpu] = (nxt, t)
        elif event == "sched:sched_process_fork":
            parent = int(re.search(r"\bpid=(\d+)", rest).group(1))
            child = int(re.search(r"child_pid=(\d+)", rest).group(1))
            if parent == pm:
                forked[child] = t
        elif event == "sched:sched_process_exit":
            exited.setdefault(tid, t)
        elif event.startswith("probe_postgres:"):
            marks[tid].setdefault(event.split(":", 1)[1], t)

    def on_cpu(pid, a, b):
        return sum(max(0.0, min(e, b) - max(s, a)) for s, e in intervals[pid])

    backends = []
    for pid, t_fork in forked.items():
        if pid not in exited or "InitProcess" not in marks[pid]:
            continue  # still running at the end, or not a backend
        end = max(e for _, e in intervals[pid]) if intervals[pid] else exited[pid]
        slot = marks[pid]["InitProcess"]
        ready = marks[pid].get("ReadyForQuery")
        pexit = marks[pid].get("proc_exit")
        rec = {"pid": pid, "total": on_cpu(pid, t_fork, end + 1), "startup": on_cpu(pid, t_fork, slot),
               "wall_to_slot": slot - t_fork, "wall_total": end - t_fork}
        if ready is not None:
            rec["start"] = on_cpu(pid, slot, ready)
            rec["ready"] = rec["startup"] + rec["start"]
            rec["after_ready"] = on_cpu(pid, ready, end + 1)
            if pexit is not None:
                rec["terminate"] = on_cpu(pid, ready, pexit)
                rec["exit"] = on_cpu(pid, pexit, end + 1)
        else:
            rec["refused"] = on_cpu(pid, slot, end + 1)
        backends.append(rec)

    def summary(key, recs):
        xs = [r[key] for r in recs if key in r]
        if not xs:
            return None
        return {"n": len(xs), "median": statistics.median(xs), "mean": statistics.fmean(xs), "min": min(xs), "max": max(xs)}

    ok = [r for r in backends if "ready" in r]
    refused = [r for r in backends if "refused" in r]
    out = {
        "postmaster": pm,
        "children_forked": len(forked),
        "successful": {k: summary(k, ok) for k in ("total", "startup", "start", "ready", "after_ready", "terminate", "exit", "wall_to_slot", "wall_total")},
        "refused": {k: summary(k, refused) for k in ("total", "startup", "refused", "wall_to_slot", "wall_total")},
        "backends": backends,
    }
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
