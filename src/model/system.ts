// Wires a validated scenario into the simulated system and runs it:
//
//   hey client --SYN--> listener (accept queue) --accept--> gunicorn workers
//        ^                                                      | app steps
//        '------------------- response / error -----------------+--> postgres
//
// One function, so a reader can see every component and which settings reach it.
import { Resource } from '../engine/resource.js';
import { RandomStreams } from '../engine/random.js';
import { Simulation } from '../engine/simulation.js';
import { fromSeconds, type Time } from '../engine/time.js';
import type { Scenario } from '../scenario/schema.js';
import { RunRecorder } from '../stats/runRecorder.js';
import type { TimelineData } from '../stats/timeline.js';
import { App, type CompiledStep } from './app.js';
import { HeyClient } from './client.js';
import { Postgres } from './database/postgres.js';
import { toDistribution } from './durations.js';
import { Listener, SYN_RETRANSMITS } from './listener.js';
import { AsyncWorker } from './server/asyncWorker.js';

/** hey's transport keeps at most min(C, 500) idle connections (requester.go: maxIdleConn). */
export const HEY_MAX_IDLE_CONNS = 500;

export interface RunResult {
  /** hey's Total: from the start until the last worker got its last result. */
  total: Time;
  /** false when the run stopped before every request ended (event budget). */
  complete: boolean;
  /** Requests hey sends: (n / c) * c. */
  planned: number;
  recorder: RunRecorder;
  events: number;
  exceptions: Map<string, number>;
  listener: { capacity: number; peakQueue: number; synDrops: number };
  /** Requests by state and completions over time (bounded number of buckets). */
  timeline: TimelineData;
  database?: { peakOpen: number; refused: number; connections: number; limit: number };
}

export interface RunOptions {
  /** Stop after this many events (protects against runaway scenarios). */
  maxEvents?: number;
}

export function simulate(scenario: Scenario, options: RunOptions = {}): RunResult {
  const sim = new Simulation();
  const streams = new RandomStreams(scenario.seed);
  const recorder = new RunRecorder();
  const { client: c, server: s, machine: m, app: a, database: d } = scenario;

  const cores = new Resource(m.cores, 'cores');
  const postgres =
    d === undefined
      ? undefined
      : new Postgres(sim, {
          maxConnections: d.maxConnections,
          superuserReservedConnections: d.superuserReservedConnections,
          superuser: d.superuser,
          forkTime: fromSeconds(d.forkTime),
          backendStartTime: fromSeconds(d.backendStartTime),
        }, recorder.timeline.gauge('dbConnections'));

  const steps: CompiledStep[] = a.steps.map((step, i) => {
    const isDb = step.kind === 'dbConnect' || step.kind === 'dbQuery';
    const io = 'io' in step && step.io !== undefined ? step.io : isDb && !a.psycogreen ? 'blocking' : 'cooperative';
    return {
      kind: step.kind,
      duration: 'time' in step ? toDistribution(step.time) : undefined,
      random: 'time' in step ? streams.stream(`app.step${i}.${step.kind}`) : undefined,
      blocking: io === 'blocking',
    };
  });
  const app = new App(sim, steps, cores, postgres, a.status);

  const listener = new Listener(
    sim,
    Math.min(s.backlog, m.somaxconn),
    SYN_RETRANSMITS[m.os],
    s.acceptPolicy,
    streams.stream('server.accept'),
    recorder.timeline.gauge('backlog'),
  );
  const gauges = { running: recorder.timeline.gauge('running'), keepalive: recorder.timeline.gauge('keepalive') };
  const sync = s.workerClass === 'sync';
  const workers: AsyncWorker[] = [];
  for (let i = 0; i < s.workers; i++) {
    workers.push(
      new AsyncWorker(i, sim, listener, app, {
        slots: sync ? 1 : s.workerConnections,
        keepalive: sync ? 0 : fromSeconds(s.keepalive),
      }, gauges),
    );
  }
  for (const w of workers) w.boot();

  const client = new HeyClient(
    sim,
    listener,
    {
      requests: c.requests,
      concurrency: c.concurrency,
      timeout: fromSeconds(c.timeout),
      keepAlive: c.keepAlive,
      maxIdleConns: c.maxIdleConns ?? Math.min(c.concurrency, HEY_MAX_IDLE_CONNS),
      url: c.url,
    },
    recorder,
  );
  client.start();
  sim.run(Infinity, options.maxEvents ?? Infinity);

  return {
    total: client.finishedAt ?? sim.now,
    complete: client.finishedAt !== undefined,
    planned: Math.floor(c.requests / c.concurrency) * c.concurrency,
    recorder,
    events: sim.eventsRun,
    exceptions: app.exceptions,
    listener: { capacity: listener.capacity, peakQueue: listener.peakQueue, synDrops: listener.synDrops },
    timeline: recorder.timeline.finish(client.finishedAt ?? sim.now),
    database:
      postgres === undefined
        ? undefined
        : {
            peakOpen: postgres.peakOpen,
            refused: postgres.refused,
            connections: postgres.connections,
            limit: postgres.settings.maxConnections,
          },
  };
}
