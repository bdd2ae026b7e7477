// The defaults of every CPU cost. The machine's: for each, the median over the calibration
// kit's series that measured their own machine (calibration/defaults-linux-2core.json, which
// calibration/defaults.mjs writes with each figure's series; how each was measured is in that
// series' own file; docs/validation.md, "What measuring buys"); a test checks they agree. The
// others as the kit measured them once, each with its script below. A scenario of another
// stack states its own; `sim run --sensitivity` moves every cost a scenario does not list as measured.

/**
 * A measured cost in milliseconds, four significant digits, as the schema's descriptions
 * quote it: computed from the figure here, the text follows it when it is measured again.
 */
export function inMs(seconds: number): number {
  return Number((seconds * 1000).toPrecision(4));
}

/** Seconds of CPU per operation. */
export const MEASURED_COSTS = {
  client: { requestCpu: 0.0000765, dialCpu: 0.0001036 },
  server: { requestCpu: 0.0000917, acceptCpu: 0.000084, switchCpu: 0.000017, errorCpu: 0.0008846 },
  database: {
    /** Forking back to back; one connection at a time adds postmasterWakeCpu (calibration/bench/fork_burst.py). */
    postmasterCpu: 0.0005,
    postmasterWakeCpu: 0.0001752,
    backendStartupCpu: 0.0004121,
    /** Of it, the part before setsid() (calibration/setsid_share.sh; the share: results/setsid-share.txt). */
    backendBeforeSetsidCpu: 0.0002262,
    backendStartCpu: 0.002013,
    /** Of it, the part before the first authentication request (calibration/auth_share.sh; the share: results/auth-share.txt). */
    backendBeforeAuthCpu: 0.0006596,
    backendExitCpu: 0.002234,
    refusedCpu: 0.001393,
    /** A BEGIN or ROLLBACK the driver sends by itself, one connection at a time (calibration/statement_cpu.sh; results/statement-cpu.txt). */
    transactionControlCpu: 0.0000099,
  },
  /**
   * gunicorn 20.1 + uvicorn 0.17.6's UvicornWorker (uvloop, httptools), FastAPI 0.92, asyncpg 0.27
   * (calibration/uvicorn.sh: results/uvicorn-http.json, uvicorn-asyncpg-costs.txt).
   */
  uvicorn: {
    /** The worker's CPU per request, trivial async handler, keep-alive. */
    requestCpu: 0.000067,
    /** Its extra CPU per new connection. */
    acceptCpu: 0.0000767,
    /** A `def` handler's extra CPU (run_in_threadpool). */
    threadpoolCpu: 0.0001145,
    /** asyncpg's client CPU for connect + close with scram-sha-256 (the proof in Python). */
    connectCpu: 0.0270236,
    /** A worker's CPU from its fork to its app's startup event, booting alone (results/uvicorn-boot-cpu.txt). */
    bootCpu: 0.2209,
  },
  /**
   * PgBouncer 1.18 (transaction pooling, scram-sha-256 against the role's SCRAM secret),
   * its own CPU per operation (calibration/pgbouncer.sh: results/pgbouncer-costs.txt).
   */
  pgbouncer: {
    /** A client's login and close (its side of scram-sha-256). */
    loginCpu: 0.0003363,
    /** Relaying one transaction (the actors query, 200 rows). */
    queryCpu: 0.0000516,
    /** Opening a server connection (its login to PostgreSQL) and closing it. */
    serverCpu: 0.0004537,
  },
  /** A trivial query's backend CPU on an open connection (SELECT pg_sleep(0): dbQuery.cpu.pg_sleep0), for pool_pre_ping's SELECT 1. */
  pingCpu: 0.0000573,
  /** libpq's side of connect + close, by pg_hba.conf method (dbConnect's cpu). */
  connectCpu: { 'scram-sha-256': 0.003532, md5: 0.0002131, trust: 0.0003319 },
  /**
   * A blocking connect's extra CPU while another thread of its process connects
   * (calibration/connect_threads.sh: eight threads' CPU per connect less one thread's).
   */
  connectContendedCpu: 0.000545,
  /**
   * server.cacheRefillCpu of a sync worker on the actors handler (calibration/switch_in.sh's
   * rings of 2 to 8 pinned workers on the same KVM guest, least squares: none after 1 other,
   * the points below after 2 and after 3 or more; results/switch-in-sync-curve.txt). Not a
   * default (each app's working set has its own): `sim run --sensitivity` tries it where
   * workers outnumber twice the cores.
   */
  syncCacheRefillCpu: [
    { others: 1, cpu: 0 },
    { others: 2, cpu: 0.0000487 },
    { others: 3, cpu: 0.0000395 },
  ],
  /** Of that, the part before the first wait (psycopg2.connect(async_=1): PQconnectStart; calibration/bench/connect_start.py). */
  connectStartCpu: 0.000217,
  /** A cooperative connect's extra worker CPU per turn of its loop (calibration/warm_turns.sh, calibration/connect_in_worker.sh). */
  connectTurnCpu: 0.0001087,
  /**
   * Of startCpu and turnCpu, the share a turn costs when the worker's loop runs it straight
   * after another turn (calibration/warm_turns.sh, results/warm-turns.txt: the worker's CPU per
   * connect beside the proof, back to back over one at a time).
   */
  connectBackToBackShare: 0.55,
} as const;
