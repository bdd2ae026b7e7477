# Not from the article: a handler for the kit's error runs. Every second request (counted
# per worker process) sleeps 2 s before answering, the others answer at once, so
# `hey -c 1 -t 1` gets a known mix of responses and client timeouts. That mix shows
# whether hey's Requests/sec counts transport errors. time.sleep is patched by gevent,
# so a sleeping request does not hold up the worker. It answers with a small body, so
# hey's optional "Total data" and "Size/request" lines appear too.
import itertools
import time

_requests = itertools.count(1)


def application(environ, start_response):
    if next(_requests) % 2 == 0:
        time.sleep(2.0)
    body = b"ok\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
