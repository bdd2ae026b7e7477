// What a run leaves: the figures each component kept, gathered into one record once the
// run is over (RunResult), for the report, the checks and the analyses.
import type { Time } from '../engine/time.js';
import type { StopReason } from '../messages.js';
import type { RunRecorder } from '../stats/runRecorder.js';
import type { TimelineData } from '../stats/timeline.js';
import type { Postgres } from './database/postgres.js';
import { collectFleet, type FleetResult } from './fleet/fleetResult.js';
import { BALANCER_PHASE, PHASE_NAMES } from './request.js';
import { UVICORN_WORKER } from '../scenario/resolve.js';
import { workersShape, type WorkersShape } from './server/workersShape.js';
import type { System } from './wire.js';
import { hasIncident, type TimelineMark } from '../scenario/resolveIncidents.js';
import type { RetryTally } from './client/retry.js';

/** What an incident left (a timeline, retries, breakers, timeouts): the raw figures report/incident.ts reads. */
export interface IncidentResult {
  marks: TimelineMark[];
  /** The incident window (µs): the first event's start, the last one's end; undefined without a timeline. */
  window: { start: Time; end: Time } | undefined;
  /** When the load stops (the client's duration), µs; the run's end without one. */
  loadEnd: Time;
  retries: RetryTally | undefined;
  lateResponses: number;
  statementTimeouts: number | undefined;
  httpTimeouts: number;
  breakers: { opened: number; rejected: number } | undefined;
  /** Retiring workers (max_requests, a reload) whose graceful_timeout ran out with requests still running. */
  gracefulTimeouts: number;
}

function incidentOf(system: System, end: Time): IncidentResult | undefined {
  const r = system.resolved;
  if (!hasIncident(r)) return undefined;
  const { client, app, postgres } = system;
  const duration = r.client.settings.duration;
  const breakers = [app.breakers.database, app.breakers.http].filter((b) => b !== undefined);
  return {
    marks: r.incident?.marks ?? [],
    window: r.incident === undefined ? undefined : { start: r.incident.start, end: r.incident.end },
    // The client's duration counts from its start (after the workers' start-up, if any).
    loadEnd: duration > 0 ? Math.min(client.startedAt + duration, end) : end,
    retries: client.retryTally,
    lateResponses: client.lateResponses,
    statementTimeouts: r.database?.postgres.statementTimeout !== undefined ? postgres!.cancelled : undefined,
    httpTimeouts: app.httpTimeouts,
    gracefulTimeouts: system.arbiter.gracefulTimeouts,
    breakers:
      breakers.length === 0
        ? undefined
        : { opened: breakers.reduce((n, b) => n + b.opened, 0), rejected: breakers.reduce((n, b) => n + b.rejected, 0) },
  };
}

/** What the backends holding PostgreSQL's slots were doing when one was refused: means over the refusals. */
export interface AtRefusal {
  held: number;
  /** Waiting for their client (the app's worker) to answer authentication. */
  awaitingClient: number;
  /** Starting up otherwise: authentication's server share, InitPostgres. */
  startingUp: number;
  /** Running a query. */
  inQuery: number;
  /** Ready and idle: waiting for the app (its worker) to send a query or to close. */
  idle: number;
}

function atRefusal(pg: Postgres): AtRefusal {
  const n = pg.sampledRefusals;
  if (n <= 0) return { held: 0, awaitingClient: 0, startingUp: 0, inQuery: 0, idle: 0 };
  const held = pg.heldAtRefusals / n;
  const awaitingClient = pg.awaitingClientAtRefusals / n;
  const startingUp = pg.startingUpAtRefusals / n - awaitingClient;
  const inQuery = pg.inQueryAtRefusals / n;
  return { held, awaitingClient, startingUp, inQuery, idle: held - awaitingClient - startingUp - inQuery };
}

