// The figures of one run, computed once from the raw result, in seconds, the way hey
// computes them (requester/report.go). Text, JSON and charts all render this object.
import { HEY_PERCENTILES, type PercentileKey } from '../analysis/calibration/heyOutput.js';
import { toSeconds } from '../engine/time.js';
import type { StopReason } from '../messages.js';
import type { AsyncpgPoolResult, AtRefusal, PgbouncerCounts, PoolResult } from '../model/results.js';
import type { RunResult } from '../model/system.js';
import { UVICORN_WORKER } from '../scenario/resolve.js';
import { bindingLimit, type BindingLimit } from './bindingLimit.js';
import { budgetWarning, fleetSummary, type FleetSummary, workersWarning } from './fleetReport.js';
import { incidentSummary, type IncidentSummary } from './incident.js';
import { type Validated, validatedFor } from './validated.js';
import type { Scenario } from '../scenario/schema.js';

export interface RunSummary {
  scenario: string;
  seed: number;
  summary: {
    total: number;
    slowest: number | null;
    fastest: number | null;
    average: number | null;
    requestsPerSec: number;
    /** Requests sent: (n / c) * c for hey, unless -z stopped it. */
    requests: number;
    responses: number;
    errors: number;
  };
  /** p10 ... p99 in seconds; null where hey prints no line (too few responses). */
  latency: Record<PercentileKey, number | null>;
  /** hey's response-time histogram: 11 marks from fastest to slowest. */
  histogram: { mark: number; count: number }[];
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /**
   * Where requests spent their time: mean seconds per ended request (responses and
   * errors) in each phase (connect, backlog, thread, loop, cpu, dbConnect, dbQuery, io);
   * they add up to the mean time from send to result (the average latency when there
   * are no errors).
   */
  breakdown: Record<string, number>;
  simulation: {
    complete: boolean;
    /** Why the run ended; anything but "finished" makes it partial. */
    stopReason: StopReason;
    /** The budgets it ran under (limits.maxEvents, limits.maxSimTime in seconds). */
    limits: { maxEvents: number; maxSimTime: number };
    events: number;
    unfinished: number;
    server: {
      workerClass: string;
      workers: number;
      kills: number;
      restarts: number;
      servedByWorker: number[];
      /** uvicorn: the workers' start-up before the client started (seconds), and why gunicorn halted. */
      startup?: { duration: number; halted: string | null };
      threadpool?: { threads: number; peakInUse: number; waited: number };
    };
    /** uvicorn: the limit that binds, and the figure that shows it (report/bindingLimit.ts). */
    binding?: BindingLimit;
    /** How the model did on the kit's real runs of this kind of stack (report/validated.ts); with the scenario only. */
    validated?: Validated;
    backlog: { capacity: number; peak: number; synDrops: number };
    /** With machine.speedVariation: the factor this run's CPU costs were multiplied by. */
    machineSpeed?: { variation: number; factor: number };
    /** With machine.slowSpells: a slow spell's cost over a fast one's, and the share of the machine's core-time that was slow. */
    slowSpells?: { slowdown: number; slowShare: number };
    /** CPU seconds given to each kind of process, to compare with what the kit records per run (NAME.rN.cpu.txt). */
    cpu: { client: number; workers: number; postmaster: number; backends: number };
    database: {
      maxConnections: number;
      peakOpen: number;
      refused: number;
      connections: number;
      queries: number;
      postmaster: { listenBacklog: number; peakAcceptQueue: number; synDrops: number; deadEnds: number };
      /** At a slot refusal, what the backends holding the slots were doing (means over the refusals). */
      atRefusal: AtRefusal;
      pool: PoolResult | null;
      asyncpgPool?: AsyncpgPoolResult;
      pgbouncer:
        | (PgbouncerCounts & {
            /** Its own CPU, seconds. */
            cpu: number;
          })
        | null;
    } | null;
    /** Configurations that can fail in ways this run may not have shown. */
    warnings: string[];
    exceptions: Record<string, number>;
    /**
     * Little's law on the whole run: the time-averaged number of requests in the system,
     * measured, against throughput x mean time in system, computed from the results.
     */
    littlesLaw: { meanInSystem: number; throughputTimesMeanTime: number };
  };
  /** Several instances behind a balancer (fleetReport.ts); absent for one instance. */
  fleet?: FleetSummary;
  /** With a timeline, retries, breakers or timeouts: goodput, retries and the recovery (report/incident.ts). */
  incident?: IncidentSummary;
}

