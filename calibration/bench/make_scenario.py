"""Writes calibration/measured-linux-2core.json from results/costs.json: the article's
gevent-100 configuration (1 gevent worker x 1000 connections, psycogreen, dbConnect /
pg_sleep(1) / dbClose, hey -n 100 -c 100 -t 0) on this machine, every CPU cost at its
scenario path (the median of costs.json), and "measured": path -> one line (method and
figures).

  make_scenario.py results/costs.json measured-linux-2core.json
  make_scenario.py results/costs.TAG.json OUT.json       one run of costs.sh (a day's costs)
  make_scenario.py --auth md5 results/costs.TAG.json OUT.json
      the same stack with pg_hba.conf's TCP lines set to md5 (or trust) instead of
      scram-sha-256 (calibration/run.sh AUTH=md5): the client's connect and the backend's
      CPU until ready as costs.sh measured them with that method
"""
import statistics
import json
import os
import re
import subprocess
import sys

# scenario path -> costs.json path
PATHS = {
    "client.requestCpu": "client.requestCpu",
    "client.dialCpu": "client.dialCpu",
    "server.requestCpu": "server.requestCpu",
    "server.acceptCpu": "server.acceptCpu",
    "server.errorCpu": "server.errorCpu",
    "app.steps.0.cpu": "dbConnect.cpu",
    "database.postmasterCpu": "database.postmasterCpu",
    "database.backendStartupCpu": "database.backendStartupCpu",
    "database.backendStartCpu": "database.backendStartCpu",
    "database.backendExitCpu": "database.backendExitCpu",
    "database.refusedCpu": "database.refusedCpu",
}



def batch_shares(costs_path, name):
    """The per-batch shares ("share X" at the end of each line) a perf script wrote to results/NAME."""
    with open(os.path.join(os.path.dirname(costs_path), name)) as f:
        return [float(x) for x in re.findall(r"share ([\d.]+)$", f.read(), re.M)]


