// The report's warnings: what the run itself says about its set-up (pools that can exceed
// max_connections, a fleet's sizing and budget) and about how far to trust it, where the
// calibration kit's real runs found the model off in runs like it (the postmaster's listen
// queue, a jammed storm, threads sharing a pool, workers taking turns on fewer cores, light
// requests); those name the docs' section with the figures.
import type { RunResult } from '../model/system.js';
import { budgetWarning, type FleetSummary, workersWarning } from './fleetReport.js';

/** The `WARNING:` lines of a run, in the order the report gives them. */
export function warnings(result: RunResult, fleet: FleetSummary | undefined): string[] {
  const out: string[] = [];
  const db = result.database;
  const budget = fleet === undefined ? undefined : budgetWarning(fleet);
  if (budget !== undefined) out.push(budget);
  const sized = fleet === undefined ? undefined : workersWarning(fleet);
  if (sized !== undefined) out.push(sized);
  // SQLAlchemy's pool holds at most pool_size + max_overflow, asyncpg's max_size.
  const pool =
    db?.pool !== undefined
      ? { perWorker: db.pool.size + db.pool.maxOverflow, sizes: `(pool_size ${db.pool.size} + max_overflow ${db.pool.maxOverflow})` }
      : db?.asyncpgPool !== undefined
        ? { perWorker: db.asyncpgPool.maxSize, sizes: `max_size ${db.asyncpgPool.maxSize}` }
        : undefined;
  if (db !== undefined && pool !== undefined && fleet === undefined) {
    const total = result.server.workers * pool.perWorker;
    const [limit, what] =
      db.pgbouncer !== undefined ? [db.pgbouncer.maxClientConn, "PgBouncer's max_client_conn"] : [db.maxConnections, 'max_connections'];
    if (total > limit) {
      out.push(
        `each worker has its own pool: ${result.server.workers} workers x ${pool.sizes} = ${total} connections can exceed ${what} (${limit})`,
      );
    }
  }
  // A postmaster that shares the cores with its backends as one of them (no task groups,
  // or PostgreSQL's processes in one group) gets little of them in a burst of connects, and
  // the model lets it fall behind; a real one mostly keeps up, and more of the burst is
  // refused (docs/validation.md, "Task groups" and the cgroup check after it).
  if (db !== undefined && db.synDrops > 0 && db.refused > 0 && result.cpu.postmaster > 0 && result.taskGroups !== 'session') {
    const how =
      result.taskGroups === 'none'
        ? 'with every process sharing the cores alike (machine.taskGroups "none"); on Linux, sessions or services share them first: set machine.taskGroups as calibration/autogroup.sh finds it'
        : 'with PostgreSQL\'s processes in one group (machine.taskGroups "service"), where the model gives the postmaster one backend\'s share; a real one kept up in that set-up too';
    out.push(
      `the postmaster's listen queue overflowed (${db.synDrops} SYNs retried a second or more later) ${how}: the 500s here are likely low (docs/validation.md, "Task groups")`,
    );
  }
  // A connection storm that jammed: the refusals came while most slots were held by backends
  // waiting for their workers to answer authentication. The real outcome of such a storm
  // varies from run to run, and the kit's held-out storms (a connect per request, no pool)
  // found the model on one side of it.
  const r = db?.atRefusal;
  const perRequest = db !== undefined && db.pool === undefined && db.asyncpgPool === undefined && db.pgbouncer === undefined;
  if (db !== undefined && perRequest && db.refused > 0 && r !== undefined && r.held > 0 && r.awaitingClient >= r.held / 2) {
    out.push(
      `a connection storm: when PostgreSQL refused, ${r.awaitingClient.toFixed(0)} of its ${r.held.toFixed(0)} slots (mean) were held by backends waiting for their worker to answer authentication. Real storms like this vary widely from run to run, seeds much less: read the 500s as a typical run's, not a bound; in the calibration kit's held-out storms the model came near the real median for most, but not with PostgreSQL in one cpu cgroup (machine.taskGroups "service": fewer) or for a burst written as the connections open (ab: fewer) (docs/validation.md, "Held-out storms", for the figures)`,
    );
  }
  const threads = threadsOnPoolWarning(result, fleet);
  if (threads !== undefined) out.push(threads);
  const shared = threads === undefined ? sharedCoresWarning(result, fleet) : undefined;
  if (shared !== undefined) out.push(shared);
  const light = lightRequestsWarning(result, fleet);
  if (light !== undefined) out.push(light);
  return out;
}

/**
 * Requests with no database and little of the worker's CPU each, on a gevent worker kept
 * busy: where the kit ran them (calibration/wakeup_direct.sh, a trivial handler at hey -c
 * 1, 10 and 50, on two machines), the model's throughput came out high at every
 * concurrency. At -c 1 the real worker and hey each paid more per request than the costs
 * measured at -c 10, resuming after every answer; at -c 10 and 50 the real worker left part
 * of its core idle. Neither is modelled, so the figure is a bound, not an estimate.
 */
