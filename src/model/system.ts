// Wires a validated scenario into the simulated system and runs it:
//
//   client (hey or open loop) --SYN--> listener (accept queue) --accept--> arbiter's workers
//        ^                                                                   | app steps
//        '------------------------ response / error -------------------------+--> postgres
//
// One function, so a reader can see every component and which settings reach it.
import { FifoCpu, SharedCpu, type Cpu } from '../engine/cpu.js';
import { ProcessCpu } from '../engine/processCpu.js';
import { RandomStreams } from '../engine/random.js';
import { toDistribution } from './durations.js';
import { Simulation } from '../engine/simulation.js';
import { fromSeconds, type Time } from '../engine/time.js';
import type { StopReason } from '../messages.js';
import type { Scenario } from '../scenario/schema.js';
import { RunRecorder } from '../stats/runRecorder.js';
import type { TimelineData } from '../stats/timeline.js';
import { App } from './app.js';
import { DatabaseAccess } from './database/access.js';
import { PgBouncer } from './database/pgbouncer.js';
import { compileEndpoints } from './steps.js';
import { Arrivals } from './client/arrivals.js';
import { HeyClient } from './client/hey.js';
import type { LoadGenerator } from './client/loadGenerator.js';
import { OpenLoopClient } from './client/openLoop.js';
import { BACKENDS_BEYOND_MAX_CONNECTIONS, Postgres } from './database/postgres.js';
import { Listener, synRetransmits } from './listener.js';
import { PHASE_NAMES } from './request.js';
import { Arbiter } from './server/arbiter.js';

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
  const n = pg.refused - pg.deadEnds;
  if (n <= 0) return { held: 0, awaitingClient: 0, startingUp: 0, inQuery: 0, idle: 0 };
  const held = pg.heldAtRefusals / n;
  const awaitingClient = pg.awaitingClientAtRefusals / n;
  const startingUp = pg.startingUpAtRefusals / n - awaitingClient;
  const inQuery = pg.inQueryAtRefusals / n;
  return { held, awaitingClient, startingUp, inQuery, idle: held - awaitingClient - startingUp - inQuery };
}

/** PostgreSQL's own cap on its listen backlog (pqcomm.h PG_SOMAXCONN, PostgreSQL 15). */
const PG_SOMAXCONN = 10000;
/** net.core.somaxconn's default since Linux 5.4. */
const LINUX_SOMAXCONN = 4096;

/** hey's transport keeps at most min(C, 500) idle connections (requester.go: maxIdleConn). */
export const HEY_MAX_IDLE_CONNS = 500;

export interface RunResult {
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
  server: { workerClass: string; workers: number; kills: number; restarts: number; servedByWorker: number[] };
  database?: {
    peakOpen: number;
    refused: number;
    connections: number;
    queries: number;
    limit: number;
    openAtEnd: number;
    /** The postmaster's listen queue: its length, its peak, SYNs it dropped. */
    listenBacklog: number;
    peakAcceptQueue: number;
    synDrops: number;
    /** Refused by dead-end children (2 x MaxBackends children alive). */
    deadEnds: number;
    /** At a slot refusal, what the backends holding the slots were doing (means over the refusals). */
    atRefusal: AtRefusal;
    /** With an app-side pool: its size per worker, the most any worker's pool held, and checkouts that timed out. */
    pool?: { size: number; maxOverflow: number; peakPerWorker: number; timeouts: number };
    pgbouncer?: { poolMode: string; defaultPoolSize: number; maxClientConn: number; peakClients: number; refused: number; timeouts: number };
  };
  /** CPU given to each kind of process (µs): hey, the gunicorn workers, the postmaster, the backends. */
  cpu: { client: number; workers: number; postmaster: number; backends: number };
  /** Summed time ended requests (responses and errors) spent in each phase, by phase name (µs). */
  spent: Record<(typeof PHASE_NAMES)[number], number>;
  /** Time-weighted mean number of requests in the system (sent, not yet ended). */
  meanInSystem: number;
  /** Requests by state and completions over time (bounded number of buckets). */
  timeline: TimelineData;
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
  };
}

