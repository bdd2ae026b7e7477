"""Turns costs.sh's raw measurements into results/costs.*.json.

  costs.py assemble RAWDIR OUT.json [--split DIR]
                                        one costs.sh run (results/costs/TAG/*.json); the
                                        backend's phase split from DIR's perf recordings
                                        when RAWDIR's are the older sched_switch traces
  costs.py merge OUT.json IN.json...    several runs: the samples pooled, the per-run
                                        medians kept under "runs"

Every cost is {path, unit: "s", median, min, max, n, samples, method}; each sample is
one repetition (a batch of operations, per operation). Differences are taken within a
repetition where both sides were measured in it (batches run alternately).
"""
import json
import statistics
import sys
from collections import defaultdict


def load(raw, name):
    with open(f"{raw}/{name}.json") as f:
        return json.load(f)


def load_traces(raw, prefix):
    import glob
    out = []
    for p in sorted(glob.glob(f"{raw}/{prefix}.r*.json")):
        with open(p) as f:
            out.append(json.load(f))
    return out


def by_rep(records):
    reps = defaultdict(dict)
    for r in records:
        reps[r["rep"]][r["label"]] = r
    return [reps[k] for k in sorted(reps)]


def idle_rate(data):
    rates = [r["worker_cpu"] / r["worker_wall"] for r in data["records"] if r["label"] == "idle"]
    return statistics.median(rates)


def worker_per_req(r, idle):
    return (r["worker_cpu"] - idle * r["worker_wall"]) / r["n"]


def entry(path, samples, method, **extra):
    samples = [round(s, 9) for s in samples]
    e = {"path": path, "unit": "s", "median": statistics.median(samples), "min": min(samples), "max": max(samples),
         "n": len(samples), "samples": samples, "method": method}
    e.update(extra)
    return e


def mean(xs):
    return sum(xs) / len(xs)


def others_notes(raw):
    """Other work during the batches: the machine's nice and steal time, in cores."""
    import glob
    out = {}
    for p in sorted(glob.glob(f"{raw}/*.json")):
        with open(p) as f:
            d = json.load(f)
        recs = d.get("records", []) if isinstance(d, dict) else []
        o = [r["others"] for r in recs if isinstance(r, dict) and "others" in r]
        if o:
            out[p.rsplit("/", 1)[-1]] = {"nice median": statistics.median(x["nice_cores"] for x in o),
                                         "nice max": max(x["nice_cores"] for x in o),
                                         "steal max": max(x["steal_cores"] for x in o)}
    return out


