// Builds the simulated system from a resolved scenario: one component per part of the
// stack, each given its settings as resolve() computed them, connected in the order a
// request meets them:
//
//   client (hey or open loop) --SYN--> listener (accept queue) --accept--> arbiter's workers
//        ^                                                                   | app steps
//        '------------------------ response / error -------------------------+--> pool
//                                                              --> PgBouncer --> postgres
//
// Nothing here decides a setting (scenario/resolve.ts does); it only picks classes and
// hosts and passes the settings on.
import type { Cpu } from '../engine/cpu/cpu.js';
import { FifoCpu } from '../engine/cpu/fifo.js';
import { ProcessCpu } from '../engine/cpu/process.js';
import { PerCoreCpu } from '../engine/cpu/perCore.js';
import { GroupedCpu } from '../engine/cpu/grouped.js';
import { SharedCpu } from '../engine/cpu/shared.js';
import { CoreSpeeds, SlowSpellsCpu } from '../engine/cpu/slowSpells.js';
import { SideSteps } from '../engine/sideSteps.js';
import { RandomStreams } from '../engine/random.js';
import { Simulation } from '../engine/simulation.js';
import { toDistribution } from '../scenario/durations.js';
import type { DatabaseSettings, OwnHost, ResolvedScenario } from '../scenario/resolve.js';
import { RunRecorder } from '../stats/runRecorder.js';
import type { Gauge } from '../stats/timeline.js';
import type { App } from './app.js';
import { Arrivals } from './client/arrivals.js';
import { HeyClient } from './client/hey.js';
import type { LoadGenerator } from './client/loadGenerator.js';
import { OpenLoopClient } from './client/openLoop.js';
import type { DatabaseAccess } from './database/access.js';
import { PgBouncer } from './database/pgbouncer.js';
import { Postgres } from './database/postgres.js';
import type { Listener } from './listener.js';
import { PHASE_NAMES } from './request.js';
import type { Arbiter } from './server/arbiter.js';
import { wireFleet, type Fleet } from './fleet/wireFleet.js';
import { Breakers } from './breaker.js';
import { IncidentTimeline } from './timeline/incidentTimeline.js';
import { hasIncident } from '../scenario/resolveIncidents.js';
import { newApp, newArbiter, newDatabaseAccess, newListener } from './wireInstance.js';

/** The wired system, ready to run: its components, and what records them. */
export interface System {
  resolved: ResolvedScenario;
  sim: Simulation;
  recorder: RunRecorder;
  /** Requests sent and not yet ended (the client's +1/-1 gauge). */
  inSystem: Gauge;
  client: LoadGenerator;
  listener: Listener;
  arbiter: Arbiter;
  app: App;
  db: DatabaseAccess | undefined;
  postgres: Postgres | undefined;
  pgbouncer: PgBouncer | undefined;
  /** Several instances behind a balancer (fleet/wireFleet.ts); then listener, arbiter, app and db are its first instance's, and the client loads the balancer. */
  fleet?: Fleet;
  /** The timeline's events (scenario.timeline), started with the run. */
  incidents: IncidentTimeline | undefined;
  /** With machine.slowSpells: the app's machine's cores' speeds over the run. */
  coreSpeeds?: CoreSpeeds;
  /** Every listener's acceptors told of a queued connection, and their budget (runSystem sets it). */
  wakes: SideSteps;
  /** With machine.slowSpells: every host's cores' switches of speed, and their budget (runSystem sets it). */
  spellSwitches?: SideSteps;
  /** With per-core run queues: the runnable tasks gone over at each change, every host's, and their budget (runSystem sets it). */
  taskSteps?: SideSteps;
  /** Every host's cores (not a task group's view of them): their tasks not done when the run stops (unfinishedCpu.ts). */
  hosts: Cpu[];
  /** Set when the run stops: unfinished pieces of CPU no process owned, whose CPU stayed as given (none, unless a bug; an invariant). */
  unownedCpuTasks?: number;
}

