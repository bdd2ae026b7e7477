"""The rounds gil_handoff.py and gil_pool.py both run: each thread count in turn, round after
round, N threads of this process each looping on its unit of work for SECONDS; a line a run
with the units a second, the process's CPU (getrusage: user and system) and its context
switches per unit."""
import resource
import threading
import time


def run_rounds(threads, rounds, seconds, worker, unit, units):
    """`worker(n, i, stop, counts)`: thread i of n loops until `stop` is set, then writes its
    count of units into counts[i]. `unit`, `units`: the unit's name, singular and plural."""
    print(f"round | threads | {units}/s | process CPU (cores) | CPU per {unit} (us): all, user, system | switches per {unit}: voluntary, involuntary")
    for r in range(1, rounds + 1):
        for n in threads:
            stop = threading.Event()
            counts = [0] * n
            ts = [threading.Thread(target=worker, args=(n, i, stop, counts)) for i in range(n)]
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.monotonic()
            for t in ts:
                t.start()
            time.sleep(seconds)
            stop.set()
            for t in ts:
                t.join()
            t1 = time.monotonic()
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            q = sum(counts)
            user, system = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
            print(
                f"{r} | {n} | {q / (t1 - t0):.0f} | {(user + system) / (t1 - t0):.2f} | "
                f"{(user + system) / q * 1e6:.1f}, {user / q * 1e6:.1f}, {system / q * 1e6:.1f} | "
                f"{(r1.ru_nvcsw - r0.ru_nvcsw) / q:.2f}, {(r1.ru_nivcsw - r0.ru_nivcsw) / q:.2f}",
                flush=True,
            )
