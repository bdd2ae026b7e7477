# Not from the article: the handlers of fleet.sh (a load balancer in front of instances,
# and a CPU quota). By path:
#   /       204 at once
#   /slow   sleeps 2 s (gevent's sleep under a gevent worker) then 204: beyond nginx's
#           proxy_read_timeout of 1 s, so nginx answers 504
#   /cpu    10 ms of Python CPU (a busy loop on the process's CPU clock), then 200
import time


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/slow":
        time.sleep(2.0)
    elif path == "/cpu":
        end = time.process_time() + 0.010
        while time.process_time() < end:
            pass
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]
    start_response("204 No Content", [])
    return [b""]