/** `scenario`'s name and seed as the report gives them; with `of`, the scenario itself, the report says how far the kit's runs trust its kind of stack. */
export function summarize(result: RunResult, scenario: string, seed: number, of?: Scenario): RunSummary {
  const fleet = result.fleet === undefined ? undefined : fleetSummary(result.fleet);
  const rec = result.recorder;
  const lat = rec.latency;
  const total = toSeconds(result.total);
  const responses = rec.responses;
  const latency = {} as RunSummary['latency'];
  const values = lat.percentiles(HEY_PERCENTILES);
  HEY_PERCENTILES.forEach((p, i) => {
    const v = values[i];
    latency[`p${p}`] = v === undefined ? null : toSeconds(v);
  });
  const out: RunSummary = {
    scenario,
    seed,
    summary: {
      total,
      slowest: responses > 0 ? toSeconds(lat.max) : null,
      fastest: responses > 0 ? toSeconds(lat.min) : null,
      average: responses > 0 ? toSeconds(lat.sum / responses) : null,
      // hey (requester/report.go, finalize): every result counts, responses and errors.
      requestsPerSec: total > 0 ? (responses + rec.errorCount) / total : 0,
      requests: result.sent,
      responses,
      errors: rec.errorCount,
    },
    latency,
    histogram: responses > 0 ? heyHistogram(result) : [],
    breakdown: Object.fromEntries(
      Object.entries(result.spent).map(([phase, sum]) => {
        const ended = responses + rec.errorCount;
        return [phase, ended > 0 ? toSeconds(sum / ended) : 0];
      }),
    ),
    statusCodes: Object.fromEntries([...rec.statusCodes].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    errors: sortedRecord(rec.errors),
    simulation: {
      complete: result.complete,
      stopReason: result.stopReason,
      limits: { maxEvents: result.limits.maxEvents, maxSimTime: toSeconds(result.limits.maxSimTime) },
      events: result.events,
      unfinished: result.sent - responses - rec.errorCount,
      server:
        result.server.startup === undefined
          ? result.server
          : { ...result.server, startup: { ...result.server.startup, duration: toSeconds(result.server.startup.duration) } },
      backlog: { capacity: result.listener.capacity, peak: result.listener.peakQueue, synDrops: result.listener.synDrops },
      ...(result.machineSpeed !== undefined ? { machineSpeed: result.machineSpeed } : {}),
      ...(result.slowSpells !== undefined ? { slowSpells: result.slowSpells } : {}),
      cpu: {
        client: toSeconds(result.cpu.client),
        workers: toSeconds(result.cpu.workers),
        postmaster: toSeconds(result.cpu.postmaster),
        backends: toSeconds(result.cpu.backends),
      },
      database:
        result.database === undefined
          ? null
          : {
              maxConnections: result.database.maxConnections,
              peakOpen: result.database.peakOpen,
              refused: result.database.refused,
              connections: result.database.connections,
              queries: result.database.queries,
              postmaster: {
                listenBacklog: result.database.listenBacklog,
                peakAcceptQueue: result.database.peakAcceptQueue,
                synDrops: result.database.synDrops,
                deadEnds: result.database.deadEnds,
              },
              atRefusal: result.database.atRefusal,
              pool: result.database.pool ?? null,
              ...(result.database.asyncpgPool !== undefined ? { asyncpgPool: result.database.asyncpgPool } : {}),
              pgbouncer: bouncerSummary(result.database.pgbouncer),
            },
      warnings: warnings(result, fleet),
      exceptions: sortedRecord(result.exceptions),
      littlesLaw: {
        meanInSystem: result.meanInSystem,
        throughputTimesMeanTime: total > 0 ? toSeconds(lat.sum + rec.errorTime) / total : 0,
      },
    },
    ...(fleet !== undefined ? { fleet } : {}),
    ...(result.incident !== undefined ? { incident: incidentSummary(result.incident, result.timeline, result.sent) } : {}),
  };
  // The limit that binds, for the worker class whose report first named it (uvicorn's).
  if (result.server.workerClass === UVICORN_WORKER) out.simulation.binding = bindingLimit(out);
  if (of !== undefined) out.simulation.validated = validatedFor(of);
  return out;
}

function warnings(result: RunResult, fleet: FleetSummary | undefined): string[] {
  const out: string[] = [];
  const db = result.database;
  const budget = fleet === undefined ? undefined : budgetWarning(fleet);
  if (budget !== undefined) out.push(budget);
  const sized = fleet === undefined ? undefined : workersWarning(fleet);
  if (sized !== undefined) out.push(sized);
  if (db?.pool !== undefined && fleet === undefined) {
    const perWorker = db.pool.size + db.pool.maxOverflow;
    const total = result.server.workers * perWorker;
    const [limit, what] =
      db.pgbouncer !== undefined ? [db.pgbouncer.maxClientConn, "PgBouncer's max_client_conn"] : [db.maxConnections, 'max_connections'];
    if (total > limit) {
      out.push(
        `each worker has its own pool: ${result.server.workers} workers x (pool_size ${db.pool.size} + max_overflow ${db.pool.maxOverflow}) = ${total} connections can exceed ${what} (${limit})`,
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

/**
 * Busy workers taking turns on fewer cores, each running the Python of pooled requests:
 * the real ones refill their caches at every switch and spend more CPU per request than
 * one worker does, which the model charges only when server.cacheRefillCpu is measured.
 * Where the kit saw it (docs/validation.md), the model's throughput came out high: a
 * bound, not an estimate. Connect-per-request runs are left out: there libpq's proof,
 * compute in a small working set, is most of a worker's CPU, and the kit's storms did not
 * read high.
 */
function sharedCoresWarning(result: RunResult, fleet: FleetSummary | undefined): string | undefined {
  const db = result.database;
  if (fleet !== undefined || db === undefined || (db.pool === undefined && db.asyncpgPool === undefined)) return undefined;
  const { workers } = result.server;
  if (result.cacheRefill || workers <= result.cores || result.total <= 0) return undefined;
  const busyCores = result.workersCpuUnderLoad / result.total;
  if (busyCores < result.cores / 2) return undefined;
  return `${workers} workers, each with its own pool, took turns on ${result.cores} cores and kept ${busyCores.toFixed(1)} of them busy: the model charges a pooled request the same CPU however many workers share a core (server.cacheRefillCpu, when measured, charges what a switch between them costs). In the calibration kit's runs like this (4 gevent workers with SQLAlchemy's pool, 4 UvicornWorkers with asyncpg's, on 2 cores) the real workers spent more CPU per request than one worker alone, and the model's Requests/sec came out high: read it as an upper bound (docs/validation.md, "SQLAlchemy's pool", for the figures)`;
}

/**
 * gthread workers on SQLAlchemy's pool, kept busy: where the kit ran them (psycopg2
 * blocking, calibration/shapes-4.json) the model's throughput came out far above the real
 * one, while sync workers on the same pool came out right. The real gthread workers spent
 * more CPU per request, and where threads outnumbered pool_size their pools opened and
 * closed connections all through the run (calibration/pool_threads.sh: check-ins piled up
 * with no checkout between them, filled the queue and closed the overflow), where the
 * model's keep them open. Neither is modelled, so the figure is a bound, not an estimate.
 */
function threadsOnPoolWarning(result: RunResult, fleet: FleetSummary | undefined): string | undefined {
  if (fleet !== undefined || result.server.workerClass !== 'gthread' || result.database?.pool === undefined || result.total <= 0) {
    return undefined;
  }
  const busyCores = result.workersCpuUnderLoad / result.total;
  if (busyCores < Math.min(result.server.workers, result.cores) / 2) return undefined;
  return `gthread workers on SQLAlchemy's pool kept ${busyCores.toFixed(1)} of ${result.cores} cores busy: in the calibration kit's runs like this (psycopg2 blocking, the threads sharing each worker's pool) the real workers spent more CPU per request than the model charges, and where threads outnumbered pool_size the real pool kept opening and closing connections where the model's keeps them open; the model's Requests/sec came out high, far more than with sync workers on the same pool: read it as an upper bound (docs/validation.md, "Persistent connections in sync and gthread workers", for the figures)`;
}

/** hey's histogram(): ten equal buckets between fastest and slowest, counted on sorted values. */
function heyHistogram(result: RunResult): { mark: number; count: number }[] {
  const lat = result.recorder.latency;
  const fastest = toSeconds(lat.min);
  const slowest = toSeconds(lat.max);
  const bc = 10;
  const marks: number[] = [];
  const bs = (slowest - fastest) / bc;
  for (let i = 0; i < bc; i++) marks.push(fastest + bs * i);
  marks.push(slowest);
  // The extreme bins are exact; interior bins carry their lowest value. A value goes to
  // the first mark at or above it (the last mark takes what is above them all). The marks
  // are in seconds: a bin is at or below one when its value is at or below the mark's last
  // microsecond.
  const upTo = lat.countsUpTo(marks.slice(0, bc).map((m) => lastMicrosecondAtOrBelow(m, lat.min, lat.max)));
  return marks.map((mark, i) => ({ mark, count: (i < bc ? upTo[i] : lat.count) - (i > 0 ? upTo[i - 1] : 0) }));
}

/** The largest whole microsecond from `min` to `max` that is at most `seconds` (min - 1 if none is). */
function lastMicrosecondAtOrBelow(seconds: number, min: number, max: number): number {
  if (toSeconds(min) > seconds) return min - 1;
  let lo = min;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (toSeconds(mid) <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function sortedRecord(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** PgBouncer's figures, its CPU in seconds. */
function bouncerSummary(
  b: NonNullable<RunResult['database']>['pgbouncer'],
): NonNullable<NonNullable<RunSummary['simulation']['database']>['pgbouncer']> | null {
  if (b === undefined) return null;
  const { cpuUsed, ...rest } = b;
  return { ...rest, cpu: cpuUsed / 1e6 };
}