def in_worker(path):
    """calibration/warm_turns.sh's figures (ms, medians over its rounds) at hey -c 1 and -c 50, or None."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read()
    connect, trivial = {}, {}
    for c, w, p in re.findall(r"connect, c (\d+): worker ([\d.]+); the greenlet's turns: proof ([\d.]+)", text):
        connect.setdefault(int(c), []).append((float(w), float(p)))
    for c, w in re.findall(r"trivial, c (\d+): worker ([\d.]+)", text):
        trivial.setdefault(int(c), []).append(float(w))
    if not all(c in connect and c in trivial for c in (1, 50)):
        return None
    f = {"rounds": len(connect[1])}
    for c in (1, 50):
        f[f"worker{c}"] = statistics.median(w for w, _ in connect[c])
        f[f"proof{c}"] = statistics.median(p for _, p in connect[c])
        f[f"trivial{c}"] = statistics.median(trivial[c])
        f[f"connect{c}"] = f[f"worker{c}"] - f[f"trivial{c}"]
        f[f"rest{c}"] = f[f"connect{c}"] - f[f"proof{c}"]
    if f["rest1"] <= 0:
        return None
    return f


def ms(x):
    return f"{x * 1000:.4f} ms"


def summary(e):
    """A costs.json entry as the measured texts give it: how, then its median, range and count."""
    return f"{e['method']} Median {ms(e['median'])} [{ms(e['min'])} - {ms(e['max'])}], n {e['n']}"


AUTH_METHODS = ("scram-sha-256", "md5", "trust")


def main():
    auth = "scram-sha-256"
    if "--auth" in sys.argv:
        at = sys.argv.index("--auth")
        auth = sys.argv[at + 1] if at + 1 < len(sys.argv) else ""
        del sys.argv[at:at + 2]
        if auth not in AUTH_METHODS:
            print(f"make_scenario.py: --auth takes one of {', '.join(AUTH_METHODS)}, not {auth!r}", file=sys.stderr)
            sys.exit(2)
    costs_path, out = sys.argv[1], sys.argv[2]
    with open(costs_path) as f:
        data = json.load(f)
    costs = {c["path"]: c for c in data["costs"]}
    somaxconn = int(subprocess.check_output(["sysctl", "-n", "net.core.somaxconn"]).decode())
    # The cores costs.sh ran on (nproc), which every process of the kit shares.
    cores = int(data.get("meta", {}).get("cores") or os.cpu_count())
    v = {p: round(costs[c]["median"], 7) for p, c in PATHS.items()}
    runs = ", ".join(data.get("merged", []))
    measured = {}
    for p, c in PATHS.items():
        e = costs[c]
        measured[p] = f"{summary(e)} (calibration/results/costs.json '{c}'{'; runs ' + runs if runs else ''})."
    # Another authentication method: costs.sh measured the client's connect and the backend's
    # CPU until ready with it too; the backend's start-up before InitProcess (the startup
    # packet) does not depend on it.
    if auth != "scram-sha-256":
        missing = [k for k in (f"dbConnect.cpu.{auth}", f"database.backendReadyCpu.{auth}") if k not in costs]
        if missing:
            print(f"make_scenario.py: {costs_path} has no {' or '.join(missing)}: run costs.sh again, it measures {auth} too",
                  file=sys.stderr)
            sys.exit(2)
        e = costs[f"dbConnect.cpu.{auth}"]
        v["app.steps.0.cpu"] = round(e["median"], 7)
        measured["app.steps.0.cpu"] = f"{summary(e)} (calibration/results/costs.json 'dbConnect.cpu.{auth}')."
        r = costs[f"database.backendReadyCpu.{auth}"]
        v["database.backendStartCpu"] = round(max(0.0, r["median"] - v["database.backendStartupCpu"]), 7)
        measured["database.backendStartCpu"] = (
            f"database.backendReadyCpu.{auth} ({summary(r)}) less database.backendStartupCpu ({ms(v['database.backendStartupCpu'])}), "
            f"whose work before InitProcess does not depend on the method: {ms(v['database.backendStartCpu'])} "
            f"(calibration/results/costs.json).")
    # server.switchCpu: bench/switch_cost.py, its result in results/switch-cost.txt (last line).
    switch_file = os.path.join(os.path.dirname(costs_path), "switch-cost.txt")
    with open(switch_file) as f:
        switch_ms = float(re.search(r"server\.switchCpu (-?[\d.]+) ms", f.read()).group(1))
    # A resume through the hub cannot cost less than one in the kernel, and server.switchCpu 0
    # means one that does not queue for the loop: a median at or below none is noise, not a figure.
    if switch_ms <= 0:
        sys.exit(f"make_scenario.py: {switch_file}: the median difference is {switch_ms} ms, not above none: the "
                 "switch drowned in the noise; time it again on idle cores (calibration/measure.sh's switch_cost.py "
                 "block) and run make_scenario.py again")
    measured["server.switchCpu"] = (
        "SELECT 1 on one open connection, 5000 times after 200 to warm up, in a gevent process with psycogreen "
        "(each wait goes through gevent's hub and psycogreen's wait callback) and in plain psycopg2 (libpq waits "
        "in the kernel), alternately, 3 or 5 times: the median difference of the process's CPU per query (one wait "
        f"each): {switch_ms} ms (calibration/bench/switch_cost.py, calibration/results/switch-cost.txt).")
    # database.postmasterCpu is measured one connection at a time, each waking the
    # postmaster; bench/fork_burst.py measures the share of it that remains when it forks
    # back to back (results/fork-burst.txt, last line). The rest is its wake-up.
    with open(os.path.join(os.path.dirname(costs_path), "fork-burst.txt")) as f:
        burst = f.read().strip().splitlines()[-1]
    measured_share = float(re.search(r"back-to-back share ([\d.]+)", burst).group(1))
    # Back to back no dearer than one at a time: a share above 1 is the benchmark's noise
    # where the wake-up costs nothing measurable.
    share = min(1.0, measured_share)
    pm_total = v["database.postmasterCpu"]
    v["database.postmasterCpu"] = round(pm_total * share, 7)
    v["database.postmasterWakeCpu"] = round(pm_total - v["database.postmasterCpu"], 7)
    measured["database.postmasterCpu"] = (
        f"{measured['database.postmasterCpu']} That is one connection at a time, each waking the postmaster; "
        f"forking back to back it costs {share:.3f} of it (calibration/bench/fork_burst.py: 90 connections started "
        "at once against 90 one after another, alternately, the postmaster's schedstat per connection; "
        f"results/fork-burst.txt: {burst}), so postmasterCpu is {ms(v['database.postmasterCpu'])}"
        + (f" (the share at most 1: the {measured_share:.3f} measured means no wake-up to tell apart)." if measured_share > 1 else "."))
    measured["database.postmasterWakeCpu"] = (
        f"the rest of the one-at-a-time figure, {ms(pm_total)} x (1 - {share:.3f}) = "
        f"{ms(v['database.postmasterWakeCpu'])}: the postmaster's CPU to wake for a connection "
        "(calibration/bench/fork_burst.py, results/fork-burst.txt).")
    # The part of a new backend's start-up before it leaves the postmaster's session:
    # calibration/setsid_share.sh (results/setsid-share.txt, the median of its batches' shares).
    setsid_runs = batch_shares(costs_path, "setsid-share.txt")
    setsid_share = statistics.median(setsid_runs)
    v["database.backendBeforeSetsidCpu"] = round(v["database.backendStartupCpu"] * setsid_share, 7)
    measured["database.backendBeforeSetsidCpu"] = (
        f"database.backendStartupCpu x {setsid_share:.3f}: the share of a new backend's CPU before InitProcess that "
        "comes before its setsid() (InitPostmasterChild), while it is still in the postmaster's session. perf "
        "recordings of batches of 210 sequential connects (cpu-clock every 50 us, uprobes on libc's setsid and "
        "postgres's InitProcess): each child's samples before setsid() against before InitProcess, summed over the "
        f"batch; median of {len(setsid_runs)} batches (range {min(setsid_runs):.3f}-{max(setsid_runs):.3f}; "
        "calibration/setsid_share.sh, results/setsid-share.txt).")
    # The part of a backend's start-up after InitProcess that comes before its challenge:
    # calibration/auth_share.sh (results/auth-share.txt, the median of its batches' shares).
    auth_runs = batch_shares(costs_path, "auth-share.txt")
    auth_share = statistics.median(auth_runs)
    # The share is of scram-sha-256's start, measured so; the work before the challenge (the
    # role's secret looked up) is the same with md5, so its CPU is kept, not its share.
    scram_start = round(costs["database.backendStartCpu"]["median"], 7)
    v["database.backendBeforeAuthCpu"] = round(min(scram_start * auth_share, v["database.backendStartCpu"]), 7)
    whose = "" if auth == "scram-sha-256" else "scram-sha-256's "
    measured["database.backendBeforeAuthCpu"] = (
        f"{whose}database.backendStartCpu x {auth_share:.3f}: the share of a backend's CPU between InitProcess and "
        "ReadyForQuery that comes before its first authentication request (InitPostgres's first caches, "
        "ClientAuthentication's lookup of the role's secret), while it holds its slot. perf recordings of batches of "
        "210 sequential connects (cpu-clock every 50 us, uprobes on InitProcess, ClientAuthentication, "
        "sendAuthRequest, InitializeSessionUserId and ReadyForQuery): each backend's samples before the first "
        f"sendAuthRequest against all of them, summed over the batch; median of {len(auth_runs)} batches (range "
        f"{min(auth_runs):.3f}-{max(auth_runs):.3f}; calibration/auth_share.sh, results/auth-share.txt). The "
        "server-first message's own work (about 3 %) is counted with the rest, after the proof.")
    measured["database.forkTime"] = "0: the postmaster's fork is CPU now (database.postmasterCpu), not a delay."
    measured["database.backendStartTime"] = ("0: the backend's start is CPU now (database.backendStartupCpu, "
                                             "backendStartCpu), not a delay.")
    # libpq's side of connect + close varies from one connection to the next (two modes,
    # near 3.4 and 5.6 ms on the machine that ran the kit): the scenario draws it from the
    # per-connection samples of every run (40 equally likely values, their quantiles), so
    # that seeds vary as runs do.
    # The runs whose samples count: those pooled in costs_path (costs.json names them under
    # "merged"), a single run's own (costs.TAG.json), or the one given.
    if len(sys.argv) > 3:
        runs = [sys.argv[3]]
    elif "merged" in data:
        runs = [m[len("costs."):-len(".json")] for m in data["merged"]]
    else:
        runs = [os.path.basename(costs_path)[len("costs."):-len(".json")]]
    samples = []
    run_files = [os.path.join(os.path.dirname(costs_path), "costs", r, f"connect-{auth}.json") for r in runs]
    for run_file in sorted(run_files):
        with open(run_file) as f:
            for rec in json.load(f)["records"]:
                samples += [c + cl for c, cl in zip(rec["connect_cpu"], rec["close_cpu"])]
    connect_dist = {"dist": "choice", "values": [round(q, 7) for q in statistics.quantiles(samples, n=41)]}
    measured["app.steps.0.cpu"] += (
        f" Per connection: drawn from 40 equally likely values, the quantiles of the {len(samples)} per-connection "
        f"samples of {'every run' if len(runs) > 1 else 'run ' + runs[0]} (connect + close; median {ms(statistics.median(samples))}, "
        f"5 % {ms(statistics.quantiles(samples, n=20)[0])}, 95 % {ms(statistics.quantiles(samples, n=20)[-1])}).")
    # dbConnect.startCpu: bench/connect_start.py, its result in results/connect-start.txt (last line).
    with open(os.path.join(os.path.dirname(costs_path), "connect-start.txt")) as f:
        start_ms = float(re.search(r"dbConnect\.startCpu ([\d.]+) ms", f.read()).group(1))
    measured["app.steps.0.cpu"] += (
        f" Of it, {start_ms} ms is spent before the first wait (startCpu: psycopg2.connect(async_=1), which returns "
        "after libpq's PQconnectStart; calibration/bench/connect_start.py, results/connect-start.txt).")
    # The connect as the gevent worker itself pays for it (calibration/warm_turns.sh: the
    # worker's CPU per connect + close request less per trivial request, one at a time and
    # back to back, with the proof's turn timed inside the greenlet). Where that measurement
    # exists for this method, the connect is priced from it alone, so that its parts come
    # from one instrument in the same minutes rather than from a plain process's connect
    # (costs.sh) plus what connect_in_worker.sh found the worker adds, measured apart: each
    # drifts with the machine, and their sum did not match the worker's own total.
    # A psycopg2 connect's turns as the model counts them (src/scenario/resolveDatabase.ts):
    # connectTurns 2 and turnsBeforeSlot 2, then authTurns by method.
    turns = 4 + {"scram-sha-256": 2, "md5": 1, "trust": 0}[auth]
    warm_name = "warm-turns.txt" if auth == "scram-sha-256" else f"warm-turns-{auth}.txt"
    warm = in_worker(os.path.join(os.path.dirname(costs_path), warm_name))
    turn_s = 0.0
    back_to_back = None
    if warm is not None:
        connect_ms = [round(q * 1000, 4) for q in connect_dist["values"]]
        cpu_ms = warm["proof1"] + start_ms
        scale = cpu_ms / statistics.median(connect_ms)
        connect_dist = {"dist": "choice", "values": [round(q * scale, 7) for q in connect_dist["values"]]}
        turn_ms = max(0.0, (warm["rest1"] - start_ms) / turns - switch_ms)
        turn_s = turn_ms / 1000
        back_to_back = min(1.0, round(warm["rest50"] / warm["rest1"], 2))
        src = f"calibration/warm_turns.sh, results/{warm_name}"
        # A share of none would make every turn after the first of a loop's batch free but
        # for the switch, which changes how the wave runs (docs/validation.md, "The wave turn
        # by turn of the worker's loop"): a difference of two medians that small is noise.
        if back_to_back <= 0:
            sys.exit(f"make_scenario.py: {src}: the connect's rest back to back is {warm['rest50']:.3f} ms against "
                     f"{warm['rest1']:.3f} ms one at a time, a share of {back_to_back}, not above none: the difference "
                     "drowned in the noise (on idle cores, measure.sh's check decides them slower); run warm_turns.sh "
                     "again, on busy cores, and make_scenario.py again")
        measured["app.steps.0.cpu"] += (
            f" Priced in the worker ({src}): one at a time the worker spent {warm['connect1']:.3f} ms on a connect + "
            f"close request beyond a trivial one (medians: {warm['worker1']:.3f} against {warm['trivial1']:.3f} ms, "
            f"{warm['rounds']} rounds), {warm['proof1']:.3f} ms of it in the turn that computes the "
            + ("proof" if auth == "scram-sha-256" else "answer" if auth == "md5" else "startup packet")
            + f"; so the values above are scaled by {scale:.3f}, to that turn plus startCpu ({cpu_ms:.3f} ms at the "
            "median), and the rest of the connect is in turnCpu.")
        measured["app.steps.0.turnCpu"] = (
            f"{ms(turn_s)} a turn: the worker's connect one at a time less the {warm['proof1']:.3f} ms turn "
            f"({warm['rest1']:.3f} ms: the other turns, gevent's hub and the close), less startCpu ({start_ms} ms), "
            f"over the {turns} turns of a {auth} connect, less each turn's switch (server.switchCpu) ({src}).")
        measured["app.steps.0.backToBackShare"] = (
            f"{back_to_back}: that rest of the connect at hey -c 50, where the turns follow one another on the loop "
            f"({warm['rest50']:.3f} ms: {warm['worker50']:.3f} against a trivial {warm['trivial50']:.3f} ms, less "
            f"the {warm['proof50']:.3f} ms turn), against one at a time ({warm['rest1']:.3f} ms); above 0, at most 1 ({src}).")
    else:
        if auth != "scram-sha-256":
            print(f"make_scenario.py: no results/{warm_name} beside {os.path.basename(costs_path)}: the worker's {auth} "
                  "connect is priced as the plain-process connect plus connect_in_worker.sh's extra a turn; to price it in "
                  f"the worker, run AUTH={auth} RESULTS={os.path.dirname(os.path.abspath(costs_path))} calibration/warm_turns.sh "
                  "first", file=sys.stderr)
        # What a connect costs the gevent worker beyond the same in a plain process of its own
        # (calibration/connect_in_worker.sh, alternated rounds, results/connect-in-worker.txt):
        # psycogreen's wait callback at each of the connect's turns (connectTurns 2,
        # turnsBeforeSlot 2, authTurns 2 with scram-sha-256), beyond the loop's switch.
        in_worker_path = os.path.join(os.path.dirname(costs_path), "connect-in-worker.txt")
        if os.path.exists(in_worker_path):
            with open(in_worker_path) as f:
                rounds = re.findall(r"in the gevent worker ([\d.]+) .*?plain ([\d.]+),", f.read())
            per_turn = [(float(w) - float(pl) - 6 * switch_ms) / 6 for w, pl in rounds]
            if per_turn:
                turn_s = max(0.0, statistics.median(per_turn)) / 1000
                measured["app.steps.0.turnCpu"] = (
                    f"{ms(turn_s)} a turn: a connect + close inside the gevent worker against the same in a plain process "
                    f"of its own, alternated ({len(per_turn)} rounds, calibration/connect_in_worker.sh, "
                    f"results/connect-in-worker.txt), less the 6 turns' switches (server.switchCpu), over 6 "
                    f"turns; median, range {min(per_turn):.3f}-{max(per_turn):.3f} ms.")
        # What the connect's start and turns cost when they follow one another on the worker's loop,
        # as a share of the same one at a time (calibration/warm_turns.sh, results/warm-turns.txt).
        warm_path = os.path.join(os.path.dirname(costs_path), "warm-turns.txt")
        if os.path.exists(warm_path):
            with open(warm_path) as f:
                m = re.search(r"^connect, the proof aside .*: one at a time ([\d.]+) ms, back to back ([\d.]+) ms, ratio ([\d.]+)", f.read(), re.M)
            if m:
                back_to_back = float(m.group(3))
                measured["app.steps.0.backToBackShare"] = (
                    f"{back_to_back}: a gevent worker's CPU per connect beside the proof (the greenlet's other turns, gevent's "
                    f"hub and gunicorn), {m.group(2)} ms at hey -c 50 against {m.group(1)} ms at -c 1, alternated rounds, "
                    "medians (calibration/warm_turns.sh, results/warm-turns.txt).")
    # How the kernel groups the kit's processes before it shares the cores
    # (calibration/autogroup.sh, results/autogroup.txt): with autogroup on and the kit in the
    # root cpu cgroup, every session is a group; hey shares the workers' session when the
    # kit starts both.
    with open(os.path.join(os.path.dirname(costs_path), "autogroup.txt")) as f:
        groups = f.read()
    autogroup = re.search(r"sched_autogroup_enabled: 1\n", groups) is not None and "0::/ " in groups
    session = dict(re.findall(r"^  (hey|gunicorn worker \d+): (\S+)$", groups, re.M))
    workers = {v for k, v in session.items() if k.startswith("gunicorn worker")}
    hey_with_workers = autogroup and workers == {session.get("hey")}
    task_groups = "session" if autogroup else "none"
    notes = {}
    notes["machine.taskGroups"] = (
        f"{task_groups}: calibration/autogroup.sh (results/autogroup.txt): kernel.sched_autogroup_enabled is "
        f"{'1' if autogroup else 'not 1'} and the kit runs in the root cpu cgroup; every backend is a session of its "
        "own (PostgreSQL's InitPostmasterChild calls setsid()), and CPU-bound processes in one session together get "
        "what one process alone in its session gets (bench/session_share.py).")
    notes["client.taskGroup"] = (
        f"{'server' if hey_with_workers else 'own'}: hey and the gunicorn workers are "
        f"{'in the same session' if hey_with_workers else 'not in one session'} (/proc/PID/autogroup, read during a "
        "storm by calibration/autogroup.sh): the kit starts both from its script.")

    # Per-core run queues: do woken backends stay on their busy core while another is idle?
    run_queues = "shared"
    wakeups_path = os.path.join(os.path.dirname(costs_path), "wakeups.txt")
    if os.path.exists(wakeups_path):
        with open(wakeups_path) as f:
            stays = [float(x) for x in re.findall(r"of which on their previous \(busy\) core ([0-9.]+)", f.read())]
        if stays and sorted(stays)[len(stays) // 2] > 0.5:
            run_queues = "per-core"
        notes["machine.runQueues"] = (
            f"{run_queues}: calibration/wakeups.sh (results/wakeups.txt) traced the scheduler under load: a woken "
            f"backend stayed on its previous, busy core while another core was idle {', '.join(map(str, stays))} of "
            "the time (runs), so a runnable task waits for its own core.")

    # How a core's tasks share it (calibration/wakeups.sh, results/wakeups.txt): where a task
    # woken onto the core the worker is running on takes the core at the next switch in most
    # wake-ups, the kernel runs it at once as its next buddy, which only EEVDF's one task at a
    # time can express; elsewhere, processor sharing, the kit's default.
    slices = {}
    if run_queues == "per-core":
        with open(wakeups_path) as f:
            took = [float(x) for x in re.findall(r"after woken tasks were put on it while the worker ran: \d+; one of them took the core at that switch ([0-9.]+)", f.read())]
        if took:
            next_buddy = sorted(took)[len(took) // 2] > 0.5
            if next_buddy:
                slices = {"timeSlices": "eevdf", "wakeupPreemption": "next-buddy"}
            notes["machine.wakeupPreemption"] = (
                f"{'next-buddy under machine.timeSlices eevdf' if next_buddy else 'not set (processor sharing)'}: "
                "calibration/wakeups.sh (results/wakeups.txt) traced the scheduler under load: of the switches of the "
                "worker's core that followed a wake-up onto it while the worker ran, the woken task took the core from the "
                f"worker at {', '.join(map(str, took))} (runs)" + (", so a woken task runs at once." if next_buddy else ", less than half."))

    # A blocking connect's extra CPU beside another thread's (calibration/connect_threads.sh), when measured.
    # Only scram-sha-256's proof loops over HMACs under OpenSSL's lock: with md5 or trust the
    # scenario leaves it to the default for its method, 0.
    contended = {}
    threads_path = os.path.join(os.path.dirname(costs_path), "connect-threads.txt")
    if os.path.exists(threads_path) and auth == "scram-sha-256":
        with open(threads_path) as f:
            text = f.read()
        m = re.search(r"^contendedCpu (-?[\d.]+) s \((.*)\)$", text, re.M)
        # Threads that connect for less CPU each than one alone have no lock to wait on: none.
        extra = float(m.group(1))
        contended["contendedCpu"] = max(0.0, extra)
        measured["app.steps.0.contendedCpu"] = (
            "calibration/connect_threads.sh (results/connect-threads.txt, " + text.splitlines()[0] + "): psycopg2 connect + "
            f"close, scram-sha-256, from threads of one process, 200 a batch, 3 rounds alternated: {m.group(2)}"
            + (f"; {extra * 1000:.3f} ms, less than none, so 0." if extra < 0 else "."))

    # The idle core's wake-up latency (calibration/wakeup_latency.sh), when it was measured.
    wakeup = {}
    wakeup_path = os.path.join(os.path.dirname(costs_path), "wakeup-latency.txt")
    if os.path.exists(wakeup_path) and run_queues == "per-core":
        with open(wakeup_path) as f:
            text = f.read()
        wakeup["wakeupLatency"] = json.loads(re.search(r"^machine\.wakeupLatency (.*)$", text, re.M).group(1))
        pooled = re.search(r"^all gaps: (.*)$", text, re.M).group(1)
        measured["machine.wakeupLatency"] = (
            "calibration/wakeup_latency.sh (results/wakeup-latency.txt, " + text.splitlines()[0] + "): a process blocked in "
            "read() on the idle core against one polling, pinned to cores 0 and 1, idle gaps 0-2000 us; every gap's "
            f"samples pooled ({pooled}), as 20 quantiles.")

    # Whether measure.sh timed the operations on cores kept busy (bench/duty_speed.py check).
    cores_state = ""
    duty_path = os.path.join(os.path.dirname(costs_path), "duty-check.txt")
    if os.path.exists(duty_path):
        with open(duty_path) as f:
            verdict = f.read().strip().splitlines()[-1]
        if verdict.endswith("-> busy cores"):
            cores_state = (
                " The micro-benchmarks ran with a SCHED_IDLE spinner on every core (calibration/busy_cores.sh), so "
                "that an operation costs what it does on a core kept busy, as under load, since here an operation "
                f"that follows an idle moment of its core costs more (results/duty-check.txt: {verdict}); "
                "machine.runQueues, taskGroups and wakeupLatency were measured without them.")
        else:
            cores_state = f" The micro-benchmarks ran on idle cores (results/duty-check.txt: {verdict})."

    scenario = {
        "$schema": "../scenarios/schema.json",
        "name": "measured-linux-2core",
        "description": (
            "The article's gevent-100 configuration (hey -n 100 -c 100 -t 0 against 1 gevent worker x 1000 "
            "connections, psycogreen, a new connection per request, SELECT pg_sleep(1.0)) on the machine that ran "
            f"the calibration kit: Linux, {cores} cores shared by hey, gunicorn and PostgreSQL 15, somaxconn "
            f"{somaxconn}. Every CPU cost is MEASURED there by calibration/costs.sh (micro-benchmarks, median of "
            "the runs before and after the load series; nothing is fitted): see \"measured\" and "
            "calibration/results/costs.json. Connection set-up is CPU on the shared cores (postmaster, backend "
            "start-up, authentication, exit; libpq's "
            + ("scram-sha-256 proof" if auth == "scram-sha-256" else f"side of {auth}") + " on the worker), so forkTime and "
            "backendStartTime are 0. database.authMethod is the kit's pg_hba.conf ("
            + ("initdb --auth-host=scram-sha-256" if auth == "scram-sha-256" else
               f"its TCP lines set to {auth}{', the password stored as md5' if auth == 'md5' else ''}: calibration/run.sh AUTH={auth}")
            + ")." + cores_state),
        "seed": 1,
        "client": {"requests": 100, "concurrency": 100, "timeout": 0,
                   "taskGroup": "server" if hey_with_workers else "own",
                   "requestCpu": v["client.requestCpu"], "dialCpu": v["client.dialCpu"]},
        "machine": {"cores": cores, "scheduler": "shared", "taskGroups": task_groups, "runQueues": run_queues, **slices, **wakeup, "os": "linux",
                    "somaxconn": somaxconn},
        "server": {"workerClass": "gevent", "workers": 1, "workerConnections": 1000, "keepalive": 2,
                   "requestCpu": v["server.requestCpu"], "acceptCpu": v["server.acceptCpu"],
                   "switchCpu": round(switch_ms / 1000, 7), "errorCpu": v["server.errorCpu"]},
        "app": {"status": 204, "psycogreen": True, "steps": [
            {"kind": "dbConnect", "cpu": connect_dist, "startCpu": round(start_ms / 1000, 7), "turnCpu": round(turn_s, 7),
             **contended,
             **({"backToBackShare": back_to_back} if back_to_back is not None else {})},
            {"kind": "dbQuery", "time": 1},
            {"kind": "dbClose"},
        ]},
        "database": {
            "maxConnections": 100, "superuserReservedConnections": 3, "superuser": True,
            "authMethod": auth,
            "forkTime": 0, "backendStartTime": 0,
            "postmasterCpu": v["database.postmasterCpu"],
            "postmasterWakeCpu": v["database.postmasterWakeCpu"],
            "backendStartupCpu": v["database.backendStartupCpu"],
            "backendBeforeSetsidCpu": v["database.backendBeforeSetsidCpu"],
            "backendStartCpu": v["database.backendStartCpu"],
            "backendBeforeAuthCpu": v["database.backendBeforeAuthCpu"],
            "backendExitCpu": v["database.backendExitCpu"],
            "refusedCpu": v["database.refusedCpu"],
        },
        "measured": measured,
        "notes": notes,
    }
    text = json.dumps(scenario, indent=2)
    # Inputs in a folder of their own (calibration/measure.sh TAG: results/TAG/): the texts
    # name the files this scenario was made from, not results/'s.
    kit = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    where = os.path.relpath(os.path.dirname(os.path.abspath(costs_path)), kit)
    if where != "results":
        text = text.replace("calibration/results/costs.json", "\0")
        text = text.replace("results/", f"{where}/")
        text = text.replace("\0", f"calibration/{where}/{os.path.basename(costs_path)}")
    with open(out, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