export interface RunOptions {
  /** Stop after this many events; overrides the scenario's limits.maxEvents. */
  maxEvents?: number;
  /** Events at one instant taken as a frozen clock (FROZEN_CLOCK_EVENTS); smaller in tests. */
  frozenClockEvents?: number;
  /**
   * Record the time series of requests running, waiting in the backlog and in keep-alive,
   * of database connections, and the counts of responses and errors over time (default
   * true). Only charts, sweeps' utilization and the invariants' cross-checks use them, and
   * keeping them costs five updates per request (B1: about 3.5 % of a 1M run), so `sim run`
   * without --plot or --check, compare and fit leave them out. Requests in the system are
   * always kept (Little's law is in every report). Every figure of the report is the same
   * either way.
   */
  timeSeries?: boolean;
}

export function simulate(scenario: Scenario, options: RunOptions = {}): RunResult {
  const sim = new Simulation();
  const streams = new RandomStreams(scenario.seed);
  const series = options.timeSeries ?? true;
  const recorder = new RunRecorder(PHASE_NAMES.length, series);
  const timeline = recorder.timeline;
  const { client: c, server: s, machine: m, app: a, database: d } = scenario;

  const newCpu = (cores: number): Cpu => (m.scheduler === 'fifo' ? new FifoCpu(sim, cores) : new SharedCpu(sim, cores));
  const cores = newCpu(m.cores);
  let postgres: Postgres | undefined;
  let pgbouncer: PgBouncer | undefined;
  let db: DatabaseAccess | undefined;
  if (d !== undefined) {
    const maxBackends = d.maxConnections + BACKENDS_BEYOND_MAX_CONNECTIONS;
    postgres = new Postgres(
      sim,
      {
        maxConnections: d.maxConnections,
        superuserReservedConnections: d.superuserReservedConnections,
        superuser: d.superuser,
        // pqcomm.c StreamServerPort: listen(fd, min(2 * MaxBackends, PG_SOMAXCONN)), capped by the kernel.
        listenBacklog: d.listenBacklog ?? Math.min(2 * maxBackends, PG_SOMAXCONN, d.somaxconn ?? (d.cores !== undefined ? LINUX_SOMAXCONN : m.somaxconn)),
        // postmaster.c MaxLivePostmasterChildren.
        maxChildren: 2 * maxBackends,
        postmasterCpu: fromSeconds(d.postmasterCpu),
        postmasterWakeCpu: fromSeconds(d.postmasterWakeCpu),
        forkTime: fromSeconds(d.forkTime),
        backendStartupCpu: fromSeconds(d.backendStartupCpu),
        backendStartCpu: fromSeconds(d.backendStartCpu),
        backendStartTime: fromSeconds(d.backendStartTime),
        backendExitTime: fromSeconds(d.backendExitTime),
        backendExitCpu: fromSeconds(d.backendExitCpu),
        refusedCpu: fromSeconds(d.refusedCpu),
        // libpq (sslmode=prefer) asks for SSL first; a server without it answers 'N'.
        turnsBeforeSlot: 1,
        // auth-scram.c: SASLInitialResponse, then the proof; md5: the hash; trust: none.
        authTurns: d.authMethod === 'scram-sha-256' ? 2 : d.authMethod === 'md5' ? 1 : 0,
      },
      // On its own machine, or sharing the workers' cores.
      d.cores !== undefined ? newCpu(d.cores) : cores,
      timeline.gauge('dbConnections', series),
      // The app's host is PostgreSQL's client: its TCP stack retransmits a dropped SYN.
      synRetransmits(m.os, m.synRetries),
    );
    const b = d.pgbouncer;
    if (b !== undefined) {
      pgbouncer = new PgBouncer(
        sim,
        {
          poolMode: b.poolMode,
          defaultPoolSize: b.defaultPoolSize,
          maxClientConn: b.maxClientConn,
          loginTime: fromSeconds(b.loginTime),
          queryWaitTimeout: fromSeconds(b.queryWaitTimeout),
        },
        postgres,
      );
    }
    const pool = a.pool === undefined ? undefined : { size: a.pool.size, maxOverflow: a.pool.maxOverflow, timeout: fromSeconds(a.pool.timeout) };
    db = new DatabaseAccess(sim, pgbouncer ?? postgres, pool);
  }
  // The app talks to PostgreSQL itself, not through PgBouncer (which logs in itself).
  const direct = postgres !== undefined && pgbouncer === undefined;
  const app = new App(
    sim,
    compileEndpoints(a, streams, direct),
    cores,
    db,
    streams.stream('app.endpoint'),
    fromSeconds(s.errorCpu),
    fromSeconds(s.switchCpu),
  );
  // The app's workers answer PostgreSQL's handshake messages (PgBouncer logs in itself).
  // When answering costs the worker nothing (no resume cost, no client CPU in any connect)
  // every answer is immediate, and the handshake skips them.
  const answersCost = s.switchCpu > 0 || app.endpoints.some((e) => e.steps.some((st) => st.kind === 'dbConnect' && st.cpu !== undefined));
  if (direct && answersCost) postgres!.client = app;

  const listener = new Listener(
    sim,
    Math.min(s.backlog, m.somaxconn),
    synRetransmits(m.os, m.synRetries),
    s.acceptPolicy,
    streams.stream('server.accept'),
    timeline.gauge('backlog', series),
  );
  // gunicorn: the sync class with more than one thread runs as gthread.
  const workerClass = s.workerClass === 'sync' && s.threads > 1 ? 'gthread' : s.workerClass;
  const arbiter = new Arbiter(
    sim,
    listener,
    app,
    {
      workerClass,
      workers: s.workers,
      workerConnections: s.workerConnections,
      threads: s.threads,
      keepalive: fromSeconds(s.keepalive),
      timeout: fromSeconds(s.timeout),
      maxRequests: s.maxRequests,
      maxRequestsJitter: s.maxRequestsJitter,
      bootTime: fromSeconds(s.bootTime),
      requestCpu: fromSeconds(s.requestCpu),
      acceptCpu: fromSeconds(s.acceptCpu),
    },
    { running: timeline.gauge('running', series), keepalive: timeline.gauge('keepalive', series) },
    streams.stream('server.maxRequestsJitter'),
  );
  arbiter.start();

  const inSystem = timeline.gauge('inSystem');
  const load = { timeout: fromSeconds(c.timeout), url: c.url, requestCpu: fromSeconds(c.requestCpu), dialCpu: fromSeconds(c.dialCpu) };
  let client: LoadGenerator;
  if (c.arrivals !== undefined) {
    const steps = c.arrivals.steps ?? [{ from: 0, rate: c.arrivals.rate! }];
    client = new OpenLoopClient(
      sim,
      listener,
      { ...load, requests: c.requests ?? Infinity, duration: fromSeconds(c.duration ?? 0) },
      new Arrivals(c.arrivals.process, steps.map((st) => ({ from: fromSeconds(st.from), rate: st.rate })), streams.stream('client.arrivals')),
      recorder,
      inSystem,
      recorder.ledger,
    );
  } else {
    const concurrency = c.concurrency!;
    client = new HeyClient(
      sim,
      listener,
      {
        ...load,
        concurrency,
        perWorker: c.duration !== undefined ? Infinity : Math.floor(c.requests! / concurrency),
        keepAlive: c.keepAlive,
        maxIdleConns: c.maxIdleConns ?? Math.min(concurrency, HEY_MAX_IDLE_CONNS),
        tickPeriod: c.rate !== undefined ? Math.max(1, Math.round(1e6 / c.rate)) : 0,
        duration: fromSeconds(c.duration ?? 0),
        ...(c.pacing === 'schedule' ? { schedule: true } : {}),
        // Its own stream, made only when asked for: every other draw stays as it was.
        ...(c.thinkTime !== undefined ? { think: { distribution: toDistribution(c.thinkTime), uniform: streams.stream('client.thinkTime') } } : {}),
      },
      recorder,
      inSystem,
      recorder.ledger,
    );
  }
  if (load.requestCpu > 0 || load.dialCpu > 0) {
    // hey is a Go program: its goroutines run on GOMAXPROCS = its host's cores threads.
    const host = c.cores !== undefined ? newCpu(c.cores) : cores;
    client.process = new ProcessCpu(host, host.cores, 'client');
  }
  client.start();
  const limits = { maxEvents: options.maxEvents ?? scenario.limits.maxEvents, maxSimTime: fromSeconds(scenario.limits.maxSimTime) };
  const ended = runWatchingTheClock(sim, limits.maxSimTime, limits.maxEvents, options.frozenClockEvents ?? FROZEN_CLOCK_EVENTS);
  const stopReason: StopReason =
    client.finishedAt !== undefined ? 'finished' : ended === 'budget' ? 'maxEvents' : ended === 'until' ? 'maxSimTime' : ended === 'frozen' ? 'frozen' : 'stalled';

  const end = client.finishedAt ?? sim.now;
  const data = timeline.finish(end);
  const area = data.mean.inSystem.reduce((sum, v, i) => sum + v * Math.min(data.bucketSeconds, end / 1e6 - data.t[i]), 0);
  return {
    total: end,
    complete: stopReason === 'finished',
    stopReason,
    limits,
    sent: client.sent,
    recorder,
    events: sim.eventsRun,
    exceptions: app.exceptionsRaised(),
    listener: { capacity: listener.capacity, peakQueue: listener.peakQueue, synDrops: listener.synDrops },
    server: { workerClass, workers: s.workers, kills: arbiter.kills, restarts: arbiter.restarts, servedByWorker: arbiter.servedByWorker() },
    database:
      postgres === undefined
        ? undefined
        : {
            peakOpen: postgres.peakOpen,
            refused: postgres.refused,
            connections: postgres.connections,
            queries: postgres.queries,
            limit: postgres.settings.maxConnections,
            openAtEnd: postgres.backends,
            listenBacklog: postgres.settings.listenBacklog,
            peakAcceptQueue: postgres.peakAcceptQueue,
            synDrops: postgres.synDrops,
            deadEnds: postgres.deadEnds,
            atRefusal: atRefusal(postgres),
            pool:
              a.pool === undefined
                ? undefined
                : { size: a.pool.size, maxOverflow: a.pool.maxOverflow, peakPerWorker: db!.peakPerWorker, timeouts: db!.timeouts },
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
                  },
          },
    cpu: {
      client: client.process?.used ?? 0,
      workers: app.cpuUsed,
      postmaster: postgres?.postmasterCpuUsed ?? 0,
      backends: postgres?.backendCpuUsed ?? 0,
    },
    spent: Object.fromEntries(PHASE_NAMES.map((name, i) => [name, recorder.ledger[i]])) as RunResult['spent'],
    meanInSystem: end > 0 ? area / (end / 1e6) : 0,
    timeline: data,
    evidence: {
      inSystemAtEnd: inSystem.value,
      peakConnectionsPerWorker: arbiter.peaks().connections,
      connectionSlots: workerClass === 'sync' ? 1 : s.workerConnections,
      peakHandlersPerWorker: arbiter.peaks().handlers,
      handlerSlots: workerClass === 'sync' ? 1 : workerClass === 'gthread' ? s.threads : s.workerConnections,
    },
  };
}

/**
 * Events at one instant beyond which the clock is taken to be frozen: requests that take
 * no simulated time at all (hey -z with handlers whose every step lasts 0 s) would
 * otherwise repeat forever at one instant, each holding memory (its -t timer). Far
 * above what a real scenario does at one instant (concurrency is at most 100,000, a few
 * events each); a slice is checked as a whole, so detection takes at most two slices.
 */
export const FROZEN_CLOCK_EVENTS = 1_000_000;

/** Sim.run in slices, stopping early if a whole slice ran at one instant. */
function runWatchingTheClock(sim: Simulation, until: Time, maxEvents: number, slice: number): ReturnType<Simulation['run']> | 'frozen' {
  for (;;) {
    const before = sim.now;
    const sliceEnd = Math.min(maxEvents, sim.eventsRun + slice);
    const ended = sim.run(until, sliceEnd);
    if (ended !== 'budget' || sliceEnd === maxEvents) return ended;
    if (sim.now === before) return 'frozen';
  }
}
