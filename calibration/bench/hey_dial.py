"""hey's order of work at -c N, measured apart from any server's work (hey_dial.sh).

  hey_dial.py phase N PORT [GOMAXPROCS]   one run of hey -n N -c N against a listener that
      accepts at once and never answers: prints hey's CPU (every thread, schedstat), when
      the last connection was accepted and when the first, 100th, half and last requests
      arrived, in seconds after hey started.
  hey_dial.py answer PORT                 a tiny HTTP server (epoll, one process) that answers
      every request with 204, keep-alive honoured; runs until killed.
"""
import os
import select
import socket
import subprocess
import sys
import time

import procstat as ps


def listener(port):
    """A non-blocking listening socket on 127.0.0.1:port and an epoll watching it."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4096)
    s.setblocking(False)
    ep = select.epoll()
    ep.register(s.fileno(), select.EPOLLIN)
    return s, ep


def accept_all(s, ep, conns, on_accept=None):
    """Accepts every connection waiting and watches each for input, calling on_accept() after each."""
    while True:
        try:
            c, _ = s.accept()
        except BlockingIOError:
            return
        c.setblocking(False)
        conns[c.fileno()] = c
        ep.register(c.fileno(), select.EPOLLIN)
        if on_accept is not None:
            on_accept()


def phase(n, port, procs):
    s, ep = listener(port)
    conns, accepted, arrived = {}, [], []
    env = dict(os.environ)
    if procs:
        env["GOMAXPROCS"] = procs
    t0 = time.time()
    p = subprocess.Popen(["hey", "-n", str(n), "-c", str(n), "-t", "2", f"http://127.0.0.1:{port}/"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    last_cpu = 0
    while time.time() - t0 < 1.5 and len(arrived) < n:
        for fd, _ in ep.poll(0.005):
            if fd == s.fileno():
                accept_all(s, ep, conns, lambda: accepted.append(time.time() - t0))
            else:
                try:
                    conns[fd].recv(4096)
                except BlockingIOError:
                    continue
                arrived.append(time.time() - t0)
                ep.unregister(fd)
        c = ps.cpu(p.pid)
        if c is not None:
            last_cpu = c
    p.wait()
    k = len(arrived)
    q = lambda i: f"{arrived[min(i, k - 1)]:.3f}" if k else "-"
    print(f"GOMAXPROCS {procs or 'default'}: hey cpu {last_cpu * 1e3:.1f} ms; accepted {len(accepted)}, last at "
          f"{accepted[-1]:.3f} s; requests arrived {k}: first {q(0)}, 100th {q(99)}, half {q(n // 2 - 1)}, last {q(k - 1)} s")


def answer(port):
    s, ep = listener(port)
    conns = {}
    reply = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
    while True:
        for fd, _ in ep.poll():
            if fd == s.fileno():
                accept_all(s, ep, conns)
                continue
            c = conns[fd]
            try:
                d = c.recv(65536)
            except (BlockingIOError, ConnectionResetError):
                d = b""
            if not d:
                ep.unregister(fd)
                c.close()
                del conns[fd]
                continue
            try:
                c.send(reply * d.count(b"\r\n\r\n"))
            except OSError:
                pass


if __name__ == "__main__":
    if sys.argv[1] == "phase":
        phase(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        answer(int(sys.argv[2]))
