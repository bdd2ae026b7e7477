#!/usr/bin/env python3
"""hey's turnaround on its kept-alive connections, from a tcpdump capture of a load run
(calibration/hey_turnaround.sh): on each connection to the app's port, the time from the
last segment of a response (the server's payload) to the first segment of the next request
(hey's). That is hey reading the response and writing its next request, with any wait for a
core between; the gevent workers see its requests come in at that pace. Also how bunched
the requests arrive: of the requests that came within 0.1 ms of the one before on any
connection, the share, and the longest runs of them.

    hey_turnaround.py PCAP APP_PORT
"""
import statistics
import sys

from storm_wire import packets


def quantiles(xs):
    xs = sorted(xs)
    at = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    return f"median {1000 * statistics.median(xs):.3f} ms, p10 {1000 * at(0.1):.3f}, p90 {1000 * at(0.9):.3f}, p99 {1000 * at(0.99):.3f}"


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    path, app = argv[0], int(argv[1])
    last_response = {}  # client port -> time of the response's last segment, until the next request
    turnaround = []
    arrivals = []
    for t, sport, dport, syn, _payload, length in packets(path):
        if syn or length <= 0:
            continue
        if sport == app:
            last_response[dport] = t
        elif dport == app:
            arrivals.append(t)
            sent = last_response.pop(sport, None)
            if sent is not None:
                turnaround.append(t - sent)
    if not turnaround:
        print(f"{path}: no kept-alive request after a response")
        return
    arrivals.sort()
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    close = sum(1 for g in gaps if g < 0.0001)
    runs, run = [], 1
    for g in gaps:
        if g < 0.0001:
            run += 1
        else:
            runs.append(run)
            run = 1
    runs.append(run)
    runs.sort()
    print(f"{path}: {len(arrivals)} requests; hey's turnaround (response to its next request on the connection), "
          f"{len(turnaround)}: {quantiles(turnaround)}; requests within 0.1 ms of the one before: {close / max(1, len(gaps)):.2f}, "
          f"runs of them: median {statistics.median(runs)}, p90 {runs[int(0.9 * len(runs))]}, longest {runs[-1]}")


if __name__ == "__main__":
    main(sys.argv[1:])
