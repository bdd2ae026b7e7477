# gunicorn 20.1's gthread worker with a trace of its main thread and its threads, for
# calibration/gthread_trace.sh: each turn of the main loop (when poller.select returned and
# with how many events), each request handed to the thread pool (with the pool's queue of
# waiting jobs then), and each thread's handle() start and end. Kept in memory, written to
# CAL_TRACE_OUT.<pid> when the worker exits. Run as --worker-class gthread_traced.TracedThreadWorker.
import atexit
import os
import threading
import time

from gunicorn.workers.gthread import ThreadWorker

_now = time.perf_counter


class TracedThreadWorker(ThreadWorker):
    def run(self):
        log = self._trace = []
        select = self.poller.select

        def traced_select(timeout=None):
            t0 = _now()
            events = select(timeout)
            log.append((t0, _now(), "select", len(events), len(self.futures)))
            return events

        self.poller.select = traced_select
        atexit.register(self._write_trace)
        super().run()

    def enqueue_req(self, conn):
        self._trace.append((_now(), 0.0, "enqueue", self.tpool._work_queue.qsize(), 0))
        super().enqueue_req(conn)

    def handle(self, conn):
        t0 = _now()
        try:
            return super().handle(conn)
        finally:
            self._trace.append((t0, _now(), "handle", threading.get_ident(), 0))

    def _write_trace(self):
        out = os.environ.get("CAL_TRACE_OUT")
        if not out:
            return
        with open(f"{out}.{os.getpid()}", "w") as f:
            for t0, t1, kind, a, b in self._trace:
                f.write(f"{kind} {t0:.6f} {t1:.6f} {a} {b}\n")
