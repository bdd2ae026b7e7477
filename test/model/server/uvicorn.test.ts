// uvicorn's worker under gunicorn (UvicornWorker): FastAPI's threadpool for `def`
// handlers, limit_concurrency's 503s, and the app's start-up with asyncpg's pools. Every
// cost is 0 unless a test states it, so the figures are derived by hand.
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src/engine/random.js';
import { run } from '../../helpers.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { simulate } from '../../../src/model/system.js';
import { summarize } from '../../../src/report/summary.js';

const UVICORN = 'uvicorn.workers.UvicornWorker' as const;
/** A handler that blocks 50 ms (time.sleep(0.05)), no database. */
const blocking50 = { steps: [{ kind: 'sleep' as const, time: 0.05, io: 'blocking' as const }] };

describe("a def handler runs in the worker's threadpool", () => {
  it("runs 40 at once (anyio's default limiter): 100 requests of 50 ms end at 50, 100 and 150 ms", () => {
    const { summary, result } = run({
      client: { requests: 100, concurrency: 100 },
      server: { workerClass: UVICORN, workers: 1, threadpoolCpu: 0 },
      app: { ...blocking50, handler: 'def' },
      database: undefined,
    });
    // Threads: 40 requests 0-50 ms, the next 40 50-100 ms, the last 20 100-150 ms.
    expect(summary.summary.total).toBeCloseTo(0.15, 6);
    expect(summary.summary.fastest).toBeCloseTo(0.05, 6);
    expect(summary.summary.slowest).toBeCloseTo(0.15, 6);
    expect(summary.latency.p50).toBeCloseTo(0.1, 6);
    expect(result.server.threadpool).toEqual({ threads: 40, peakInUse: 40, waited: 60 });
    expect(summary.simulation.binding?.limit).toBe('threadpool');
  });

  it("serializes the loop's hand-off to the threads (threadpoolCpu), which then wait for a free thread", () => {
    // 1 ms of the loop per hand-off: request k is handed over at k ms. Requests 1-40 get a
    // thread at once and end at k + 50 ms; 41-80 get the thread of request k - 40 at
    // k + 10 ms and end at k + 60; 81-100 get it at k + 20 and end at k + 70, the last at 170 ms.
    const { summary } = run({
      client: { requests: 100, concurrency: 100 },
      server: { workerClass: UVICORN, workers: 1, threadpoolCpu: 0.001 },
      app: { ...blocking50, handler: 'def' },
      database: undefined,
    });
    expect(summary.summary.fastest).toBeCloseTo(0.051, 6);
    expect(summary.summary.slowest).toBeCloseTo(0.17, 6);
    expect(summary.summary.total).toBeCloseTo(0.17, 6);
  });

  it('with app.threadpool threads, runs that many at once', () => {
    const { summary } = run({
      client: { requests: 100, concurrency: 100 },
      server: { workerClass: UVICORN, workers: 1, threadpoolCpu: 0 },
      app: { ...blocking50, handler: 'def', threadpool: 100 },
      database: undefined,
    });
    expect(summary.summary.total).toBeCloseTo(0.05, 6);
  });

  it("with anyio 3.x's limiter (threadpoolQueue lifo), a freed thread goes to the newest waiter: one client waits while the others go on", () => {
    // One thread, 10 ms a request, hey -c 3 -n 6 (two requests each), all three sent at 0
    // in the order c1, c2, c3. FIFO: c1 0-10, c2 10-20, c3 20-30 (its first waited longest:
    // 30 ms), c1 30-40, c2 40-50, c3 50-60. LIFO: c1 0-10; then the newest of c2, c3 is
    // c3 (10-20); c1's second came at 10, after c2: c1 20-30; c3's second came at 20:
    // c3 30-40; only then c2, 40-50 (50 ms) and 50-60. Same total, a longer slowest.
    const lifo = (queue: 'fifo' | 'lifo') =>
      run({
        client: { requests: 6, concurrency: 3 },
        server: { workerClass: UVICORN, workers: 1, threadpoolCpu: 0 },
        app: { steps: [{ kind: 'sleep', time: 0.01, io: 'blocking' }], handler: 'def', threadpool: 1, threadpoolQueue: queue },
        database: undefined,
      }).summary.summary;
    expect(lifo('fifo').total).toBeCloseTo(0.06, 6);
    expect(lifo('fifo').slowest).toBeCloseTo(0.03, 6);
    expect(lifo('lifo').total).toBeCloseTo(0.06, 6);
    expect(lifo('lifo').slowest).toBeCloseTo(0.05, 6);
  });

  it('as an async def, the same blocking call stalls the loop: one request at a time', () => {
    const { summary } = run({
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: UVICORN, workers: 1 },
      app: { ...blocking50, handler: 'async' },
      database: undefined,
    });
    expect(summary.summary.total).toBeCloseTo(0.5, 6);
    expect(summary.simulation.binding?.limit).toBe('loop CPU');
  });

  it("holds the GIL for its Python: a def handler's CPU waits for the loop's", () => {
    // 10 def handlers of 10 ms CPU each: threads do not add a core's worth of Python; they
    // take turns on the GIL (the loop), one after another: the last ends at 100 ms.
    const { summary } = run({
      client: { requests: 10, concurrency: 10 },
      machine: { cores: 4 },
      server: { workerClass: UVICORN, workers: 1, threadpoolCpu: 0 },
      app: { steps: [{ kind: 'cpu', time: 0.01 }], handler: 'def' },
      database: undefined,
    });
    expect(summary.summary.total).toBeCloseTo(0.1, 6);
  });
});