def assemble(raw, split_dir=None):
    costs = []
    notes = {"other work during the batches (cores of nice and steal time; the kit runs at nice 0, the others at nice 19)": others_notes(raw)}

    # --- HTTP: hey and the gunicorn worker, trivial handler ----------------------------
    http = load(raw, "http")
    idle = idle_rate(http)
    notes["worker idle cpu (s per s)"] = idle
    req_c, dial_c, req_s, acc_s = [], [], [], []
    statuses_ok = True
    for rep in by_rep(http["records"]):
        ka, kab, no, nob = rep["ka"], rep["ka-base"], rep["noka"], rep["noka-base"]
        for r in (ka, kab, no, nob):
            statuses_ok &= r["statuses"] == {"204": r["n"]}
        rc = (ka["hey_cpu"] - kab["hey_cpu"]) / (ka["n"] - kab["n"])
        dc = (no["hey_cpu"] - nob["hey_cpu"]) / (no["n"] - nob["n"]) - rc
        rs = worker_per_req(ka, idle)
        as_ = worker_per_req(no, idle) - rs
        req_c.append(rc)
        dial_c.append(dc)
        req_s.append(rs)
        acc_s.append(as_)
    n_ka, n_base = http["records"][0]["n"], http["records"][1]["n"]
    costs += [
        entry("client.requestCpu", req_c,
              f"hey -n {n_ka} -c 10 -t 0 (keep-alive) against one gevent worker's trivial handler (204, no database), "
              f"minus hey -n {n_base} -c 10 run alternately (hey's start-up and its 10 dials): hey's CPU from wait4's rusage, "
              f"divided by the {n_ka - n_base} extra requests."),
        entry("client.dialCpu", dial_c,
              f"the same with -disable-keepalive (a new connection per request), per request, minus client.requestCpu of "
              f"the same repetition."),
        entry("server.requestCpu", req_s,
              f"the gunicorn gevent worker's CPU (schedstat of its threads) over hey -n {n_ka} -c 10 keep-alive on the trivial "
              f"handler, until 0.2 s after hey exits, minus its idle CPU over the same wall time ({idle * 1e6:.1f} us/s, "
              f"measured between batches), divided by {n_ka}."),
        entry("server.acceptCpu", acc_s,
              "the worker's CPU per request with hey -disable-keepalive (same handler and batch, idle subtracted), minus "
              "server.requestCpu of the same repetition."),
    ]
    notes["http statuses all 204"] = statuses_ok

    # --- The refused request in gunicorn -----------------------------------------------
    err = load(raw, "error")
    idle_e = idle_rate(err)
    err_s, err_ok = [], True
    for rep in by_rep(err["records"]):
        e, ka, no = rep["error"], rep["ka"], rep["noka"]
        err_ok &= e["statuses"] == {"500": e["n"]}
        rs = worker_per_req(ka, idle_e)
        as_ = worker_per_req(no, idle_e) - rs
        err_s.append(worker_per_req(e, idle_e) - rs - as_)
    n_e = err["records"][0]["n"]
    costs.append(entry(
        "server.errorCpu", err_s,
        f"with PostgreSQL full (fill_pg.py holds all 100 slots as postgres), hey -n {n_e} -c 10 -t 0 -disable-keepalive "
        f"on wsgi_patched's handler (psycogreen connect refused 'too many clients', gunicorn's handle_error, traceback "
        f"logged, 500): the worker's CPU per request, idle subtracted, minus server.requestCpu and server.acceptCpu "
        f"measured alternately in the same repetition. It includes libpq's refused connection attempt."))
    notes["error statuses all 500"] = err_ok

    # --- PostgreSQL: connections -------------------------------------------------------
    con = load(raw, "connect-scram-sha-256")
    n = con["n"]
    cl, pm, tot, ready, ex = [], [], [], [], []
    for r in con["records"]:
        cl.append((sum(r["connect_cpu"]) + sum(r["close_cpu"])) / n)
        idle_pm = r["idle"]["pm_cpu"] / r["idle"]["wall"] * r["wall"]
        pm.append((r["pm_cpu"] - idle_pm) / n)
        t = (r["children_cpu"] - r["idle"]["children_cpu"]) / n
        rd = mean(r["ready"])
        tot.append(t)
        ready.append(rd)
        ex.append(t - rd)
    notes["idle interval children cpu (s, scram batches)"] = [r["idle"]["children_cpu"] for r in con["records"]]

    # The split of the backend's CPU until ready, from the sampled perf recordings (this
    # run's, or those of split_dir when this run's are the older sched_switch traces).
    tdir = raw
    tr = load_traces(raw, "trace-connect")
    if not tr or "fractions" not in tr[0]:
        if not split_dir:
            raise SystemExit(f"costs.py: {raw} has no sampled recordings; give --split DIR")
        tdir = split_dir
        tr = load_traces(split_dir, "trace-connect")
    notes["backend phase split from"] = tdir
    fr = [t["fractions"]["startup_of_ready"] for t in tr]
    f_med = statistics.median(fr)
    ready_med = statistics.median(ready)
    startup = [f * ready_med for f in fr]
    su = statistics.median(startup)
    period_us = tr[0]["period"] * 1e6
    costs += [
        entry("dbConnect.cpu", cl,
              f"{n} sequential psycopg2.connect + close (scram-sha-256, 127.0.0.1, dbname postgres) from one process: its "
              f"CPU in connect() and close() (CLOCK_PROCESS_CPUTIME_ID), per connection.", scenarioPath="app.steps.0.cpu"),
        entry("database.postmasterCpu", pm,
              f"the postmaster's own CPU (schedstat) over the same {n} connects, minus its idle CPU over an interval of the "
              f"same length, per connection attempt."),
        entry("database.backendCpu", tot,
              f"the postmaster's cutime+cstime (backends it reaped) over the same {n} connect+close, 0.3 s after the last "
              f"close, minus the same over an idle interval (autovacuum off), per connection: one backend's whole CPU."),
        entry("database.backendStartupCpu", startup,
              f"database.backendReadyCpu (median) times the share of the backend's CPU samples until ready that fall before "
              f"InitProcess (the PGPROC slot: fork's aftermath, the SSL request, reading the startup packet), from perf "
              f"recordings (cpu-clock every {period_us:.0f} us, uprobes on InitProcess and ReadyForQuery) of separate "
              f"batches of {tr[0]['successful']['startup']['n']} connects; one sample per batch."),
        entry("database.backendStartCpu", [r * (1 - f_med) for r in ready],
              "the backend's CPU when ready for queries (/proc/<backend pid>/schedstat read 2 ms after connect() "
              "returned, no query sent; mean per batch) times the share of its samples after InitProcess (median): the "
              "server side of scram-sha-256 and InitPostgres."),
        entry("database.backendExitCpu", ex,
              "database.backendCpu minus the backend's CPU when ready (same batch): the Terminate message, "
              "proc_exit and the kernel's process exit."),
        entry("database.backendReadyCpu", ready,
              "the backend's CPU when ready for queries, as above (= backendStartupCpu + backendStartCpu)."),
    ]
    btc = load_traces(tdir, "bench-trace-connect")
    notes["sampled split: per recorded batch"] = {
        "startup share of ready": fr,
        "ready share of total": [t["fractions"]["ready_of_total"] for t in tr],
        "sampled total per backend (s)": [t["successful"]["total"]["mean"] for t in tr],
        "cutime per connection of the same batches (s)": [b["records"][0]["children_cpu"] / b["n"] for b in btc],
        "schedstat ready of the same batches (s)": [mean(b["records"][0]["ready"]) for b in btc],
        "sampled startup, start, after ready (terminate + exit) per backend (s)": [
            [t["successful"][k]["mean"] for k in ("startup", "start", "after_ready")] for t in tr],
        "lost event records": [t.get("lost") for t in tr],
    }
    old = load_traces(raw, "trace-connect")
    if old and "fractions" not in old[0]:
        notes["sched_switch traces of this run, NOT used (switches out of CPU 1's idle task are never recorded here, so "
              "intervals are lost): per-batch means (s)"] = {
            k: [t["successful"][k]["mean"] for t in old] for k in ("startup", "start", "ready", "after_ready", "total")}

    for auth in ("md5", "trust"):
        a = load(raw, f"connect-{auth}")
        costs.append(entry(f"dbConnect.cpu.{auth}", [(sum(r["connect_cpu"]) + sum(r["close_cpu"])) / a["n"] for r in a["records"]],
                           f"as dbConnect.cpu with pg_hba.conf's TCP lines set to {auth}"
                           + (" and the role's password stored as md5" if auth == "md5" else "") + "."))
        costs.append(entry(f"database.backendReadyCpu.{auth}", [mean(r["ready"]) for r in a["records"]],
                           f"as database.backendReadyCpu with {auth} authentication."))
        costs.append(entry(f"database.backendCpu.{auth}",
                           [(r["children_cpu"] - r["idle"]["children_cpu"]) / a["n"] for r in a["records"]],
                           f"as database.backendCpu with {auth} authentication."))

    # --- PostgreSQL: refused connections -------------------------------------------------
    ref = load(raw, "refused")
    n = ref["n"]
    rt, rcl, rpm = [], [], []
    for r in ref["records"]:
        rt.append((r["children_cpu"] - r["idle"]["children_cpu"]) / n)
        rcl.append(sum(r["connect_cpu"]) / n)
        rpm.append((r["pm_cpu"] - r["idle"]["pm_cpu"] / r["idle"]["wall"] * r["wall"]) / n)
    trr = load_traces(tdir, "trace-refused")
    costs += [
        entry("database.refusedCpu", [t - su for t in rt],
              f"with PostgreSQL full (fill_pg.py), {n} sequential connects refused 'sorry, too many clients already': the "
              f"postmaster's cutime+cstime delta per attempt (idle interval subtracted) minus database.backendStartupCpu "
              f"(median): the FATAL message and the exit."),
        entry("database.refusedTotalCpu", rt, "the same total, without the subtraction: one refused backend's whole CPU."),
        entry("database.postmasterCpu.refused", rpm, "the postmaster's own CPU per refused attempt (as database.postmasterCpu)."),
        entry("dbConnect.cpu.refused", rcl, "the client's CPU in a refused psycopg2.connect (as dbConnect.cpu)."),
    ]
    btr = load_traces(tdir, "bench-trace-refused")
    notes["sampled split of refused backends: per recorded batch"] = {
        "startup share of total": [t["fractions"]["startup_of_refused_total"] for t in trr],
        "sampled startup, after the slot (FATAL, exit) per backend (s)": [
            [t["refused"][k]["mean"] for k in ("startup", "refused")] for t in trr],
        "sampled total per backend (s)": [t["refused"]["total"]["mean"] for t in trr],
        "cutime per attempt of the same batches (s)": [b["records"][0]["children_cpu"] / b["n"] for b in btr],
    }
    notes["refused: total times (1 - sampled startup share), median (s)"] = statistics.median(rt) * (
        1 - statistics.median([t["fractions"]["startup_of_refused_total"] for t in trr]))
    notes["refused errors"] = ref["records"][0]["errors"]

    # --- Queries ---------------------------------------------------------------------------
    q = load(raw, "query")
    for key, suffix, what in (("actors", "", "the actors query (200 rows)"),
                              ("pg_sleep0", ".pg_sleep0", "SELECT pg_sleep(0)"),
                              ("actors_first", ".firstOnConnection", "the actors query as the first query of a fresh connection")):
        costs.append(entry(f"dbQuery.cpu{suffix}", [mean(r[key]["backend"]) for r in q["records"]],
                           f"{what}: the backend's CPU (/proc/<pid>/schedstat around execute + fetchall, psycopg2's "
                           f"implicit BEGIN included), mean over {len(q['records'][0][key]['backend'])} per repetition."))
        costs.append(entry(f"dbQuery.decodeCpu{suffix}", [mean(r[key]["client"]) for r in q["records"]],
                           f"{what}: the client's CPU in execute + fetchall (CLOCK_PROCESS_CPUTIME_ID), same batches."))

    # --- The actors request in gunicorn (a check) ---------------------------------------
    act = load(raw, "actors")
    idle_a = idle_rate(act)
    for label, suffix, flag in (("actors-ka", "", "keep-alive"), ("actors-noka", ".noKeepalive", "-disable-keepalive")):
        rs = [worker_per_req(r, idle_a) for r in act["records"] if r["label"] == label]
        nn = next(r["n"] for r in act["records"] if r["label"] == label)
        costs.append(entry(f"worker.actorsRequestCpu{suffix}", rs,
                           f"a check, not a model input: one gevent worker's CPU per wsgi_actors request (hey -n {nn} -c 1 "
                           f"-t 0, {flag}; connect with scram-sha-256, the query, 200 rows), idle subtracted."))
    return costs, notes


