// A validated scenario, resolved: what each component of the model is given, computed
// once. Units are converted (seconds to integer microseconds), every rule that derives
// one setting from others is applied here and nowhere else (the worker class gunicorn
// really runs, slots per worker, PostgreSQL's MaxBackends and listen queue, the
// connections the app's role may hold, which host each process runs on), and each
// quantity keeps the name the scenario file gives it.
//
//   scenario file --load.ts--> Scenario (validated, defaults filled)
//        --resolve()--> ResolvedScenario --model/wire.ts--> components --run--> RunResult
//
// The model, the checks, the analyses and the what-if page read derived quantities from
// here. A new setting of a component goes: its schema section (its field), this file or
// its section's (resolveClient.ts, resolveDatabase.ts, resolveSteps.ts, resolveFleet.ts,
// resolveIncidents.ts: the settings interface and the line that fills it), the component
// that uses it.
import type { RefillPoint } from '../engine/cpu/cacheRefill.js';
import type { SlowSpellSettings } from '../engine/cpu/slowSpells.js';
import type { Distribution } from '../engine/distributions.js';
import { fromSeconds, type Time } from '../engine/time.js';
import { MEASURED_COSTS } from './measuredCosts.js';
import { resolveFleet, type FleetSettings } from './resolveFleet.js';
import { allSteps, resolveEndpoints, type ResolvedEndpoint } from './resolveSteps.js';
import {
  resolveAsyncpgPool,
  resolveDatabase,
  type AsyncpgPoolSettings,
  type DatabaseSettings,
  type PoolSettings,
} from './resolveDatabase.js';
import { resolveTimeline, type IncidentSettings } from './resolveIncidents.js';
import { toDistribution } from './durations.js';
import type { DurationSpec, Scenario } from './schema.js';
import { defaultTaskGroups, UVICORN_WORKER } from './serverSchema.js';
import { MAX_FDS } from './units.js';
import { resolveClient, type ClientSettings } from './resolveClient.js';

// ---- Hosts -------------------------------------------------------------------------

/** Where a process runs: `undefined` shares the app's machine (machine.cores), a number is a host of its own with that many cores. */
export type OwnHost = number | undefined;

export interface MachineSettings {
  /** The app's machine: gunicorn's workers run here, and whatever has no host of its own. */
  cores: number;
  scheduler: 'shared' | 'fifo';
  /** With the shared scheduler: how processes are grouped before the cores are shared. */
  taskGroups: 'none' | 'session' | 'service';
  /** With the shared scheduler: one run queue for all cores, or one per core. */
  runQueues: 'shared' | 'per-core';
  /** With per-core run queues: every runnable task at its share at once, or one at a time by EEVDF's pick. */
  timeSlices: 'none' | 'eevdf';
  /** Under EEVDF: when a woken task takes its core (eevdfTasks.ts). */
  wakeupPreemption: 'pick' | 'next-buddy';
  /** With per-core run queues: a woken task's wait for its idle core (undefined: none). */
  wakeupLatency?: Distribution;
  /** Each core's fast and slow spells (undefined: every core at one speed). */
  slowSpells?: SlowSpellSettings;
}

// ---- The listener and gunicorn -----------------------------------------------------

export type AcceptPolicy = 'random' | 'round-robin' | 'first';

export interface ListenerSettings {
  /** The accept queue: gunicorn's --backlog, capped by the host's somaxconn. */
  capacity: number;
  /** When the client's TCP stack resends a dropped SYN (µs after the previous one; the last: it gives up). */
  synRetransmits: readonly Time[];
  acceptPolicy: AcceptPolicy;
}

export type WorkerClass = 'sync' | 'gthread' | 'gevent' | 'eventlet' | typeof UVICORN_WORKER;

