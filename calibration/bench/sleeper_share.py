"""What a process that sleeps often gets of a core shared with CPU-bound sessions
(storm_backends.sh found the postmaster and hey getting more than an equal share of
sessions in a one-core storm). On the calling process's cores (run it under taskset -c 0):
HOGS CPU-bound processes sharing one session (like gunicorn's workers), SINGLES CPU-bound
processes each in a session of its own (like busy backends), and one sleeper in a session
of its own that burns BURN_US of CPU and then sleeps SLEEP_US, over and over (like the
postmaster forking one connection at a time). Prints the sleeper's share of the core, and
what it would get if it ran whenever it wanted (BURN / (BURN + SLEEP)), and if it got only
an equal share of the sessions while runnable.

  sleeper_share.py HOGS SINGLES BURN_US SLEEP_US SECONDS
"""
import os
import signal
import sys
import time


def spin():
    while True:
        pass


def sleeper(burn_us, sleep_us):
    burn = burn_us / 1e6
    while True:
        t = time.thread_time()
        while time.thread_time() - t < burn:
            pass
        time.sleep(sleep_us / 1e6)


def cpu(pid):
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def main():
    hogs, singles, burn_us, sleep_us, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    pids = []
    shared = os.fork()
    if shared == 0:
        os.setsid()
        kids = []
        for _ in range(hogs):
            p = os.fork()
            if p == 0:
                spin()
            kids.append(p)
        signal.pause()
    pids.append(shared)
    for _ in range(singles):
        p = os.fork()
        if p == 0:
            os.setsid()
            spin()
        pids.append(p)
    s = os.fork()
    if s == 0:
        os.setsid()
        sleeper(burn_us, sleep_us)
    pids.append(s)
    time.sleep(1.0)
    a = cpu(s)
    t0 = time.monotonic()
    time.sleep(seconds)
    share = (cpu(s) - a) / (time.monotonic() - t0)
    for p in pids:
        os.killpg(p, signal.SIGKILL) if p == shared else os.kill(p, signal.SIGKILL)
    for p in pids:
        os.waitpid(p, 0)
    wanted = burn_us / (burn_us + sleep_us)
    sessions = 1 + singles + 1
    # Runnable, it gets 1/sessions of the core: its burst takes sessions times longer.
    equal = burn_us / (burn_us * sessions + sleep_us)
    print(f"{hogs} hogs in one session, {singles} single sessions, a sleeper burning {burn_us:.0f} us then sleeping {sleep_us:.0f} us: "
          f"it got {share:.3f} of the core; running whenever it wanted {wanted:.3f}; an equal share of {sessions} sessions while runnable {equal:.3f}")


if __name__ == "__main__":
    main()
