# The server behind test/fixtures/{wrk,ab,siege,locust,hey-csv}: a plain WSGI app (no
# database) whose answers exercise every figure the load testers report.
#   /        sleeps 2 ms; every 10th request of a process answers 500 with a longer body
#            (ab counts those as "Failed requests (Length)")
#   /items   sleeps 10 ms, a 60-byte body
#   /slow    every 4th request of a process sleeps 1.5 s (client timeouts), else 2 ms
# Run by calibration/loadtesters.sh on 127.0.0.1 only.
import itertools
import time

_count = itertools.count()


def application(environ, start_response):
    i = next(_count)
    path = environ.get('PATH_INFO', '/')
    if path == '/items':
        time.sleep(0.010)
        body = b'item\n' * 12
    elif path == '/slow':
        time.sleep(1.5 if i % 4 == 3 else 0.002)
        body = b'ok\n'
    else:
        time.sleep(0.002)
        body = b'ok\n'
    if path == '/' and i % 10 == 9:
        body = b'internal error\n'
        start_response('500 Internal Server Error', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