function lightRequestsWarning(result: RunResult, fleet: FleetSummary | undefined): string | undefined {
  if (fleet !== undefined || result.server.workerClass !== 'gevent') return undefined;
  const db = result.database;
  if (db !== undefined && (db.connections > 0 || db.queries > 0)) return undefined;
  const ended = result.recorder.responses + result.recorder.errorCount;
  if (ended <= 0 || result.total <= 0) return undefined;
  const perRequest = result.workersCpuUnderLoad / ended;
  const busy = result.workersCpuUnderLoad / result.total;
  if (perRequest >= LIGHT_REQUEST_CPU || busy < Math.min(result.server.workers, result.cores) / 2) return undefined;
  return `requests this light (${(perRequest / 1000).toFixed(3)} ms of a worker's CPU each, no database) on a busy gevent worker: in the calibration kit's runs of one gevent worker on a trivial handler at hey -c 1, 10 and 50, on two machines, the model's Requests/sec came out above the real one at every concurrency (a real process pays more to resume after each wait, and at -c 10 and 50 the real worker left part of its core idle; neither is modelled): read it as an upper bound (docs/validation.md, "The spread twenty rounds on the AMD machine, and md5 a third time", for the figures)`;
}

/** Below this much of the worker's CPU a request (µs), the kit's trivial-handler rows apply (theirs: calibration/wakeup_direct.sh's runs in docs/validation.md). */
const LIGHT_REQUEST_CPU = 300;

/** Sync workers a core on a pool up to which the kit's runs found the model right (docs/validation.md, "Persistent connections in sync and gthread workers"). */
const SYNC_WORKERS_A_CORE = 4;

/**
 * Busy workers taking turns on fewer cores, each running the Python of pooled requests:
 * the real ones refill their caches at every switch and spend more CPU per request than
 * one worker does, which the model charges only when server.cacheRefillCpu is measured.
 * Where the kit saw it (docs/validation.md: gevent and uvicorn workers on their pools, and
 * sync workers on SQLAlchemy's, the more a core the higher), the model's throughput came out
 * high: a bound, not an estimate. Connect-per-request runs are left out: there libpq's proof,
 * compute in a small working set, is most of a worker's CPU, and the kit's storms did not
 * read high.
 */
function sharedCoresWarning(result: RunResult, fleet: FleetSummary | undefined): string | undefined {
  const db = result.database;
  if (fleet !== undefined || db === undefined || (db.pool === undefined && db.asyncpgPool === undefined)) return undefined;
  const { workers, workerClass } = result.server;
  // Sync workers on a pool held up to four a core in the kit (calibration/shapes-4.json) and
  // read high from eight (shapes-5.json); the async workers' pools read high from two.
  const fewEnough = workerClass === 'sync' ? workers <= SYNC_WORKERS_A_CORE * result.cores : workers <= result.cores;
  if (result.cacheRefill || fewEnough || result.total <= 0) return undefined;
  const busyCores = result.workersCpuUnderLoad / result.total;
  if (busyCores < result.cores / 2) return undefined;
  return `${workers} workers, each with its own pool, took turns on ${result.cores} cores and kept ${busyCores.toFixed(1)} of them busy: the model charges a pooled request the same CPU however many workers share a core (server.cacheRefillCpu, when measured, charges what a switch between them costs). In the calibration kit's runs like this (4 gevent workers with SQLAlchemy's pool, 4 UvicornWorkers with asyncpg's, 16 and 32 sync workers with SQLAlchemy's, on 2 cores) the real workers spent more CPU per request than fewer workers did, and the model's Requests/sec came out high: read it as an upper bound (docs/validation.md, "SQLAlchemy's pool" and "Persistent connections in sync and gthread workers", for the figures)`;
}

/**
 * gthread workers on SQLAlchemy's pool, kept busy: where the kit ran them (psycopg2
 * blocking, calibration/shapes-4.json) the model's throughput came out far above the real
 * one, while sync workers on the same pool came out right. The real gthread workers spent
 * more CPU per request, and where threads outnumbered pool_size their pools opened and
 * closed connections all through the run (calibration/pool_threads.sh: check-ins piled up
 * with no checkout between them, filled the queue and closed the overflow), far more
 * often than the model's. Neither is modelled, so the figure is a bound, not an estimate.
 */
function threadsOnPoolWarning(result: RunResult, fleet: FleetSummary | undefined): string | undefined {
  if (fleet !== undefined || result.server.workerClass !== 'gthread' || result.database?.pool === undefined || result.total <= 0) {
    return undefined;
  }
  const busyCores = result.workersCpuUnderLoad / result.total;
  if (busyCores < Math.min(result.server.workers, result.cores) / 2) return undefined;
  const pool = result.database.pool;
  // QueuePool closes a checked-in connection only when pool_size already wait in its queue
  // (_do_return_conn: Full), which a worker with no more threads than pool_size never reaches.
  const overflowed =
    pool.peakPerWorker > pool.size
      ? `; here the pools went past pool_size (peak ${pool.peakPerWorker} a worker) and opened ${result.database.connections} connections for ${result.sent} requests: with pool_size at least a worker's threads, QueuePool never closes a connection checked in`
      : '';
  return `gthread workers on SQLAlchemy's pool kept ${busyCores.toFixed(1)} of ${result.cores} cores busy: in the calibration kit's runs like this (psycopg2 blocking, the threads sharing each worker's pool) the real workers spent more CPU per request than the model charges, and where threads outnumbered pool_size the real pool opened and closed connections far more often than the model's does (one worker x 8 threads on a pool of 5 + 10: 86-97 connections opened in 2000 requests, the model 9); the model's Requests/sec came out high, far more than with sync workers on the same pool: read it as an upper bound (docs/validation.md, "Persistent connections in sync and gthread workers", for the figures). Priced from a measurement in a gthread worker with its threads busy (calibration/pool.sh with POOL_CLASS=gthread) rather than in a sync one, the kit's rows within pool_size came much nearer (docs/validation.md, "gthread priced in a gthread worker")${overflowed}`;
}
