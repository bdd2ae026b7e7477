"""HTTP micro-benchmarks of costs.sh: hey against one gunicorn gevent worker, measuring
hey's CPU (wait4's rusage of the child) and the worker's CPU (/proc schedstat of every
thread of the worker process) per batch.

  bench_http.py --master PID --out RAW.json --reps R --idle S \
      --run label=ka path=/ n=2000 c=10 keepalive=1 [--run ...]

Each repetition runs every --run in order (so the batches being compared are measured
alternately, under the same conditions), then leaves the worker idle for S seconds to
measure its idle CPU. RAW.json has one record per batch: label, n, c, keepalive, wall
(the hey run), hey_cpu, worker_cpu (from just before hey starts to 0.2 s after it exits,
when the worker has handled the closing of the connections), worker_wall (the time that
worker_cpu covers), statuses (hey's status code distribution), loadavg (before), others
(the machine's nice and steal time over the batch, in cores: other work, see procstat).
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
import time

import procstat as ps

URL = "http://127.0.0.1:8000"


def parse_run(spec):
    kv = dict(p.split("=", 1) for p in spec)
    return {
        "label": kv["label"],
        "path": kv.get("path", "/"),
        "n": int(kv["n"]),
        "c": int(kv["c"]),
        "keepalive": kv.get("keepalive", "1") == "1",
    }


def statuses(text):
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"\[(\d{3})\]\s+(\d+) responses", text)}


def one(run, worker, log):
    args = ["-n", str(run["n"]), "-c", str(run["c"]), "-t", "0"]
    if not run["keepalive"]:
        args.append("-disable-keepalive")
    args.append(URL + run["path"])
    load = ps.loadavg()
    with tempfile.TemporaryFile() as out:
        o0 = ps.others()
        w0 = ps.cpu(worker)
        t0 = time.monotonic()
        h = ps.run_hey(args, out)
        time.sleep(0.2)
        w1 = ps.cpu(worker)
        t1 = time.monotonic()
        o1 = ps.others()
        out.seek(0)
        text = out.read().decode()
    rec = dict(run, wall=h["wall"], hey_cpu=h["cpu"], hey_user=h["user"], hey_sys=h["sys"],
               worker_cpu=w1 - w0, worker_wall=t1 - t0, statuses=statuses(text), loadavg=load,
               hey_status=h["status"], others=ps.others_delta(o0, o1))
    log.write(f"$ hey {' '.join(args)}   (load average {load})\n")
    log.write(f"  wall {h['wall']:.4f} s, hey cpu {h['cpu']:.4f} s, worker cpu {w1 - w0:.4f} s over {t1 - t0:.4f} s, statuses {rec['statuses']}, "
              f"others (nice, steal) {rec['others']['nice_cores']:.3f}, {rec['others']['steal_cores']:.3f} cores\n")
    log.flush()
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--master", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--idle", type=float, default=2.0)
    ap.add_argument("--run", nargs="+", action="append", required=True)
    a = ap.parse_args()
    runs = [parse_run(r) for r in a.run]
    workers = ps.children(a.master)
    if len(workers) != 1:
        sys.exit(f"bench_http.py: expected one worker under {a.master}, found {workers}")
    worker = workers[0]
    records = []
    with open(a.log, "a") as log:
        log.write(f"# gunicorn master {a.master}, worker {worker}\n")
        # One warm-up batch of each kind, not recorded.
        for run in runs:
            subprocess.run(["hey", "-n", str(min(run["n"], 100)), "-c", str(run["c"]), "-t", "0",
                            *([] if run["keepalive"] else ["-disable-keepalive"]), URL + run["path"]],
                           stdout=subprocess.DEVNULL, check=False)
        time.sleep(0.5)
        for rep in range(1, a.reps + 1):
            for run in runs:
                rec = one(run, worker, log)
                rec["rep"] = rep
                records.append(rec)
            w0 = ps.cpu(worker)
            t0 = time.monotonic()
            time.sleep(a.idle)
            w1 = ps.cpu(worker)
            t1 = time.monotonic()
            records.append({"label": "idle", "rep": rep, "worker_cpu": w1 - w0, "worker_wall": t1 - t0})
            log.write(f"  idle: worker cpu {w1 - w0:.6f} s over {t1 - t0:.3f} s\n")
    with open(a.out, "w") as f:
        json.dump({"master": a.master, "worker": worker, "records": records}, f, indent=1)


if __name__ == "__main__":
    main()
