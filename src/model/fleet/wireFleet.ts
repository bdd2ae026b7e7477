// Builds a fleet from a resolved scenario (wire.ts calls this when it has a fleet section):
//
//   client --SYN--> balancer's listener --> LoadBalancer --upstream SYN--> instance i's listener
//        --> its arbiter's workers --> its app --> its pools (--> sidecar PgBouncer)
//                                                   --> shared PgBouncer --> PostgreSQL
//   other clients (Celery, cron...) ---------------------------------------> PostgreSQL
//
// Hosts: instances fill hosts of machine.cores cores, instancesPerHost each; the first host
// is the machine, where the database, the client and the balancer run unless they have
// cores of their own. An instance with a CPU limit has a host of its own under a CFS quota.
// Each instance draws from random streams of its own (seeded by the scenario seed and its
// number), so adding an instance never shifts another's draws.
import type { SideSteps } from '../../engine/sideSteps.js';
import type { Cpu } from '../../engine/cpu/cpu.js';
import { ProcessCpu } from '../../engine/cpu/process.js';
import { QuotaCpu } from '../../engine/cpu/quota.js';
import { RandomStreams } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { ResolvedScenario } from '../../scenario/resolve.js';
import type { FleetSettings } from '../../scenario/resolveFleet.js';
import type { Timeline } from '../../stats/timeline.js';
import type { App } from '../app.js';
import type { DatabaseAccess } from '../database/access.js';
import { PgBouncer } from '../database/pgbouncer.js';
import type { Attempt, DbClient } from '../database/connectionAttempt.js';
import type { Postgres } from '../database/postgres.js';
import type { DbServer } from '../database/server.js';
import { Listener } from '../listener.js';
import type { PhaseLedger } from '../request.js';
import type { Arbiter } from '../server/arbiter.js';
import { Autoscaler } from './autoscaler.js';
import { CountedServer } from './countedServer.js';
import { LoadBalancer } from './loadBalancer.js';
import { Upstream } from './upstream.js';
import { MemoryLimit } from './memoryLimit.js';
import { OtherClient } from './otherClients.js';
import { newApp, newArbiter, newDatabaseAccess, newListener } from '../wireInstance.js';

/** One instance of the app: what a single-instance run has, once per instance. */
export interface Instance {
  index: number;
  listener: Listener;
  arbiter: Arbiter;
  app: App;
  db: DatabaseAccess | undefined;
  /** Its connections to PostgreSQL (through its sidecar PgBouncer, if any); undefined behind a shared PgBouncer or without a database. */
  counted: CountedServer | undefined;
  pgbouncer: PgBouncer | undefined;
  cpu: Cpu;
  /** Its memory limit, if it has one. */
  memory: MemoryLimit | undefined;
}

export interface Fleet {
  settings: FleetSettings;
  instances: Instance[];
  balancer: LoadBalancer;
  otherClients: OtherClient[];
  /** The shared PgBouncer's connections to PostgreSQL. */
  sharedBouncer: { pgbouncer: PgBouncer; counted: CountedServer } | undefined;
  autoscaler: Autoscaler | undefined;
}

/** A handshake message goes to the app of the worker that is connecting; other clients answer at once. */
class FleetDbClient implements DbClient {
  turn(attempt: Attempt, cpu: number): void {
    const host = attempt.req.host;
    if (host === undefined) attempt.answered();
    else host.app.turn(attempt, cpu);
  }
}

export interface FleetParts {
  sim: Simulation;
  streams: RandomStreams;
  timeline: Timeline;
  series: boolean;
  ledger: PhaseLedger;
  /** A host of that many cores, with the scenario's scheduler. */
  newCpu: (cores: number) => Cpu;
  /** A task group of its own on a host (machine.taskGroups: a session); the host itself without grouping. */
  group: (host: Cpu) => Cpu;
  /** The first host (the machine). */
  machine: Cpu;
  postgres: Postgres | undefined;
  /** PostgreSQL's host, where a shared PgBouncer runs. */
  databaseHost: Cpu | undefined;
  /** The run's budget of acceptors told of a queued connection, every listener's together. */
  wakes: SideSteps;
  /** Every host's cores made so far (newCpu's); a pod's own quota joins them. */
  hosts: Cpu[];
}