describe('limit_concurrency', () => {
  it('answers 503 and closes the connection when its worker holds that many connections, its own and kept-alive ones included', () => {
    // Limit 10, 20 connections at once, 2 requests each, a 100 ms cooperative handler. The
    // k-th connection's request finds k connections open: 1-9 run; 10-20 get a 503 at once,
    // and their second request on a new connection another. At 100 ms the 9 kept-alive
    // connections send their second request: 9 open, none running: they run, until 200 ms.
    const { summary, result } = run({
      client: { requests: 40, concurrency: 20 },
      server: { workerClass: UVICORN, workers: 1, limitConcurrency: 10, keepalive: 2 },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      database: undefined,
    });
    expect(summary.statusCodes).toEqual({ '200': 18, '503': 22 });
    expect(summary.summary.total).toBeCloseTo(0.2, 6);
    expect(result.evidence.peakHandlersPerWorker).toBeLessThanOrEqual(10);
  });

  it('has no limit by default', () => {
    const { summary } = run({
      client: { requests: 40, concurrency: 20 },
      server: { workerClass: UVICORN, workers: 1 },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      database: undefined,
    });
    expect(summary.statusCodes).toEqual({ '200': 40 });
  });
});

describe("taking connections: libuv's accept loop", () => {
  it("hey's connections, dialed at once, go to the workers that got a core first: their limit_concurrency answers the rest", () => {
    // 4 workers, limit 10 each, 2 cores, 20 connections at t = 0, 0.1 ms to set each up.
    // c1 wakes the four: the first (drawn from the seed) has an idle core and takes c1;
    // c2 wakes the other three and the second takes the other core and c2; the last two
    // find no core idle and wait a slice (1.4 ms). The two loops take the rest in turn,
    // ten each by 1 ms: a worker's k-th finds k connections open, so its first 9 run and
    // its 10th gets a 503. Spread over the four, none would.
    const { summary, result } = run({
      client: { requests: 20, concurrency: 20 },
      server: { workerClass: UVICORN, workers: 4, limitConcurrency: 10, acceptCpu: 0.0001 },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      machine: { cores: 2 },
      database: undefined,
    });
    expect(summary.statusCodes).toEqual({ '200': 18, '503': 2 });
    // Each loop's 9th is set up 0.8-0.9 ms and its 100 ms sleep ends last.
    expect(summary.summary.total).toBeCloseTo(0.1009, 6);
    expect(result.listener.peakQueue).toBe(18);
  });

  it('with a core for each worker, the same burst splits four ways and nobody gets a 503', () => {
    const { summary } = run({
      client: { requests: 20, concurrency: 20 },
      server: { workerClass: UVICORN, workers: 4, limitConcurrency: 10, acceptCpu: 0.0001 },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      machine: { cores: 4 },
      database: undefined,
    });
    expect(summary.statusCodes).toEqual({ '200': 20 });
  });

  it("on per-core run queues (Linux, the kit's measured scenario), the same burst splits the same way: two loops, one on each core", () => {
    // Workers 0-3 start on cores 0, 1, 0, 1. c1 wakes the four: the first woken runs on its
    // idle core; the second runs on its own core if idle, else moves to the idle one
    // (select_idle_sibling); the last two find both cores taken and wait on their own
    // cores' queues. The two loops take the twenty in turn, ten each by 1 ms, as above.
    const { summary, result } = run({
      client: { requests: 20, concurrency: 20 },
      server: { workerClass: UVICORN, workers: 4, limitConcurrency: 10, acceptCpu: 0.0001 },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      machine: { cores: 2, runQueues: 'per-core' },
      database: undefined,
    });
    expect(summary.statusCodes).toEqual({ '200': 18, '503': 2 });
    expect(summary.summary.total).toBeCloseTo(0.1009, 6);
    expect([...result.server.servedByWorker].sort()).toEqual([0, 0, 10, 10]);
  });

  // Fresh-eyes audit: each worker that found EAGAIN handed its core to the next waiter by
  // calling its turn, one inside the other: 3,000 workers on 8 cores (the measured costs:
  // accepting takes CPU, so woken workers pile up waiting for a core) ended in
  // "internal error: Maximum call stack size exceeded".
  it.each(['shared'] as const)(
    '3,000 workers woken together hand the cores on one after the other (%s run queues), without exhausting the stack',
    (runQueues) => {
      const s = validateScenario(
        {
          client: { requests: 5000, concurrency: 5000 },
          server: { workerClass: UVICORN, workers: 3000 },
          app: { steps: [{ kind: 'sleep', time: '10ms' }] },
          machine: { cores: 8, runQueues },
        },
        'test',
      );
      expect(summarize(simulate(s), 'test', s.seed).statusCodes).toEqual({ '200': 5000 });
    },
  );
});