/** An app-side pool: its size per worker, the most any worker's pool held, and checkouts that timed out. */
export interface PoolResult {
  size: number;
  maxOverflow: number;
  peakPerWorker: number;
  timeouts: number;
  /** A fleet whose groups size their pools differently: each group's (size and maxOverflow above are the largest). */
  groups?: { name: string; size: number; maxOverflow: number }[];
}

/** asyncpg's pool: its sizes, the most any worker's pool held, acquires that waited and that timed out, connects refused at start-up, pools that failed to start. */
export interface AsyncpgPoolResult {
  minSize: number;
  maxSize: number;
  peakPerWorker: number;
  waited: number;
  timeouts: number;
  startupRefusals: number;
  failedPools: number;
}

/** PgBouncer's settings and what it counted, as the report gives them too. */
export interface PgbouncerCounts {
  poolMode: string;
  defaultPoolSize: number;
  maxClientConn: number;
  peakClients: number;
  refused: number;
  timeouts: number;
  /** Server connections it opened, and closed because their client left inside a transaction. */
  serversOpened: number;
  serversClosed: number;
  /** The most server connections it had at once (PostgreSQL may still count exiting ones). */
  peakServers: number;
}

export interface RunResult {
  /** With machine.speedVariation: the factor this run's CPU costs were multiplied by (scenario/machineSpeed.ts). */
  machineSpeed?: { variation: number; factor: number };
  /** With machine.slowSpells: a slow spell's cost over a fast one's, and the share of the machine's core-time that was slow this run. */
  slowSpells?: { slowdown: number; slowShare: number };
  /** hey's Total: from the start until the last request ended. */
  total: Time;
  /** false when the run stopped before every request ended (a budget, or a stall). */
  complete: boolean;
  /** Why it ended: the client finished, a budget ran out, or nothing was left to happen. */
  stopReason: StopReason;
  /** The budgets it ran under (maxSimTime in µs). */
  limits: { maxEvents: number; maxSimTime: Time };
  /** Requests the client sent (closed loop: (n / c) * c unless stopped by -z). */
  sent: number;
  recorder: RunRecorder;
  events: number;
  exceptions: Map<string, number>;
  listener: { capacity: number; peakQueue: number; synDrops: number };
  /** How the app's host grouped processes before sharing its cores ('none' with the fifo scheduler). */
  taskGroups: 'none' | 'session' | 'service';
  /** The cores of the app's machine, where gunicorn's workers run. */
  cores: number;
  /** Whether the workers pay server.cacheRefillCpu when they run after one another. */
  cacheRefill: boolean;
  server: WorkersShape & {
    kills: number;
    restarts: number;
    servedByWorker: number[];
    /** uvicorn: the workers' start-up (the app's startup events) before the client started (µs), and why gunicorn halted, if it did. */
    startup?: { duration: Time; halted: string | null };
    /** uvicorn, `def` handlers: the threadpool's threads per worker, the most one worker used, requests that waited for one. */
    threadpool?: { threads: number; peakInUse: number; waited: number };
  };
  database?: {
    peakOpen: number;
    refused: number;
    connections: number;
    queries: number;
    /** PostgreSQL's max_connections. */
    maxConnections: number;
    openAtEnd: number;
    /** The postmaster's listen queue: its length, its peak, SYNs it dropped. */
    listenBacklog: number;
    peakAcceptQueue: number;
    synDrops: number;
    /** Refused by dead-end children (2 x MaxBackends children alive). */
    deadEnds: number;
    /** At a slot refusal, what the backends holding the slots were doing (means over the refusals). */
    atRefusal: AtRefusal;
    pool?: PoolResult;
    asyncpgPool?: AsyncpgPoolResult;
    pgbouncer?: PgbouncerCounts & {
      /** Its own CPU (µs). */
      cpuUsed: number;
    };
  };
  /** CPU given to each kind of process (µs): hey, the gunicorn workers, the postmaster, the backends; a run stopped partway counts the part done (unfinishedCpu.ts). */
  cpu: { client: number; workers: number; postmaster: number; backends: number };
  /** Of `cpu.workers`, what the workers used once the client had started (their start-up left out). */
  workersCpuUnderLoad: number;
  /** Of `cpu.postmaster` and `cpu.backends` together, what they used once the client had started. */
  databaseCpuUnderLoad: number;
  /** Summed time ended requests (responses and errors) spent in each phase, by phase name (µs); a fleet adds its balancer's. */
  spent: Record<(typeof PHASE_NAMES)[number], number> & { balancer?: number };
  /** Time-weighted mean number of requests in the system (sent, not yet ended). */
  meanInSystem: number;
  /** Requests by state and completions over time (bounded number of buckets). */
  timeline: TimelineData;
  /** Several instances behind a balancer: each part's figures and the connection budget (the fields above sum or take the most over the instances). */
  fleet?: FleetResult;
  /** With a timeline, retries, breakers or timeouts: what the incident report reads. */
  incident?: IncidentResult;
  /** Tallies kept apart from the report's, for the invariant checks (src/check/). */
  evidence: {
    /** Requests sent and not yet ended, by the client's own +1/-1 gauge. */
    inSystemAtEnd: number;
    /** Most connections one worker held at once, and how many it may hold. */
    peakConnectionsPerWorker: number;
    connectionSlots: number;
    /** Most handlers one worker ran at once, and how many it may run. */
    peakHandlersPerWorker: number;
    handlerSlots: number;
    /** Pieces of CPU unfinished when the run stopped that no process owned (System.unownedCpuTasks). */
    unownedCpuTasks: number;
  };
}

