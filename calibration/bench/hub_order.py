"""In which order gevent's hub runs the greenlets whose sockets one poll found ready.

N greenlets wait on recv() of N socket pairs; while the hub is not polling (this greenlet
holds the loop with time.sleep), the pairs are made readable one after another, 1 ms
apart; then the hub polls once and runs them. Prints the order they ran in. libev (ev.c,
ev_invoke_pending) takes the pending watchers from the end of its queue, and epoll reports
them in the order they became ready: the last one first.

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


def waiter(i, s):
    g = gsocket.socket(fileno=s.detach())
    g.recv(1)
    order.append(i)


greenlets = [gevent.spawn(waiter, i, pairs[i][0]) for i in range(n)]
gevent.sleep(0)  # every greenlet now waits in recv
for i in range(n):
    pairs[i][1].send(b"x")
    time.sleep(0.001)
gevent.joinall(greenlets)
hub = get_hub()
print(f"gevent {gevent.__version__}, {type(hub.loop).__module__} {getattr(hub.loop, 'backend', '')}: "
      f"{n} sockets readable in order 0..{n - 1}, greenlets ran in order {order}")
