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


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4096)
    s.setblocking(False)
    return s


def cpu_ns(pid):
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def phase(n, port, procs):
    s = listener(port)
    ep = select.epoll()
    ep.register(s.fileno(), select.EPOLLIN)
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
                while True:
                    try:
                        c, _ = s.accept()
                    except BlockingIOError:
                        break
                    c.setblocking(False)
                    conns[c.fileno()] = c
                    ep.register(c.fileno(), select.EPOLLIN)
                    accepted.append(time.time() - t0)
            else:
                try:
                    conns[fd].recv(4096)
                except BlockingIOError:
                    continue
                arrived.append(time.time() - t0)
                ep.unregister(fd)
        c = cpu_ns(p.pid)
        if c is not None:
            last_cpu = c
    p.wait()
    k = len(arrived)
    q = lambda i: f"{arrived[min(i, k - 1)]:.3f}" if k else "-"
    print(f"GOMAXPROCS {procs or 'default'}: hey cpu {last_cpu / 1e6:.1f} ms; accepted {len(accepted)}, last at "
          f"{accepted[-1]:.3f} s; requests arrived {k}: first {q(0)}, 100th {q(99)}, half {q(n // 2 - 1)}, last {q(k - 1)} s")


def answer(port):
    s = listener(port)
    ep = select.epoll()
    ep.register(s.fileno(), select.EPOLLIN)
    conns = {}
    reply = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
    while True:
        for fd, _ in ep.poll():
            if fd == s.fileno():
                while True:
                    try:
                        c, _ = s.accept()
                    except BlockingIOError:
                        break
                    c.setblocking(False)
                    conns[c.fileno()] = c
                    ep.register(c.fileno(), select.EPOLLIN)
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
