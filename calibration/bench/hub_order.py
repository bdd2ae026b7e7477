"""In which order gevent's hub runs the greenlets whose sockets one poll found ready.

N greenlets wait on recv() of N socket pairs; while the hub is not polling (this greenlet
holds the loop with time.sleep), the pairs are made readable one after another, 1 ms
apart; then the hub polls once and runs them. Prints the order they ran in. libev (ev.c,
ev_invoke_pending) takes the pending watchers from the end of its queue, and epoll reports
them in the order they became ready: the last one first. Also prints how many ran in each
iteration of the loop (libev's ev_iteration): libev's epoll backend takes at most 64 events
a poll at first and makes room for more only after a poll that filled it (ev_epoll.c,
epoll_eventmax and array_nextsize), so in a fresh process more than 64 ready sockets take
several polls.

    /usr/bin/python3 calibration/bench/hub_order.py N
"""
import socket
import sys
import time

import gevent
from gevent import get_hub
from gevent import socket as gsocket

n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
pairs = [socket.socketpair() for _ in range(n)]
order = []
iterations = []


def waiter(i, s):
    g = gsocket.socket(fileno=s.detach())
    g.recv(1)
    order.append(i)
    iterations.append(get_hub().loop.iteration)


greenlets = [gevent.spawn(waiter, i, pairs[i][0]) for i in range(n)]
gevent.sleep(0)  # every greenlet now waits in recv
for i in range(n):
    pairs[i][1].send(b"x")
    time.sleep(0.001)
gevent.joinall(greenlets)
hub = get_hub()
per_iteration = [iterations.count(it) for it in sorted(set(iterations))]
print(f"gevent {gevent.__version__}, {type(hub.loop).__module__} {getattr(hub.loop, 'backend', '')}: "
      f"{n} sockets readable in order 0..{n - 1}, greenlets ran in order {order}; "
      f"by iteration of the loop: {per_iteration}")