/** The run's figures, read from the components of `system` once it has run. */
export function collectResult(system: System, stopReason: StopReason, limits: RunResult['limits']): RunResult {
  const { sim, recorder, inSystem, client, postgres } = system;
  const { listener, arbiter, app, db, pgbouncer } = system.fleet === undefined ? system : fleetTotals(system);
  const s = system.resolved.server;
  // A fleet's groups may size their pools differently: the largest (what a worker's pool may hold at most).
  const pool =
    system.fleet === undefined
      ? system.resolved.app.pool
      : system.fleet.settings.perInstance
          .map((p) => p.app.pool)
          .reduce((a, b) => (b !== undefined && (a === undefined || b.size + b.maxOverflow > a.size + a.maxOverflow) ? b : a), undefined);
  // ... and each group's, where they differ, so the report does not give the largest as every worker's.
  const groupPools: { name: string; size: number; maxOverflow: number }[] = [];
  for (const p of system.fleet?.settings.perInstance ?? []) {
    if (p.group === undefined || p.app.pool === undefined || groupPools.some((g) => g.name === p.group)) continue;
    groupPools.push({ name: p.group, size: p.app.pool.size, maxOverflow: p.app.pool.maxOverflow });
  }
  const poolsDiffer = groupPools.some((g) => g.size !== groupPools[0].size || g.maxOverflow !== groupPools[0].maxOverflow);
  const timeline = recorder.timeline;
  const end = client.finishedAt ?? sim.now;
  const data = timeline.finish(end);
  const area = data.mean.inSystem.reduce((sum, v, i) => sum + v * Math.min(data.bucketSeconds, end / 1e6 - data.t[i]), 0);
  // hey's Total counts from its start, after the workers' start-up when they have one.
  const total = end - client.startedAt;
  const asyncpg = system.resolved.app.asyncpgPool;
  return {
    total,
    complete: stopReason === 'finished',
    stopReason,
    limits,
    sent: client.sent,
    recorder,
    events: sim.eventsRun,
    exceptions: app.exceptionsRaised(),
    listener: { capacity: listener.capacity, peakQueue: listener.peakQueue, synDrops: listener.synDrops },
    taskGroups: system.resolved.machine.scheduler === 'shared' ? system.resolved.machine.taskGroups : 'none',
    cores: system.resolved.machine.cores,
    cacheRefill: s.cacheRefill !== undefined,
    server: {
      ...workersShape(s),
      kills: arbiter.kills,
      restarts: arbiter.restarts,
      servedByWorker: arbiter.servedByWorker(),
      ...(s.workerClass === UVICORN_WORKER ? uvicornFigures(system) : {}),
    },
    database:
      postgres === undefined
        ? undefined
        : {
            peakOpen: postgres.peakOpen,
            refused: postgres.refused,
            connections: postgres.connections,
            queries: postgres.queries,
            maxConnections: postgres.settings.maxConnections,
            openAtEnd: postgres.backends,
            listenBacklog: postgres.settings.listenBacklog,
            peakAcceptQueue: postgres.postmaster.peakAcceptQueue,
            synDrops: postgres.postmaster.synDrops,
            deadEnds: postgres.deadEnds,
            atRefusal: atRefusal(postgres),
            pool:
              pool === undefined
                ? undefined
                : {
                    size: pool.size,
                    maxOverflow: pool.maxOverflow,
                    peakPerWorker: db!.peakPerWorker,
                    timeouts: db!.timeouts,
                    ...(poolsDiffer ? { groups: groupPools } : {}),
                  },
            ...(asyncpg === undefined
              ? {}
              : {
                  asyncpgPool: {
                    minSize: asyncpg.minSize,
                    maxSize: asyncpg.maxSize,
                    peakPerWorker: db!.peakPerWorker,
                    waited: db!.waited,
                    timeouts: db!.timeouts,
                    startupRefusals: db!.startupRefusals,
                    failedPools: db!.failedPools,
                  },
                }),
            pgbouncer:
              pgbouncer === undefined
                ? undefined
                : {
                    poolMode: pgbouncer.settings.poolMode,
                    defaultPoolSize: pgbouncer.settings.defaultPoolSize,
                    maxClientConn: pgbouncer.settings.maxClientConn,
                    peakClients: pgbouncer.peakClients,
                    refused: pgbouncer.refused,
                    timeouts: pgbouncer.timeouts,
                    serversOpened: pgbouncer.serversOpened,
                    serversClosed: pgbouncer.serversClosed,
                    peakServers: pgbouncer.peakServers,
                    cpuUsed: pgbouncer.cpuUsed,
                  },
          },
    cpu: {
      client: client.process?.used ?? 0,
      workers: app.cpuUsed,
      postmaster: postgres?.postmaster.cpuUsed ?? 0,
      backends: postgres?.backendCpuUsed ?? 0,
    },
    workersCpuUnderLoad: app.cpuUsed - app.cpuBeforeLoad,
    databaseCpuUnderLoad: postgres !== undefined ? postgres.postmaster.cpuUsed + postgres.backendCpuUsed - postgres.cpuBeforeLoad : 0,
    spent: {
      ...(Object.fromEntries(PHASE_NAMES.map((name, i) => [name, recorder.ledger[i]])) as RunResult['spent']),
      ...(system.fleet !== undefined ? { balancer: recorder.ledger[BALANCER_PHASE] } : {}),
    },
    meanInSystem: total > 0 ? area / (total / 1e6) : 0,
    timeline: data,
    ...(system.fleet !== undefined ? { fleet: collectFleet(system.fleet, postgres) } : {}),
    ...(hasIncident(system.resolved) ? { incident: incidentOf(system, end) } : {}),
    evidence: {
      inSystemAtEnd: inSystem.value,
      peakConnectionsPerWorker: arbiter.peaks().connections,
      // A fleet's groups may differ: the largest an instance's worker may hold.
      connectionSlots:
        system.fleet === undefined
          ? s.connectionSlots
          : Math.max(...system.fleet.settings.perInstance.map((p) => p.server.connectionSlots)),
      peakHandlersPerWorker: arbiter.peaks().handlers,
      handlerSlots:
        system.fleet === undefined ? s.handlerSlots : Math.max(...system.fleet.settings.perInstance.map((p) => p.server.handlerSlots)),
      unownedCpuTasks: system.unownedCpuTasks ?? 0,
    },
  };
}

