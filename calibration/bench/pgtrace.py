"""Splits each backend's CPU into phases, from a system-wide perf recording (costs.sh):

  perf probe -x .../postgres --add InitProcess --add ReadyForQuery --add proc_exit [--add DisownLatch]
  perf record -a -c PERIOD_NS -e cpu-clock -e sched:sched_process_fork -e sched:sched_process_exit \
      -e probe_postgres:InitProcess -e probe_postgres:ReadyForQuery -e probe_postgres:proc_exit \
      [-e probe_postgres:DisownLatch] ...
  perf script -F comm,tid,cpu,time,event | pgtrace.py POSTMASTER_PID PERIOD_NS > RAW.json

cpu-clock samples every PERIOD of on-CPU time, in the context of whatever runs; the
uprobes mark, in each backend, when it calls InitProcess (takes its PGPROC slot; before
it: fork's aftermath in the child and BackendInitialize, which reads the startup
packet; with the optional probe_libc:setsid, also when it leaves the postmaster's session
in InitPostmasterChild, miscinit.c), ReadyForQuery (ready for queries; before it: the server side of authentication
and InitPostgres) and proc_exit (the client's Terminate has been read); with the optional
ClientAuthentication and InitializeSessionUserId probes, also where InitPostgres
(postinit.c) authenticates its client: PerformAuthentication calls ClientAuthentication,
which sends the first authentication request, after the relation and catalog caches'
first phases, and InitPostgres calls InitializeSessionUserId once the client is
authenticated, before the rest of its work (the database's caches, RelationCacheInitializePhase3);
so the backend's CPU between InitProcess and ReadyForQuery splits into before
authentication, authentication's own (the server side of scram-sha-256), and after; with the optional
DisownLatch probe, also when the backend gives its PGPROC slot back (ProcKill calls
DisownLatch just before it returns the slot to the freelist; ProcKill itself is static,
so not probeable in Debian's binary. proc.c: ProcKill is an
on_shmem_exit callback registered by InitProcess, so it runs after the before_shmem_exit
callbacks, ShutdownPostgres and the statistics flush, and after the on_shmem_exit
callbacks registered later, such as removing the backend from the ProcArray; the rest of
proc_exit and the process's exit in the kernel come after it). For every child
the postmaster forked during the recording, the samples before, between and after these
marks, times PERIOD, estimate its CPU in each phase; the fractions are what costs.py
uses (sampling costs CPU itself, so costs.py scales them to the untraced figures). A
refused backend never reaches ReadyForQuery: after InitProcess it sends the FATAL "sorry,
too many clients already" and exits.

(A first version added up sched_switch intervals instead. On this kernel/VM the switches
out of the idle task of CPU 1 are never recorded, so a backend's intervals that began on
an idle CPU 1 were lost: traced totals came out 25-35 % below the postmaster's cutime.
The samples add up to cutime within a few per cent.)
"""
import json
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^(.*?)\s+(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+(?:\d+\s+)?([\w:-]+):")


def main():
    pm, period = int(sys.argv[1]), int(sys.argv[2]) / 1e9
    samples = defaultdict(list)
    marks = defaultdict(dict)
    forked, exited = {}, {}
    lost = 0
    for line in sys.stdin:
        if "LOST" in line:
            lost += 1
            continue
        m = LINE.match(line)
        if not m:
            continue
        _, tid, _, t, event = m.groups()
        tid, t = int(tid), float(t)
        if event == "cpu-clock":
            samples[tid].append(t)
        elif event == "sched:sched_process_fork":
            f = re.search(r"comm=.* pid=(\d+) child_comm=.* child_pid=(\d+)", line)
            if f and int(f.group(1)) == pm:
                forked[int(f.group(2))] = t
        elif event == "sched:sched_process_exit":
            exited.setdefault(tid, t)
        elif event == "probe_postgres:sendAuthRequest":
            # Every call: the challenge (AuthenticationSASL), the server-first message, SASLFinal, AuthenticationOk.
            marks[tid].setdefault("sendAuthRequest", []).append(t)
        elif event.startswith("probe_postgres:") or event.startswith("probe_libc:"):
            marks[tid].setdefault(event.split(":", 1)[1], t)

    backends = []
    for pid, t_fork in forked.items():
        mk = marks[pid]
        if pid not in exited or "InitProcess" not in mk:
            continue
        s = samples[pid]
        slot = mk["InitProcess"]
        count = lambda a, b: sum(1 for x in s if a <= x < b) * period  # noqa: E731
        rec = {"pid": pid, "total": len(s) * period, "startup": count(0, slot), "wall_to_slot": slot - t_fork}
        if "setsid" in mk and mk["setsid"] <= slot:
            # Before setsid() the child is still in the postmaster's session (its autogroup).
            rec["before_setsid"] = count(0, mk["setsid"])
        if "ReadyForQuery" in mk:
            ready = mk["ReadyForQuery"]
            rec["start"] = count(slot, ready)
            auth, authed = mk.get("ClientAuthentication"), mk.get("InitializeSessionUserId")
            if auth is not None and authed is not None and slot <= auth <= authed <= ready:
                rec["before_auth"] = count(slot, auth)
                rec["auth"] = count(auth, authed)
                rec["after_auth"] = count(authed, ready)
                sends = [x for x in mk.get("sendAuthRequest", []) if auth <= x <= authed]
                if len(sends) >= 3:
                    # scram-sha-256: up to the challenge (the role's secret looked up), the
                    # client-first message's processing, the proof's verification.
                    rec["auth_to_challenge"] = count(auth, sends[0])
                    rec["auth_first"] = count(sends[0], sends[1])
                    rec["auth_proof"] = count(sends[1], authed)
            rec["ready"] = rec["startup"] + rec["start"]
            rec["after_ready"] = count(ready, float("inf"))
            if "proc_exit" in mk:
                rec["terminate"] = count(ready, mk["proc_exit"])
                rec["exit"] = count(mk["proc_exit"], float("inf"))
                if "DisownLatch" in mk and mk["DisownLatch"] >= mk["proc_exit"]:
                    # From the Terminate message to the slot's release, and after it.
                    rec["shutdown"] = count(ready, mk["DisownLatch"])
                    rec["after_slot"] = count(mk["DisownLatch"], float("inf"))
        else:
            rec["refused"] = count(slot, float("inf"))
        backends.append(rec)

    def summary(key, recs):
        xs = [r[key] for r in recs if key in r]
        if not xs:
            return None
        return {"n": len(xs), "mean": statistics.fmean(xs), "median": statistics.median(xs), "min": min(xs), "max": max(xs)}

    ok = [r for r in backends if "ready" in r]
    refused = [r for r in backends if "refused" in r]
    su = lambda k, rs: sum(r[k] for r in rs)  # noqa: E731
    out = {
        "postmaster": pm,
        "period": period,
        "children_forked": len(forked),
        "lost": lost,
        "successful": {k: summary(k, ok) for k in ("total", "startup", "start", "before_auth", "auth", "auth_to_challenge", "auth_first", "auth_proof", "after_auth", "ready", "after_ready", "terminate", "exit", "shutdown", "after_slot", "wall_to_slot")},
        "refused": {k: summary(k, refused) for k in ("total", "startup", "refused", "wall_to_slot")},
        "before_setsid": summary("before_setsid", backends),
        "fractions": {
            "startup_of_ready": su("startup", ok) / su("ready", ok) if ok and su("ready", ok) else None,
            "before_setsid_of_startup": (lambda rs: su("before_setsid", rs) / su("startup", rs) if rs and su("startup", rs) else None)(
                [r for r in backends if "before_setsid" in r]),
            "ready_of_total": su("ready", ok) / su("total", ok) if ok and su("total", ok) else None,
            "before_auth_of_start": (lambda rs: su("before_auth", rs) / su("start", rs) if rs and su("start", rs) else None)(
                [r for r in ok if "before_auth" in r]),
            "startup_of_refused_total": su("startup", refused) / su("total", refused) if refused and su("total", refused) else None,
            "shutdown_of_after_ready": (lambda rs: su("shutdown", rs) / su("after_ready", rs) if rs and su("after_ready", rs) else None)(
                [r for r in ok if "shutdown" in r]),
        },
        "backends": backends,
    }
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
