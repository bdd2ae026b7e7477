#!/usr/bin/env python3
"""How fast a core computes, by how busy it has been: the CPU time of one fixed operation
(PBKDF2-HMAC-SHA256, 4096 iterations: the scram-sha-256 proof's own work) on one core, with
the core kept busy for a share of the time (the duty cycle) by this process alone.

A virtual CPU's host may clock its physical core by how busy it is, so an operation measured
one at a time, the core idle between, may cost more CPU than the same operation under load.

    duty_speed.py CORE [SECONDS] [ROUNDS]    the duty cycles in turn, ROUNDS times
    duty_speed.py CORE ramp [ROUNDS]         from 5 % busy to 100 %: each operation's time by
                                             how long the core has been busy
    duty_speed.py check [ROUNDS]             every core, 100 % busy against 40, 20 and 5 %,
                                             alternated: whether an operation that follows an
                                             idle moment of its core costs more (measure.sh)
"""
import hashlib
import os
import statistics
import sys
import time

DUTIES = (1.0, 0.8, 0.6, 0.4, 0.2, 0.1, 0.05)


def op():
    hashlib.pbkdf2_hmac('sha256', b'password', b'saltsaltsaltsalt', 4096)


def timed():
    t = time.thread_time()
    op()
    return time.thread_time() - t


def at_duty(duty, seconds):
    """Median CPU ms of one operation over the window's last two thirds, at `duty` busy."""
    end = time.monotonic() + seconds
    settle = time.monotonic() + seconds / 3
    times = []
    while time.monotonic() < end:
        cpu = timed()
        if time.monotonic() >= settle:
            times.append(cpu)
        if duty < 1:
            time.sleep(cpu * (1 - duty) / duty)
    return statistics.median(times) * 1000, len(times)


def ramp(rounds):
    """5 % busy for 3 s, then busy for 1 s: each operation's CPU ms by ms since busy."""
    bins = {}
    for _ in range(rounds):
        at_duty(0.05, 3)
        start = time.monotonic()
        while time.monotonic() - start < 1:
            since = time.monotonic() - start
            bins.setdefault(int(since * 20), []).append(timed())
    print('ms busy   CPU ms of one operation (median over the rounds)')
    for b in sorted(bins):
        print(f'{b * 50:4d}-{b * 50 + 50:<4d}  {statistics.median(bins[b]) * 1000:.3f}  (n {len(bins[b])})')


# An idle moment that costs less than this much more is noise, not a state of the machine:
# on the third AMD machine it cost 1.5-1.8 times as much, and an operation this small
# timed on a quiet core repeats within a few per cent.
IDLE_SLOWDOWN = 1.25
CHECK_DUTIES = (0.4, 0.2, 0.05)


def check(rounds):
    """Per core, the median over rounds and duties of (CPU of one operation at that duty) /
    (at 100 % busy in the same round); the machine's figure is the largest core's."""
    worst = 0.0
    per_core = []
    for core in sorted(os.sched_getaffinity(0)):
        os.sched_setaffinity(0, {core})
        ratios = []
        for r in range(rounds):
            duties = CHECK_DUTIES if r % 2 == 0 else tuple(reversed(CHECK_DUTIES))
            busy, _ = at_duty(1.0, 1)
            for d in duties:
                ms, n = at_duty(d, 1.5)
                ratios.append(ms / busy)
                print(f'core {core}, round {r + 1}: 100 % busy {busy:.3f} ms, {d * 100:.0f} % busy '
                      f'{ms:.3f} ms (n {n}): x{ms / busy:.2f}', flush=True)
        m = statistics.median(ratios)
        per_core.append(f'core {core} x{m:.2f}')
        worst = max(worst, m)
    verdict = 'busy cores' if worst >= IDLE_SLOWDOWN else 'idle cores'
    print(f'idle slowdown x{worst:.2f} ({", ".join(per_core)}; threshold x{IDLE_SLOWDOWN}) -> {verdict}')


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'check':
        print(f'date: {time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}; {os.uname().release}')
        check(int(sys.argv[2]) if len(sys.argv) > 2 else 3)
        return
    core = int(sys.argv[1])
    os.sched_setaffinity(0, {core})
    print(f'date: {time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}; core {core}; {os.uname().release}')
    if len(sys.argv) > 2 and sys.argv[2] == 'ramp':
        ramp(int(sys.argv[3]) if len(sys.argv) > 3 else 5)
        return
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    results = {d: [] for d in DUTIES}
    for r in range(rounds):
        # Alternate the order so that a drift of the machine does not line up with the duty.
        order = DUTIES if r % 2 == 0 else tuple(reversed(DUTIES))
        for d in order:
            ms, n = at_duty(d, seconds)
            results[d].append(ms)
            print(f'round {r + 1}, {d * 100:.0f} % busy: {ms:.3f} ms (n {n})', flush=True)
    base = statistics.median(results[1.0])
    print('busy   CPU ms of one operation: median (range) over the rounds, x of 100 % busy')
    for d in DUTIES:
        m = statistics.median(results[d])
        print(f'{d * 100:4.0f} %  {m:.3f} ({min(results[d]):.3f}-{max(results[d]):.3f})  x{m / base:.2f}')


if __name__ == '__main__':
    main()
