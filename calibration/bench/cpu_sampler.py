"""CPU of a load run's processes over time (storm_timeline.sh): every 20 ms, the on-CPU
time (schedstat, ns) of each gunicorn worker, of the postmaster and of hey, and the
machine's busy and total jiffies (/proc/stat). One line per sample:
  UNIX_TIME WORKER_1_NS ... WORKER_K_NS POSTMASTER_NS HEY_NS BUSY_JIFFIES TOTAL_JIFFIES
(HEY_NS is -1 until hey has started.)

  cpu_sampler.py WORKER_PIDS(comma-separated) POSTMASTER_PID SECONDS OUT
"""
import os
import sys
import time

import procstat as ps


def find_hey():
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/comm") as f:
                    if f.read().strip() == "hey":
                        return int(p)
            except OSError:
                pass
    return None


def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)


def ns(pid):
    c = ps.cpu(pid) if pid else None
    return -1 if c is None else round(c * 1e9)


def main():
    workers = [int(x) for x in sys.argv[1].split(",")]
    pm, seconds = int(sys.argv[2]), float(sys.argv[3])
    hey = None
    t0 = time.time()
    with open(sys.argv[4], "w") as out:
        while time.time() - t0 < seconds:
            if hey is None:
                hey = find_hey()
            b = busy()
            out.write(f"{time.time():.4f} {' '.join(str(ns(w)) for w in workers)} {ns(pm)} {ns(hey)} {b[0]} {b[1]}\n")
            time.sleep(0.02)


if __name__ == "__main__":
    main()