export interface WorkerSettings {
  /** worker_connections (gevent, gthread); 1 for sync. */
  connections: number;
  /** gthread's threads. */
  threads: number;
  /** Keep-alive wait; 0 closes after each response. */
  keepalive: Time;
  /** Requests after which the worker retires gracefully (max_requests + jitter); 0 = never. */
  maxRequests: number;
  /** The arbiter watches for silence (timeout > 0): heartbeats matter. */
  watched: boolean;
  /** CPU per request outside the handler, on the loop. */
  requestCpu: Time;
  /** Extra CPU per new connection, on the loop. */
  acceptCpu: Time;
  /** gevent's max_accept: connections taken per wake-up of the listening socket (uvicorn: 0, not read). */
  maxAccept: number;
  /** An async worker's loop notifies the arbiter this often (gevent: 1 s; uvicorn: timeout / 2). */
  notifyInterval: Time;
  /** uvicorn: limit_concurrency (0: none), its threadpool's threads for `def` handlers, and their hand-off's CPU. */
  limitConcurrency: number;
  threadpool: number;
  /** Which waiting request a freed thread goes to (anyio's limiter: fifo now, lifo in 3.x). */
  threadpoolQueue: 'fifo' | 'lifo';
  threadpoolCpu: Time;
  /** graceful_timeout: how long a retiring worker finishes its requests before they are killed; undefined: no limit (sync). */
  gracefulTimeout?: Time;
}

/** gevent's BaseServer.max_accept; gunicorn's ggevent.py sets 1 when there is more than one worker. */
export const GEVENT_MAX_ACCEPT = 100;

export interface ArbiterSettings {
  /** The class gunicorn runs (sync with threads > 1 runs as gthread). */
  workerClass: WorkerClass;
  workers: number;
  /** 0 = workers are never killed for silence. */
  timeout: Time;
  maxRequests: number;
  maxRequestsJitter: number;
  bootTime: Time;
  /**
   * With start-up work (uvicorn's pools): the workers of the first boot are forked one after
   * another, each using this much CPU before its app starts up; 0: all at once, ready at once.
   */
  bootCpu: Time;
  /** Each worker's settings but its max_requests, which the arbiter draws per worker. */
  worker: Omit<WorkerSettings, 'maxRequests'>;
  /** server.cacheRefillCpu: what a worker pays to refill its caches by how many others ran on its core since it did; none: nothing. */
  cacheRefill?: readonly RefillPoint[];
  /** Requests one worker runs at once: 1 (sync), threads (gthread), workerConnections (gevent, eventlet). */
  handlerSlots: number;
  /** Connections one worker holds at once, keep-alive ones included. */
  connectionSlots: number;
}

export { UVICORN_WORKER };
export {
  HEY_MAX_IDLE_CONNS,
  type ClientSettings,
  type ClientTaskGroup,
  type HeySettings,
  type LoadSettings,
  type OpenLoopSettings,
  type RateStep,
} from './resolveClient.js';
export { allSteps };
export {
  BACKENDS_BEYOND_MAX_CONNECTIONS,
  type AsyncpgPoolSettings,
  type DatabaseSettings,
  type PgBouncerSettings,
  type PoolSettings,
  type PostgresSettings,
} from './resolveDatabase.js';

// ---- The app and its database -------------------------------------------------------

export interface AppSettings {
  /** What each endpoint runs (resolveSteps.ts); the model gives the steps their streams when wired. */
  endpoints: ResolvedEndpoint[];
  /** The worker's CPU for a request whose handler raised. */
  errorCpu: Time;
  /** The worker's CPU to resume a request whose IO completed. */
  switchCpu: Time;
  pool: PoolSettings | undefined;
  asyncpgPool: AsyncpgPoolSettings | undefined;
  driver: 'psycopg2' | 'asyncpg';
  /** app.breaker: a pybreaker per worker process and guarded dependency. */
  breaker?: { database: boolean; http: boolean; failMax: number; resetTimeout: Time };
}

// ---- The whole ------------------------------------------------------------------------

