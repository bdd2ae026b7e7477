"""What a turn of gevent's hub costs by itself, against what each greenlet it wakes costs.

N greenlets wait in recv() on socket pairs. A round writes one byte to k of them and waits
(an Event) until all k have read it: the hub polls once (loop.iteration counts it), wakes
the k greenlets one after another, and the waiting one last. The process's CPU per round,
for k from 1 to 50, is a fixed part (the poll and the round's own switch) plus a part per
greenlet woken (its switch, recv, and the writer's send): the hub's cost per iteration, and
what the model's per-resume charge would have to hold if a poll's batch amortized it.

    /usr/bin/python3 calibration/bench/hub_iteration.py [reps]
"""
import socket
import sys
import time

import gevent
import gevent.event
from gevent import get_hub
from gevent import socket as gsocket

REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
SIZES = (1, 2, 5, 10, 20, 50)
N = max(SIZES)
pairs = [socket.socketpair() for _ in range(N)]
readers = [gsocket.socket(fileno=a.detach()) for a, _ in pairs]
writers = [gsocket.socket(fileno=b.detach()) for _, b in pairs]
done = [0, 0]  # greenlets that read this round, how many the round waits for
ev = gevent.event.Event()


def reader(r):
    while r.recv(1):
        done[0] += 1
        if done[0] == done[1]:
            ev.set()


for r in readers:
    gevent.spawn(reader, r)
gevent.sleep(0)
hub = get_hub()


def rounds(k, reps):
    """CPU seconds and loop iterations per round of k greenlets."""
    it0 = hub.loop.iteration
    t0 = time.process_time()
    for _ in range(reps):
        done[0], done[1] = 0, k
        ev.clear()
        for w in writers[:k]:
            w.send(b"x")
        ev.wait()
    return (time.process_time() - t0) / reps, (hub.loop.iteration - it0) / reps


for k in SIZES:  # warm up
    rounds(k, 200)
cpu = {k: [] for k in SIZES}
iterations = {}
for _ in range(REPS):
    for k in SIZES:
        c, iterations[k] = rounds(k, 2000 if k <= 10 else 400)
        cpu[k].append(c)
median = {k: sorted(v)[len(v) // 2] for k, v in cpu.items()}
# Least squares of the medians: per round = fixed + k x per greenlet.
n = len(SIZES)
sx, sy = sum(SIZES), sum(median.values())
sxx, sxy = sum(k * k for k in SIZES), sum(k * median[k] for k in SIZES)
slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
fixed = (sy - slope * sx) / n
print(f"gevent {gevent.__version__}, {type(hub.loop).__module__}, {REPS} alternated repetitions")
for k in SIZES:
    lo, hi = min(cpu[k]), max(cpu[k])
    print(f"k={k:3d}: {median[k] * 1e6:7.1f} us a round ({lo * 1e6:.1f}-{hi * 1e6:.1f}), "
          f"{median[k] / k * 1e6:5.1f} us a greenlet, {iterations[k]:.2f} iterations a round")
print(f"per round = {fixed * 1e6:.1f} us + k x {slope * 1e6:.2f} us (least squares of the medians)")