def main():
    if sys.argv[1] == "assemble":
        raw, out = sys.argv[2], sys.argv[3]
        split_dir = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--split" else None
        costs, notes = assemble(raw, split_dir)
        with open(f"{raw}/meta.json") as f:
            meta = json.load(f)
        with open(out, "w") as f:
            json.dump({"meta": meta, "notes": notes, "costs": costs}, f, indent=1)
            f.write("\n")
    elif sys.argv[1] == "merge":
        out, ins = sys.argv[2], sys.argv[3:]
        runs = []
        for p in ins:
            with open(p) as f:
                runs.append((p, json.load(f)))
        merged = {}
        for p, d in runs:
            for c in d["costs"]:
                m = merged.setdefault(c["path"], {"path": c["path"], "unit": "s", "samples": [], "method": c["method"], "runs": []})
                if "scenarioPath" in c:
                    m["scenarioPath"] = c["scenarioPath"]
                m["samples"] += c["samples"]
                m["runs"].append({"run": p.rsplit("/", 1)[-1], "median": c["median"], "min": c["min"], "max": c["max"], "n": c["n"]})
        costs = []
        for m in merged.values():
            s = m["samples"]
            costs.append({"path": m["path"], "unit": "s", "median": statistics.median(s), "min": min(s), "max": max(s),
                          "n": len(s), "samples": s, "method": m["method"], **({"scenarioPath": m["scenarioPath"]} if "scenarioPath" in m else {}),
                          "runs": m["runs"]})
        with open(out, "w") as f:
            json.dump({"about": "costs.sh's runs pooled: every cost's samples from each run (one sample per repetition), "
                                "its median, min and max over all of them, and each run's own figures under runs. Each "
                                "run's notes (other work during the batches, the sampled split's check against cutime) "
                                "are in its own costs.TAG.json.",
                       "merged": [p.rsplit("/", 1)[-1] for p, _ in runs],
                       "meta": {p.rsplit("/", 1)[-1]: d["meta"] for p, d in runs}, "costs": costs}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