export interface ResolvedScenario {
  seed: number;
  limits: { maxEvents: number; maxSimTime: Time };
  machine: MachineSettings;
  client: ClientSettings;
  listener: ListenerSettings;
  server: ArbiterSettings;
  app: AppSettings;
  database: DatabaseSettings | undefined;
  /** Several instances behind a load balancer (resolveFleet.ts); undefined: one instance, loaded directly. */
  fleet?: FleetSettings;
  /** The timeline's events (scenario.timeline); undefined: conditions never change. */
  incident?: IncidentSettings;
}

export function resolve(scenario: Scenario): ResolvedScenario {
  const { client: c, server: s, machine: m, app: a, database: d } = scenario;
  const tcp = synRetransmits(m.os, m.synRetries);
  const workerClass = effectiveWorkerClass(scenario);
  const pool =
    a.pool === undefined
      ? undefined
      : {
          size: a.pool.size,
          maxOverflow: a.pool.maxOverflow,
          timeout: fromSeconds(a.pool.timeout),
          ...(a.pool.prePing ? { pingCpu: fromSeconds(a.pool.pingCpu ?? MEASURED_COSTS.pingCpu) } : {}),
        };
  const uvicorn = workerClass === UVICORN_WORKER;
  // uvicorn caps neither connections nor tasks (limit_concurrency answers 503s, which are tasks too); a process holds at most fs.nr_open descriptors.
  const uvicornSlots = MAX_FDS;
  const direct = d !== undefined && d.pgbouncer === undefined;
  return {
    seed: scenario.seed,
    limits: { maxEvents: scenario.limits.maxEvents, maxSimTime: fromSeconds(scenario.limits.maxSimTime) },
    machine: {
      cores: m.cores,
      scheduler: m.scheduler,
      taskGroups: m.taskGroups ?? defaultTaskGroups(m.os),
      runQueues: m.runQueues,
      timeSlices: m.timeSlices,
      wakeupPreemption: m.wakeupPreemption,
      ...wakeupLatency(m.wakeupLatency),
      ...(m.slowSpells !== undefined
        ? {
            slowSpells: {
              slowdown: m.slowSpells.slowdown,
              slow: toDistribution(m.slowSpells.slow),
              fast: toDistribution(m.slowSpells.fast),
            },
          }
        : {}),
    },
    client: resolveClient(c, scenario.timeline, fromSeconds(scenario.limits.maxSimTime)),
    listener: { capacity: Math.min(s.backlog, m.somaxconn), synRetransmits: tcp, acceptPolicy: s.acceptPolicy },
    server: {
      workerClass,
      workers: s.workers,
      timeout: fromSeconds(s.timeout),
      maxRequests: s.maxRequests,
      maxRequestsJitter: s.maxRequestsJitter,
      bootTime: fromSeconds(s.bootTime),
      bootCpu:
        uvicorn && a.asyncpgPool !== undefined && a.asyncpgPool.minSize > 0 ? fromSeconds(s.bootCpu ?? MEASURED_COSTS.uvicorn.bootCpu) : 0,
      worker: {
        // uvicorn accepts whatever comes (worker_connections is not passed on); limit_concurrency answers 503s instead.
        connections: workerClass === 'sync' ? 1 : uvicorn ? MAX_FDS : s.workerConnections,
        threads: s.threads,
        keepalive: workerClass === 'sync' ? 0 : fromSeconds(s.keepalive),
        watched: s.timeout > 0,
        requestCpu: fromSeconds(s.requestCpu),
        acceptCpu: fromSeconds(s.acceptCpu),
        // uvicorn's loop (uvloop) has no such cap: it accepts until the queue is empty; not read.
        maxAccept: uvicorn ? 0 : s.workers > 1 ? 1 : GEVENT_MAX_ACCEPT,
        // ggevent.py: gevent.sleep(1.0) between notify() calls. uvicorn's Server.on_tick (every
        // 0.1 s) notifies once timeout_notify has passed, which UvicornWorker sets to gunicorn's
        // Worker.timeout, half of --timeout.
        notifyInterval: uvicorn ? fromSeconds(s.timeout / 2) : fromSeconds(1),
        limitConcurrency: uvicorn ? (s.limitConcurrency ?? 0) : 0,
        threadpool: uvicorn ? a.threadpool : 0,
        threadpoolQueue: a.threadpoolQueue,
        threadpoolCpu: fromSeconds(s.threadpoolCpu ?? MEASURED_COSTS.uvicorn.threadpoolCpu),
        // ggevent.py and gthread.py wait graceful_timeout for their requests, then stop them;
        // the sync worker exits after its one request.
        ...(workerClass !== 'sync' ? { gracefulTimeout: fromSeconds(s.gracefulTimeout) } : {}),
      },
      ...(s.cacheRefillCpu !== undefined
        ? { cacheRefill: s.cacheRefillCpu.map((p) => ({ others: p.others, cpu: fromSeconds(p.cpu) })) }
        : {}),
      handlerSlots: workerClass === 'sync' ? 1 : workerClass === 'gthread' ? s.threads : uvicorn ? uvicornSlots : s.workerConnections,
      connectionSlots: workerClass === 'sync' ? 1 : uvicorn ? uvicornSlots : s.workerConnections,
    },
    // Talking to PostgreSQL itself (no PgBouncer), the app answers its handshake: the
    // client's CPU of a connect comes with the backend's challenge.
    app: {
      endpoints: resolveEndpoints(a, direct, uvicorn, d?.transactionControlCpu ?? 0),
      errorCpu: fromSeconds(s.errorCpu),
      switchCpu: fromSeconds(s.switchCpu),
      pool,
      asyncpgPool: a.asyncpgPool === undefined ? undefined : resolveAsyncpgPool(scenario, a.asyncpgPool),
      driver: a.driver,
      ...(a.breaker !== undefined
        ? {
            breaker: {
              database: a.breaker.on.includes('database'),
              http: a.breaker.on.includes('http'),
              failMax: a.breaker.failMax,
              resetTimeout: fromSeconds(a.breaker.resetTimeout),
            },
          }
        : {}),
    },
    database: d === undefined ? undefined : resolveDatabase(scenario, d, tcp, direct),
    ...(scenario.fleet !== undefined ? { fleet: resolveFleet(scenario) } : {}),
    ...(scenario.timeline !== undefined ? { incident: resolveTimeline(scenario.timeline) } : {}),
  };
}