/**
 * A fleet's instances seen as one: what the single-instance figures read (listener,
 * arbiter, app, pools, PgBouncer), summed over the instances or their most.
 */
function fleetTotals(system: System) {
  const instances = system.fleet!.instances;
  const sum = (f: (i: (typeof instances)[number]) => number) => instances.reduce((a, i) => a + f(i), 0);
  const most = (f: (i: (typeof instances)[number]) => number) => instances.reduce((a, i) => Math.max(a, f(i)), 0);
  const exceptions = new Map<string, number>();
  for (const i of instances) for (const [e, n] of i.app.exceptionsRaised()) exceptions.set(e, (exceptions.get(e) ?? 0) + n);
  const bouncers =
    system.fleet!.sharedBouncer !== undefined
      ? [system.fleet!.sharedBouncer.pgbouncer]
      : instances.flatMap((i) => (i.pgbouncer ? [i.pgbouncer] : []));
  return {
    listener: {
      capacity: instances[0].listener.capacity,
      peakQueue: most((i) => i.listener.peakQueue),
      synDrops: sum((i) => i.listener.synDrops),
    },
    arbiter: {
      kills: sum((i) => i.arbiter.kills),
      restarts: sum((i) => i.arbiter.restarts),
      servedByWorker: () => instances.flatMap((i) => i.arbiter.servedByWorker()),
      peaks: () => ({ connections: most((i) => i.arbiter.peaks().connections), handlers: most((i) => i.arbiter.peaks().handlers) }),
    },
    app: { exceptionsRaised: () => exceptions, cpuUsed: sum((i) => i.app.cpuUsed), cpuBeforeLoad: sum((i) => i.app.cpuBeforeLoad) },
    db: {
      peakPerWorker: most((i) => i.db?.peakPerWorker ?? 0),
      timeouts: sum((i) => i.db?.timeouts ?? 0),
      waited: sum((i) => i.db?.waited ?? 0),
      startupRefusals: sum((i) => i.db?.startupRefusals ?? 0),
      failedPools: sum((i) => i.db?.failedPools ?? 0),
    },
    pgbouncer:
      bouncers.length === 0
        ? undefined
        : {
            settings: bouncers[0].settings,
            // Sidecars: the most any one held, as their limits (max_client_conn, default_pool_size) are each one's.
            peakClients: bouncers.reduce((a, b) => Math.max(a, b.peakClients), 0),
            refused: bouncers.reduce((a, b) => a + b.refused, 0),
            timeouts: bouncers.reduce((a, b) => a + b.timeouts, 0),
            serversOpened: bouncers.reduce((a, b) => a + b.serversOpened, 0),
            serversClosed: bouncers.reduce((a, b) => a + b.serversClosed, 0),
            peakServers: bouncers.reduce((a, b) => Math.max(a, b.peakServers), 0),
            cpuUsed: bouncers.reduce((a, b) => a + b.cpuUsed, 0),
          },
  };
}

/** The UvicornWorkers' own figures: their start-up, and their threadpools when `def` handlers use them. */
function uvicornFigures(system: System): Pick<RunResult['server'], 'startup' | 'threadpool'> {
  const { arbiter, app, client } = system;
  const w = system.resolved.server.worker;
  const usesThreads = app.endpoints.some((e) => e.inThreadpool);
  return {
    ...(system.db?.opensAtStartup ? { startup: { duration: client.startedAt, halted: arbiter.halted ?? null } } : {}),
    ...(usesThreads ? { threadpool: { threads: w.threadpool, peakInUse: arbiter.peakThreadsInUse(), waited: app.threadWaits } } : {}),
  };
}