/** `series`: record the time series (RunOptions.timeSeries). */
export function wire(r: ResolvedScenario, series: boolean): System {
  const sim = new Simulation();
  const streams = new RandomStreams(r.seed);
  // An incident's report (goodput before and after, the recovery) reads completions over time.
  const incident = hasIncident(r);
  const recorder = new RunRecorder(PHASE_NAMES.length + 2, series || incident);
  const timeline = recorder.timeline;

  const groups = r.machine.scheduler === 'shared' ? r.machine.taskGroups : 'none';
  const taskSteps = r.machine.scheduler === 'shared' && r.machine.runQueues === 'per-core' ? new SideSteps(sim) : undefined;
  const latency = r.machine.wakeupLatency;
  const wakeup = latency !== undefined ? { distribution: latency, uniform: streams.stream('machine.wakeupLatency') } : undefined;
  const disciplineCpu = (cores: number): Cpu =>
    r.machine.scheduler === 'fifo'
      ? new FifoCpu(sim, cores)
      : r.machine.runQueues === 'per-core'
        ? new PerCoreCpu(sim, cores, wakeup, r.machine.timeSlices === 'eevdf', r.machine.wakeupPreemption, taskSteps)
        : groups !== 'none'
          ? new GroupedCpu(sim, cores)
          : new SharedCpu(sim, cores);
  // Each host's cores switch speeds on their own (machine.slowSpells), from a stream per
  // host in the order the hosts are made.
  const spells = r.machine.slowSpells;
  const spellSwitches = spells !== undefined ? new SideSteps(sim) : undefined;
  const wakes = new SideSteps(sim);
  const hostCpus: Cpu[] = [];
  const newCpu = (cores: number): Cpu => {
    const cpu = disciplineCpu(cores);
    if (spells === undefined) {
      hostCpus.push(cpu);
      return cpu;
    }
    const hosts = hostCpus.length;
    const uniform = streams.stream(hosts === 0 ? 'machine.slowSpells' : `machine.slowSpells.${hosts}`);
    const slow = new SlowSpellsCpu(cpu, new CoreSpeeds(sim, cores, spells, uniform, spellSwitches));
    hostCpus.push(slow);
    return slow;
  };
  const cores = newCpu(r.machine.cores);
  /**
   * The task group of a process (or of gunicorn's, or PostgreSQL's, processes together) on
   * a host: one group of its own, or none when the scheduler does not group.
   */
  const groupOf = (cpu: Cpu): Cpu => (cpu instanceof GroupedCpu || (cpu instanceof PerCoreCpu && groups !== 'none') ? cpu.group() : cpu);
  const group = (cpu: Cpu): Cpu => (cpu instanceof SlowSpellsCpu ? cpu.around(groupOf(cpu.inner)) : groupOf(cpu));
  // gunicorn's arbiter and workers: one session, one service.
  const server = group(cores);
  /** A process's host: its own cores, or the app's machine. */
  const host = (own: OwnHost): Cpu => (own !== undefined ? newCpu(own) : cores);

  let postgres: Postgres | undefined;
  let pgbouncer: PgBouncer | undefined;
  let db: DatabaseAccess | undefined;
  const d = r.database;
  // The database's host: PostgreSQL's processes and PgBouncer's, made once (each call of
  // host() with its own cores makes another machine: PgBouncer ran on cores of its own).
  const dbHost = d !== undefined ? host(d.host) : undefined;
  /**
   * Every backend, and the postmaster, is a session of its own (each calls setsid()):
   * without a group, each task is one. As a service, they are one group.
   */
  const newPostgres = (database: DatabaseSettings): Postgres => {
    const pgHost = dbHost!;
    const cpu = groups === 'service' ? group(pgHost) : pgHost;
    return new Postgres(
      sim,
      database.postgres,
      cpu,
      timeline.gauge('dbConnections', series),
      database.synRetransmits,
      // Its children share the postmaster's session until they leave it.
      groups === 'session' ? group(pgHost) : cpu,
    );
  };
  if (r.fleet !== undefined) {
    if (d !== undefined) postgres = newPostgres(d);
    const fleet = wireFleet(r, r.fleet, {
      sim,
      streams,
      timeline,
      series,
      ledger: recorder.ledger,
      newCpu,
      group,
      machine: cores,
      postgres,
      databaseHost: dbHost,
      wakes,
      hosts: hostCpus,
    });
    const first = fleet.instances[0];
    const client = newClient(r, sim, fleet.balancer.front, recorder, streams);
    // The client's own retries work whatever serves it.
    if (r.client.settings.retry !== undefined) client.enableRetries(streams.stream('client.retry'));
    if (incident) {
      client.attemptCounter = timeline.counter('attempts');
      client.lateCounter = timeline.counter('late');
    }
    if (r.client.settings.requestCpu! > 0 || r.client.settings.dialCpu! > 0) {
      // A fleet has no one gunicorn session for hey to share: it is a group of its own.
      const cpu = r.client.host !== undefined ? host(r.client.host) : group(cores);
      client.process = new ProcessCpu(cpu, r.client.settings.cpus ?? cpu.cores, 'client');
    }
    return {
      resolved: r,
      sim,
      recorder,
      inSystem: timeline.gauge('inSystem'),
      client,
      listener: first.listener,
      arbiter: first.arbiter,
      app: first.app,
      db: first.db,
      postgres,
      pgbouncer: fleet.sharedBouncer?.pgbouncer ?? first.pgbouncer,
      // The timeline's events and breakers act on one instance's parts: not with a fleet (load.ts refuses them).
      incidents: undefined,
      fleet,
      ...speedsOf(cores),
      wakes,
      ...(spellSwitches !== undefined ? { spellSwitches } : {}),
      ...(taskSteps !== undefined ? { taskSteps } : {}),
      hosts: hostCpus,
    };
  }
  if (d !== undefined) {
    postgres = newPostgres(d);
    // PgBouncer is a service of its own (a session of its own) on the database's host.
    if (d.pgbouncer !== undefined) pgbouncer = new PgBouncer(sim, d.pgbouncer, postgres, group(dbHost!));
    db = newDatabaseAccess(sim, pgbouncer ?? postgres, r.app, streams);
    // Refusals at start-up come before any request: the timeline shows them.
    if (r.app.asyncpgPool !== undefined) postgres.refusedCounter = timeline.counter('dbRefused', series);
  }
  const app = newApp(sim, r.app, server, db, streams);
  // The app's workers answer PostgreSQL's handshake messages.
  if (d?.clientAnswers) postgres!.client = app;

  const listener = newListener(sim, r.listener, streams, timeline.gauge('backlog', series), wakes);
  const arbiter = newArbiter(
    sim,
    listener,
    app,
    r.server,
    { running: timeline.gauge('running', series), keepalive: timeline.gauge('keepalive', series) },
    streams,
  );

  const client = newClient(r, sim, listener, recorder, streams);
  const c = r.client;
  if (c.settings.requestCpu! > 0 || c.settings.dialCpu! > 0) {
    // hey is a Go program: its goroutines run on GOMAXPROCS threads, its host's cores unless -cpus says.
    const cpu = c.host !== undefined ? host(c.host) : c.taskGroup === 'server' ? server : group(cores);
    client.process = new ProcessCpu(cpu, c.settings.cpus ?? cpu.cores, 'client');
  }
  const inSystem = timeline.gauge('inSystem');
  if (c.settings.retry !== undefined) client.enableRetries(streams.stream('client.retry'));
  // Where nothing refers to an answered request any more (OpenLoopClient.recycleRecords says why each condition).
  const databaseHoldsNone =
    d === undefined ||
    (pgbouncer === undefined && r.app.pool === undefined && r.app.asyncpgPool === undefined && !((d.postgres.statementTimeout ?? 0) > 0));
  if (
    client instanceof OpenLoopClient &&
    client.process === undefined &&
    c.settings.timeout === 0 &&
    c.settings.retry === undefined &&
    databaseHoldsNone
  )
    client.recycleRecords();
  if (incident) {
    client.attemptCounter = timeline.counter('attempts');
    client.lateCounter = timeline.counter('late');
  }
  const b = r.app.breaker;
  if (b !== undefined) {
    const settings = { failMax: b.failMax, resetTimeout: b.resetTimeout };
    app.breakers = { database: b.database ? new Breakers(settings) : undefined, http: b.http ? new Breakers(settings) : undefined };
  }
  const incidents =
    r.incident === undefined
      ? undefined
      : new IncidentTimeline(sim, r.incident, {
          setFactor: (change, factor) => {
            if (change === 'database.queryTime') postgres!.queryTimeFactor = factor;
            else if (change === 'machine.cores')
              // With slow spells the host keeps its cores' spells: the incident takes capacity from the cores beneath.
              ((cores instanceof SlowSpellsCpu ? cores.inner : cores) as SharedCpu | GroupedCpu).setCores(r.machine.cores * factor);
            else app.httpTimeFactor = factor;
          },
          killWorkers: (n) => arbiter.killWorkers(n),
          reload: () => arbiter.reload(),
        });
  return {
    resolved: r,
    sim,
    recorder,
    inSystem,
    client,
    listener,
    arbiter,
    app,
    db,
    postgres,
    pgbouncer,
    incidents,
    ...speedsOf(cores),
    wakes,
    ...(spellSwitches !== undefined ? { spellSwitches } : {}),
    ...(taskSteps !== undefined ? { taskSteps } : {}),
    hosts: hostCpus,
  };
}

/** The machine's cores' speeds, when they have slow spells. */
function speedsOf(cores: Cpu): { coreSpeeds?: CoreSpeeds } {
  return cores instanceof SlowSpellsCpu ? { coreSpeeds: cores.speeds } : {};
}

/** The load generator the scenario asks for, connecting to `listener`. */
function newClient(r: ResolvedScenario, sim: Simulation, listener: Listener, recorder: RunRecorder, streams: RandomStreams): LoadGenerator {
  const inSystem = recorder.timeline.gauge('inSystem');
  const c = r.client;
  return c.kind === 'openLoop'
    ? new OpenLoopClient(
        sim,
        listener,
        c.settings,
        new Arrivals(c.process, c.steps, streams.stream('client.arrivals')),
        recorder,
        inSystem,
        recorder.ledger,
      )
    : new HeyClient(
        sim,
        listener,
        // Its own stream, made only when asked for: every other draw stays as it was.
        c.thinkTime === undefined
          ? c.settings
          : { ...c.settings, think: { distribution: toDistribution(c.thinkTime), uniform: streams.stream('client.thinkTime') } },
        recorder,
        inSystem,
        recorder.ledger,
      );
}