describe("the app's start-up: asyncpg's pools open min_size connections before the first request", () => {
  const storm = (onStartupError: 'serve' | 'exit') =>
    run({
      client: { requests: 40, concurrency: 4 },
      server: { workerClass: UVICORN, workers: 4, keepalive: 0 },
      app: {
        driver: 'asyncpg',
        asyncpgPool: { minSize: 10, maxSize: 10, onStartupError },
        steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }],
      },
      database: { maxConnections: 30, superuser: true, forkTime: 0.002, backendStartTime: 0.01 },
    });

  it('opens them at start-up, before traffic: 4 x 10 against max_connections 30 meets refusals before the first request', () => {
    const { result, summary } = storm('serve');
    const db = result.database!;
    // 40 asked for, 30 slots: a pool that meets a refusal fails, and its connects under
    // way go on; every refusal is at start-up.
    expect(db.refused).toBeGreaterThan(0);
    expect(db.asyncpgPool!.startupRefusals).toBe(db.refused);
    expect(db.asyncpgPool!.failedPools).toBeGreaterThan(0);
    expect(db.asyncpgPool!.failedPools).toBeLessThan(4);
    // The client started after the start-up, which the first refusal ended for some pool
    // (a failed pool's connects still under way may be refused later).
    const start = result.server.startup!.duration / 1e6;
    expect(start).toBeGreaterThan(0);
    const refused = result.timeline.count.dbRefused;
    const first = Math.min(...refused.flatMap((n, i) => (n > 0 ? [result.timeline.t[i]] : [])));
    expect(first).toBeLessThan(start);
    // Requests that reach a worker whose pool failed raise: 500s.
    expect(summary.simulation.exceptions).toEqual({
      "AttributeError: 'NoneType' object has no attribute 'acquire'": summary.statusCodes['500'],
    });
    expect(summary.simulation.binding?.limit).toBe('max_connections');
  });

  it('starts an open loop after the start-up too: its rate steps and duration count from there', () => {
    const { result } = run({
      client: { arrivals: { process: 'constant', rate: 100 }, duration: 1 },
      server: { workerClass: UVICORN, workers: 1 },
      app: {
        driver: 'asyncpg',
        asyncpgPool: { minSize: 2, maxSize: 2 },
        steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }],
      },
    });
    // One arrival every 10 ms for 1 s after the start-up (the first at 10 ms, the last before 1 s).
    expect(result.server.startup!.duration).toBeGreaterThan(0);
    expect(result.sent).toBe(99);
  });

  it('without the app catching the error, the worker fails to boot and gunicorn halts: every request is refused', () => {
    const { result, summary } = storm('exit');
    expect(result.server.startup!.halted).toBe('Worker failed to boot.');
    expect(summary.summary.responses).toBe(0);
    expect(Object.keys(summary.errors)).toEqual(['Get "http://127.0.0.1:8000": dial tcp 127.0.0.1:8000: connect: connection refused']);
    expect(result.database!.refused).toBeGreaterThan(0);
  });
});

describe('the first boot, when the app works at start-up: gunicorn forks the workers in turn and each imports the app', () => {
  const boot = (cores: number, maxConnections = 100) =>
    run({
      seed: 7,
      client: { requests: 10, concurrency: 1 },
      machine: { cores },
      server: { workerClass: UVICORN, workers: 2, bootCpu: 0.1 },
      app: {
        driver: 'asyncpg',
        asyncpgPool: { minSize: 3, maxSize: 3, onStartupError: 'serve' },
        steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.001 }, { kind: 'dbClose' }],
      },
      database: { maxConnections, superuser: true, forkTime: 0, backendStartTime: 0 },
    });
  /** spawn_workers' sleep after the first fork: 0.1 x random() s, from the seeded stream (µs). */
  const sleep = Math.round(100_000 * new RandomStreams(7).stream('server.spawnSleep')());

  it('on two cores: the second is forked 0.1 x random() s after the first and starts 0.1 s of CPU later', () => {
    const { result } = boot(2);
    expect(sleep).toBeGreaterThan(0);
    expect(result.server.startup!.duration).toBe(sleep + 100_000);
  });

  it('on one core their imports share it: both have started after 0.2 s of CPU, whenever the second was forked', () => {
    const { result } = boot(1);
    expect(result.server.startup!.duration).toBe(200_000);
  });

  it("keeps a failed pool's connections open (create_pool closes nothing): the slots stay taken", () => {
    // 4 slots: the first worker's pool takes 3; the second's first connect takes the last,
    // its other two are refused and its pool fails, and the connection it has stays open.
    const { result } = boot(2, 4);
    const db = result.database!;
    expect(db.asyncpgPool!.failedPools).toBe(1);
    expect(db.asyncpgPool!.startupRefusals).toBe(2);
    expect(db.openAtEnd).toBe(4);
  });
});