export function wireFleet(r: ResolvedScenario, f: FleetSettings, p: FleetParts): Fleet {
  const { sim, timeline, series, postgres } = p;
  const d = r.database;
  let sharedBouncer: Fleet['sharedBouncer'];
  if (postgres !== undefined && d?.pgbouncer !== undefined && f.pgbouncer === 'shared') {
    const counted = new CountedServer(postgres);
    // PgBouncer is a service of its own on the database's host.
    sharedBouncer = { pgbouncer: new PgBouncer(sim, d.pgbouncer, counted, p.group(p.databaseHost!)), counted };
  }
  if (d?.clientAnswers) postgres!.client = new FleetDbClient();

  const hosts: Cpu[] = [p.machine];
  const instances: Instance[] = [];
  const gauges = { running: timeline.gauge('running', series), keepalive: timeline.gauge('keepalive', series) };
  for (let i = 0; i < f.built; i++) {
    const streams = new RandomStreams(`${r.seed}/instance ${i + 1}`);
    let cpu: Cpu;
    /** Its host's cores (a pod's quota). */
    let onHost: Cpu;
    const own = f.perInstance[i];
    if (own.quota !== undefined) {
      cpu = onHost = new QuotaCpu(sim, f.hostCores, own.quota.quota, own.quota.period);
      p.hosts.push(cpu);
    } else {
      const h = Math.floor(i / f.instancesPerHost);
      if (hosts[h] === undefined) hosts[h] = p.newCpu(f.hostCores);
      onHost = hosts[h];
      // Each instance's arbiter and workers: one session (one service) on its host.
      cpu = p.group(hosts[h]);
    }
    let counted: CountedServer | undefined;
    let pgbouncer: PgBouncer | undefined;
    let db: DatabaseAccess | undefined;
    if (postgres !== undefined && d !== undefined) {
      let server: DbServer;
      if (sharedBouncer !== undefined) server = sharedBouncer.pgbouncer;
      else {
        counted = new CountedServer(postgres);
        server = counted;
        // A sidecar runs beside its instance, a service of its own on that host.
        if (d.pgbouncer !== undefined) server = pgbouncer = new PgBouncer(sim, d.pgbouncer, counted, p.group(onHost));
      }
      db = newDatabaseAccess(sim, server, own.app, streams);
    }
    const app = newApp(sim, own.app, cpu, db, streams);
    const listener = newListener(sim, own.listener, streams, timeline.gauge('backlog', series), p.wakes);
    const arbiter = newArbiter(sim, listener, app, own.server, gauges, streams);
    const memory = own.memory === undefined ? undefined : new MemoryLimit(own.memory);
    if (memory !== undefined) arbiter.watchMemory(memory);
    instances.push({ index: i, listener, arbiter, app, db, counted, pgbouncer, cpu, memory });
  }

  const b = f.balancer;
  // nginx's master and workers: a session of their own.
  const lbHost = p.group(b.cores === undefined ? p.machine : p.newCpu(b.cores));
  const front = new Listener(
    sim,
    b.backlog,
    r.listener.synRetransmits,
    'first',
    p.streams.stream('balancer.accept'),
    timeline.gauge('balancerBacklog', false),
    p.wakes,
  );
  const upstreams = instances.map((inst) => new Upstream(inst.index, inst.listener));
  // Pods beyond the replicas at the start wait for the autoscaler.
  for (const u of upstreams) {
    u.ready = u.index < f.instances;
    u.refuses = f.down.includes(u.index);
  }
  const balancer = new LoadBalancer(
    sim,
    b,
    front,
    upstreams,
    new ProcessCpu(lbHost, b.workerProcesses, 'balancer'),
    p.streams.stream('balancer.pick'),
    p.ledger,
    timeline.gauge('balancerKeepalive', false),
  );
  const otherClients =
    postgres === undefined ? [] : f.otherClients.map((c) => new OtherClient(sim, c, postgres, p.streams.stream(`other.${c.name}`)));
  const autoscaler =
    f.autoscaling === undefined
      ? undefined
      : new Autoscaler(sim, f.autoscaling, instances, upstreams, f.instances, timeline.gauge('replicas', series));
  return { settings: f, instances, balancer, otherClients, sharedBouncer, autoscaler };
}

/** Boots every instance's workers, opens the balancer's socket, starts the other clients. */
export function startFleet(fleet: Fleet): void {
  const { instances, down } = fleet.settings;
  for (const inst of fleet.instances) if (inst.index < instances && !down.includes(inst.index)) inst.arbiter.start();
  fleet.balancer.start();
  fleet.autoscaler?.start();
  for (const c of fleet.otherClients) c.start();
}
