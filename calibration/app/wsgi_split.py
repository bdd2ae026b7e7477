"""calibration/accept_split.sh's handler: about a millisecond of Python, no database, and
one log line a request naming the worker (its pid) and the connection (the client's port),
so that the split of hey's keep-alive connections between the workers can be counted."""
import os
import sys
import time


def application(environ, start_response):
    sys.stdout.write(f"split {os.getpid()} {environ.get('REMOTE_PORT')} {time.time():.6f}\n")
    x = 0
    for i in range(20000):
        x += i
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