// ---- Rules also read on their own (analysis, the what-if page) ------------------------

/** The worker class gunicorn actually runs: sync with threads > 1 is gthread. */
export function effectiveWorkerClass(s: Pick<Scenario, 'server'>): WorkerClass {
  return s.server.workerClass === 'sync' && s.server.threads > 1 ? 'gthread' : s.server.workerClass;
}

/**
 * When a client whose SYN was dropped sends it again: µs after the previous SYN, the last
 * entry being the wait before the connect gives up ("connection timed out").
 */
export function synRetransmits(os: 'linux' | 'darwin', synRetries: number): readonly Time[] {
  // Linux: TCP_TIMEOUT_INIT = 1 s, doubled at each of net.ipv4.tcp_syn_retries
  // retransmissions (default 6: SYNs at 0, 1, 3, 7, 15, 31, 63 s, given up at 127 s).
  if (os === 'linux') return Array.from({ length: synRetries + 1 }, (_, k) => fromSeconds(2 ** k));
  return DARWIN_SYN_RETRANSMITS;
}

const DARWIN_SYN_RETRANSMITS: readonly Time[] =
  // BSD's tcp_syn_backoff[] = {1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64, ...} times the 1 s
  // initial RTO (xnu bsd/netinet/tcp_timer.c), cut off by the 75 s connection-
  // establishment timer (TCPTV_KEEP_INIT): SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s.
  [1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 8].map(fromSeconds);

/** machine.wakeupLatency as the engine draws it; none when it is always 0. */
function wakeupLatency(spec: DurationSpec): { wakeupLatency?: Distribution } {
  const d = toDistribution(spec);
  return d.mean > 0 ? { wakeupLatency: d } : {};
}
