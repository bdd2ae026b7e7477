"""The sessions of a postmaster's backends, sampled during a storm (autogroup.sh): for each
sample, the live backends serving a client (not the auxiliary processes, not exited ones
waiting to be reaped), how many lead a session of their own (setsid() done: session id =
pid), how many are still in the postmaster's session (forked, not yet at setsid()), and
in how many autogroups (/proc/PID/autogroup) they are.

  sessions.py POSTMASTER_PID SAMPLES INTERVAL_S
"""
import os
import sys
import time


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def children(ppid):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        stat = read(f"/proc/{p}/stat")
        if stat is None:
            continue
        # Fields after the command's closing parenthesis: state, ppid, pgrp, session...
        fields = stat[stat.rindex(b")") + 2:].split()
        if int(fields[1]) == ppid:
            out.append((int(p), fields[0].decode(), int(fields[3])))
    return out


def main():
    pm, samples, interval = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    pm_group = (read(f"/proc/{pm}/autogroup") or b"").split()[:1]
    for s in range(samples):
        live = leaders = in_pm = 0
        groups = set()
        for pid, state, session in children(pm):
            if state == "Z":
                continue
            cmd = read(f"/proc/{pid}/cmdline") or b""
            group = (read(f"/proc/{pid}/autogroup") or b"").split()[:1]
            if b"127.0.0.1(" not in cmd and session != pm:
                continue  # an auxiliary process (it leads its own session, has no client)
            live += 1
            leaders += session == pid
            in_pm += group == pm_group
            if group:
                groups.add(group[0])
        print(f"  sample {s + 1}: {live} live backends (or children not yet at setsid()), in {len(groups)} autogroups;"
              f" {leaders} lead their own session; {in_pm} still in the postmaster's autogroup")
        time.sleep(interval)


main()
