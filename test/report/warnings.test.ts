// The report's warnings: what the run itself says about how far to trust it.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

// 40 connects at once against a postmaster whose listen queue holds 5 and whose fork is
// CPU: it falls behind, SYNs are dropped and retried, and 10 slots refuse the rest.
/**
 * A warning that leans on the calibration kit's runs names the docs' section for their
 * figures rather than quoting them: a quoted range went stale when the kit ran again.
 */
function pointsToTheFigures(warning: string, section: string) {
  expect(warning).toContain(`(docs/validation.md, "${section}", for the figures)`);
  expect(warning).not.toMatch(/\d ?%|\d points/);
}

const storm = (postmasterCpu: number, forkTime = 0, taskGroups: 'none' | 'session' | 'service' = 'none') =>
  run({
    client: { requests: 40, concurrency: 40 },
    machine: { taskGroups },
    database: { maxConnections: 10, superuserReservedConnections: 0, listenBacklog: 5, postmasterCpu, forkTime },
  }).summary;

describe('the report warns', () => {
  it("when the postmaster's CPU made its listen queue overflow in a run with refusals: the 500s are likely low", () => {
    const s = storm(0.001);
    expect(s.simulation.database!.postmaster.synDrops).toBeGreaterThan(0);
    expect(s.statusCodes['500']).toBeGreaterThan(0);
    expect(s.simulation.warnings).toEqual([
      expect.stringMatching(
        /^the postmaster's listen queue overflowed \(\d+ SYNs retried a second or more later\).*500s here are likely low/,
      ),
    ]);
  });

  it("with PostgreSQL's processes in one group too (the model gives the postmaster one backend's share there)", () => {
    const s = storm(0.001, 0, 'service');
    expect(s.simulation.database!.postmaster.synDrops).toBeGreaterThan(0);
    expect(s.simulation.warnings).toEqual([expect.stringMatching(/machine\.taskGroups "service".*500s here are likely low/)]);
  });

  it('not when every backend is a session of its own (the postmaster has a share of its own: the overflow is real)', () => {
    const s = storm(0.001, 0, 'session');
    expect(s.simulation.database!.postmaster.synDrops).toBeGreaterThan(0);
    expect(s.simulation.warnings).toEqual([]);
  });

  it('not when the postmaster is a delay rather than CPU (the article scenarios: nothing to share the cores with)', () => {
    const s = storm(0, 0.001);
    expect(s.simulation.database!.postmaster.synDrops).toBeGreaterThan(0);
    expect(s.simulation.warnings).toEqual([]);
  });

  // 40 connects at once, 10 slots; each connect's scram proof (5 ms) runs on the one
  // worker's loop, so the first 10 backends hold their slots waiting for it to answer.
  const jam = (maxConnections: number) =>
    run({
      client: { requests: 40, concurrency: 40 },
      app: { psycogreen: true, steps: [{ kind: 'dbConnect', cpu: 0.005 }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }] },
      database: {
        maxConnections,
        superuserReservedConnections: 0,
        authMethod: 'scram-sha-256',
        forkTime: 0,
        backendStartTime: 0,
        backendStartCpu: 0.002,
      },
    }).summary;

  it('when a connection storm jammed (the slots held by backends awaiting their worker): real storms vary, the model is one side', () => {
    const s = jam(10);
    expect(s.statusCodes['500']).toBe(30);
    expect(s.simulation.database!.atRefusal.awaitingClient).toBe(10);
    expect(s.simulation.warnings).toEqual([
      expect.stringMatching(
        /^a connection storm: when PostgreSQL refused, 10 of its 10 slots .* \(docs\/validation\.md, "Held-out storms", for the figures\)$/,
      ),
    ]);
    pointsToTheFigures(s.simulation.warnings[0], 'Held-out storms');
  });

  it('not when the same connects fit in max_connections', () => {
    const s = jam(100);
    expect(s.statusCodes['500']).toBeUndefined();
    expect(s.simulation.warnings).toEqual([]);
  });

  // Gevent workers, each with a pool of 5, on 2 cores; a request is 1 ms of the worker's
  // CPU around a pooled query of 1 ms.
  const pooled = (workers: number, cpu: number, extra: { connect?: boolean; refill?: boolean } = {}) =>
    run({
      client: { requests: 400, concurrency: 40 },
      machine: { cores: 2, ...(extra.refill ? { runQueues: 'per-core' as const } : {}) },
      server: {
        workerClass: 'gevent',
        workers,
        workerConnections: 10,
        ...(extra.refill ? { cacheRefillCpu: [{ others: 1, cpu: 0.0001 }] } : {}),
      },
      app: {
        psycogreen: true,
        steps: [{ kind: 'cpu', time: cpu }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }],
        ...(extra.connect ? {} : { pool: { size: 5, maxOverflow: 0 } }),
      },
    }).summary;

  it('when busy workers with pools outnumber the cores: the real ones spent more CPU per request, read Requests/sec as a bound', () => {
    const s = pooled(4, 0.001);
    expect(s.simulation.warnings).toEqual([
      expect.stringMatching(/^4 workers, each with its own pool, took turns on 2 cores and kept \d\.\d of them busy: .*upper bound/),
    ]);
    pointsToTheFigures(s.simulation.warnings[0], `SQLAlchemy's pool" and "Persistent connections in sync and gthread workers`);
  });

  it('not with as many workers as cores, nor when the workers leave most of the cores idle', () => {
    expect(pooled(2, 0.001).simulation.warnings).toEqual([]);
    expect(pooled(4, 0.00001).simulation.warnings).toEqual([]);
  });

  it('not when the workers pay a measured cache refill, nor when each request opens its own connection', () => {
    expect(pooled(4, 0.001, { refill: true }).simulation.warnings).toEqual([]);
    expect(pooled(4, 0.001, { connect: true }).simulation.warnings).toEqual([]);
  });

  // gthread workers of 8 threads, each with SQLAlchemy's pool of 5 + 10, psycopg2 blocking;
  // a request is `cpu` of the worker's CPU around a pooled query of 1 ms.
  const threaded = (workers: number, cpu: number, extra: { workerClass?: 'gthread' | 'sync'; rate?: number } = {}) =>
    run({
      // With a rate, one client at it (hey's -q is each client's).
      client: { requests: 400, ...(extra.rate !== undefined ? { concurrency: 1, rate: extra.rate } : { concurrency: 40 }) },
      machine: { cores: 2 },
      // threads only for gthread: gunicorn runs a sync worker with threads as gthread.
      server: {
        workers,
        ...(extra.workerClass === 'sync' ? { workerClass: 'sync' as const } : { workerClass: 'gthread' as const, threads: 8 }),
      },
      app: {
        psycogreen: false,
        steps: [{ kind: 'cpu', time: cpu }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }],
        pool: { size: 5, maxOverflow: 10 },
      },
    }).summary;

  it("when busy gthread workers share SQLAlchemy's pool among their threads: the kit's such runs read high, far more than sync's", () => {
    for (const workers of [1, 4]) {
      const { warnings } = threaded(workers, 0.001).simulation;
      expect(warnings).toEqual([expect.stringMatching(/^gthread workers on SQLAlchemy's pool kept \d\.\d of 2 cores busy: .*upper bound/)]);
      pointsToTheFigures(warnings[0], 'Persistent connections in sync and gthread workers');
      expect(warnings[0]).toContain(
        'Priced from a measurement in a gthread worker with its threads busy (calibration/pool.sh with POOL_CLASS=gthread)',
      );
    }
  });

  it('and, where the pools went past pool_size, that a pool_size of at least the threads keeps the connections open', () => {
    const overflowed = threaded(1, 0.001).simulation.warnings[0];
    expect(overflowed).toMatch(
      /; here the pools went past pool_size \(peak 8 a worker\) and opened \d+ connections for \d+ requests: with pool_size at least a worker's threads/,
    );
    // The run's own figures: its connections opened, for hey's 400 requests.
    const [, opened, sent] = /opened (\d+) connections for (\d+) requests/.exec(overflowed)!.map(Number);
    expect([opened, sent]).toEqual([threaded(1, 0.001).simulation.database!.connections, 400]);
    const big = run({
      client: { requests: 400, concurrency: 40 },
      machine: { cores: 2 },
      server: { workerClass: 'gthread', workers: 1, threads: 8 },
      app: {
        psycogreen: false,
        steps: [{ kind: 'cpu', time: 0.001 }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }],
        pool: { size: 8, maxOverflow: 10 },
      },
    }).summary.simulation.warnings;
    expect(big).toEqual([expect.stringMatching(/^gthread workers on SQLAlchemy's pool/)]);
    expect(big[0]).not.toContain('went past pool_size');
  });

  it('not for sync workers on the same pool, nor when the gthread workers are mostly idle', () => {
    expect(threaded(1, 0.001, { workerClass: 'sync' }).simulation.warnings).toEqual([]);
    expect(threaded(1, 0.001, { rate: 20 }).simulation.warnings).toEqual([]);
  });

  it("sync workers on pools only beyond four a core, where the kit's such runs read high", () => {
    // Their pools' connections at most (9 x 15) over max_connections are another warning's.
    const others = (w: string[]) => w.filter((x) => !x.startsWith('each worker has its own pool'));
    expect(others(threaded(8, 0.001, { workerClass: 'sync' }).simulation.warnings)).toEqual([]);
    expect(others(threaded(9, 0.001, { workerClass: 'sync' }).simulation.warnings)).toEqual([
      expect.stringMatching(/^9 workers, each with its own pool, took turns on 2 cores and kept \d\.\d of them busy: .*upper bound/),
    ]);
  });

  // One gevent worker on a handler with no database: 0.1 ms of its CPU a request, or 1 ms.
  const light = (cpu: number, c: number, extra: { query?: boolean; rate?: number } = {}) =>
    run({
      client: { requests: 2000, concurrency: c, ...(extra.rate !== undefined ? { rate: extra.rate } : {}) },
      server: { workerClass: 'gevent', workers: 1, workerConnections: 100, requestCpu: 0 },
      app: {
        psycogreen: true,
        steps: extra.query
          ? [{ kind: 'cpu', time: cpu }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.0001 }, { kind: 'dbClose' }]
          : [{ kind: 'cpu', time: cpu }],
      },
    }).summary;

  it("when light requests with no database keep a gevent worker busy: the kit's trivial-handler rows read high", () => {
    const { warnings } = light(0.0001, 10).simulation;
    expect(warnings).toEqual([
      expect.stringMatching(
        /^requests this light \(0\.1\d\d ms of a worker's CPU each, no database\) on a busy gevent worker: .*upper bound/,
      ),
    ]);
    pointsToTheFigures(warnings[0], 'The spread twenty rounds on the AMD machine, and md5 a third time');
  });

  it('not when each request costs the worker more, nor when it goes to the database, nor when the worker is mostly idle', () => {
    expect(light(0.001, 10).simulation.warnings).toEqual([]);
    expect(light(0.0001, 10, { query: true }).simulation.warnings).toEqual([]);
    expect(light(0.0001, 1, { rate: 100 }).simulation.warnings).toEqual([]);
  });
});
