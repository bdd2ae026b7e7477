import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../src/scenario/load.js';
import { simulate } from '../../../src/model/system.js';
import { summarize } from '../../../src/report/summary.js';
import { run, withoutCosts } from '../../helpers.js';

const wait1s = (io: 'cooperative' | 'blocking') => ({ app: { steps: [{ kind: 'sleep' as const, time: 1, io }] } });

describe('sync workers', () => {
  for (const io of ['cooperative', 'blocking'] as const) {
    it(`4 workers, 10 requests of 1 s (${io} IO): three waves, Total 3 s`, () => {
      // Each worker serves one request at a time: 4 + 4 + 2 requests, one second each.
      const { summary } = run({ ...wait1s(io), client: { requests: 10, concurrency: 10 }, server: { workerClass: 'sync', workers: 4 } });
      expect(summary.summary.total).toBeCloseTo(3, 6);
      expect(summary.statusCodes).toEqual({ '200': 10 });
    });
  }

  it('never keeps a connection alive, whatever keepalive says', () => {
    // One hey worker, 3 requests: each needs a new connection (3 accepts), and no slot
    // is held after the last response.
    const { summary } = run({
      ...wait1s('cooperative'),
      client: { requests: 3, concurrency: 1 },
      server: { workerClass: 'sync', keepalive: 5 },
    });
    expect(summary.summary.total).toBeCloseTo(3, 6);
  });

  it('become gthread when given more than one thread, as gunicorn does', () => {
    const { result } = run({ ...wait1s('cooperative'), server: { workerClass: 'sync', threads: 4 } });
    expect(result.server.workerClass).toBe('gthread');
  });
});

describe('gthread workers', () => {
  // 2 workers x 4 threads, 10 requests of 1 s arriving together. Each connection goes to
  // a worker chosen at random (both accept while they hold < 1000 connections). A worker
  // with k connections needs ceil(k / 4) seconds: k <= 8 on both sides gives 2 s, and one
  // worker with 9 or 10 gives 3 s (probability 22/1024 per run).
  const runSeed = (seed: number) =>
    run({
      ...wait1s('blocking'),
      seed,
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'gthread', workers: 2, threads: 4 },
    });

  it('take about 2 s when the connections spread evenly and 3 s when one worker took more than 8', () => {
    const seen = new Map<number, number[]>();
    for (let seed = 1; seed <= 300; seed++) {
      const { summary, result } = runSeed(seed);
      const most = Math.max(...result.server.servedByWorker);
      const total = Math.round(summary.summary.total * 1000) / 1000;
      expect(total).toBe(most > 8 ? 3 : 2);
      seen.set(total, [...(seen.get(total) ?? []), seed]);
    }
    expect([...seen.keys()].sort()).toEqual([2, 3]);
  });

  it('spread connections by a seeded policy: the same seed, the same spread', () => {
    expect(runSeed(7).result.server.servedByWorker).toEqual(runSeed(7).result.server.servedByWorker);
  });

  it('queue accepted connections for a thread (blocking IO blocks only the thread)', () => {
    // 1 worker, 2 threads, 4 requests of 1 s: two rounds.
    const { summary } = run({
      ...wait1s('blocking'),
      client: { requests: 4, concurrency: 4 },
      server: { workerClass: 'gthread', threads: 2 },
    });
    expect(summary.summary.total).toBeCloseTo(2, 6);
    expect(summary.breakdown.thread).toBeCloseTo(0.5, 6); // half the requests waited 1 s
  });
});

describe('keep-alive holds connection slots', () => {
  const fast = { app: { steps: [{ kind: 'sleep' as const, time: 0.01 }] }, client: { requests: 300, concurrency: 300 } };

  it('gevent, 100 greenlets, 300 one-request clients: each hundred waits for the previous hundred to go idle 2 s', () => {
    // Hundreds answered at 0.01, 2.02, 4.03 s: the greenlets of each hundred stay in their
    // keep-alive wait for 2 s after answering.
    const kept = run({ ...fast, server: { workerClass: 'gevent', workerConnections: 100, keepalive: 2 } });
    expect(kept.summary.summary.total).toBeCloseTo(4.03, 6);
    expect(kept.summary.summary.total).toBeGreaterThan(4);
    const closed = run({ ...fast, server: { workerClass: 'gevent', workerConnections: 100, keepalive: 0 } });
    expect(closed.summary.summary.total).toBeCloseTo(0.03, 6);
  });

  it('gthread parks keep-alive connections against worker_connections too, up to the max_keepalived check', () => {
    // gthread.py: handle_request force-closes when len(_keep) >= max_keepalived
    // (= worker_connections - threads), checked when a request STARTS. 1 worker, 100
    // connections, 10 threads, 300 one-request clients, 10 ms each. Rounds 1-9 park 90
    // connections; the 10 requests of round 10 start while 81..90 are parked, so 9 of
    // them still keep alive: 99 parked, 1 slot left. The other 200 requests go through
    // that slot 10 ms at a time until the first parked ones expire at 2.01 s; the rest
    // finish by 2.02 s. Without keep-alive: 30 rounds of 10 ms.
    const kept = run({ ...fast, server: { workerClass: 'gthread', workerConnections: 100, threads: 10, keepalive: 2 } });
    const closed = run({ ...fast, server: { workerClass: 'gthread', workerConnections: 100, threads: 10, keepalive: 0 } });
    expect(kept.summary.summary.total).toBeCloseTo(2.02, 6);
    expect(Math.max(...kept.result.timeline.peak.keepalive)).toBe(99);
    expect(closed.summary.summary.total).toBeCloseTo(0.3, 6);
  });

  it('a hey client with -disable-keepalive frees the slot after each response', () => {
    // 1 greenlet, 2 hey workers with 3 requests of 10 ms each. With keep-alive, worker A
    // keeps the only slot for its three requests, then 2 s of keep-alive (its connection
    // idles in hey's pool), and B goes after: 0.03 + 2 + 0.03 s.
    const base = {
      app: { steps: [{ kind: 'sleep' as const, time: 0.01 }] },
      server: { workerClass: 'gevent' as const, workerConnections: 1 },
    };
    const kept = run({ ...base, client: { requests: 6, concurrency: 2, keepAlive: true } });
    expect(kept.summary.summary.total).toBeCloseTo(2.06, 6);
    const closed = run({ ...base, client: { requests: 6, concurrency: 2, keepAlive: false } });
    expect(closed.summary.summary.total).toBeCloseTo(0.06, 6);
  });
});

describe('CPU', () => {
  // Sync workers running 10 ms of CPU per request on a 2-core machine: one worker serves
  // 100 requests/s, two serve 200, four still 200 (cores, not workers, are the limit).
  const cpuBound = (workers: number) =>
    run({
      app: { steps: [{ kind: 'cpu', time: 0.01 }] },
      machine: { cores: 2 },
      client: { requests: 400, concurrency: 8 },
      server: { workerClass: 'sync', workers },
    }).summary.summary.requestsPerSec;

  it('shows the knee where workers exceed cores', () => {
    expect(cpuBound(1)).toBeCloseTo(100, 6);
    expect(cpuBound(2)).toBeCloseTo(200, 6);
    expect(cpuBound(4)).toBeCloseTo(200, 6);
  });

  it('is serialized within one worker by the GIL, even with many threads', () => {
    const rps = run({
      app: { steps: [{ kind: 'cpu', time: 0.01 }] },
      machine: { cores: 8 },
      client: { requests: 400, concurrency: 8 },
      server: { workerClass: 'gthread', threads: 8 },
    }).summary.summary.requestsPerSec;
    expect(rps).toBeCloseTo(100, 6);
  });

  it("but not in libpq's blocking connect: psycopg2 calls PQconnectdb with the GIL released, so two threads' proofs run side by side", () => {
    // One gthread worker x 2 threads on 2 cores, two requests at once, each a connect whose
    // client share (scram's proof) is 10 ms, every other cost 0. Without psycogreen both
    // proofs run at once on the two cores: both responses at 10 ms. With psycogreen the
    // proof runs in Python's turn, under the GIL: 10 ms, then 20 ms.
    const times = (psycogreen: boolean) => {
      const s = validateScenario(
        withoutCosts({
          description: 'two connects',
          machine: { cores: 2 },
          client: { requests: 2, concurrency: 2 },
          server: { workerClass: 'gthread', workers: 1, threads: 2 },
          database: { authMethod: 'scram-sha-256', forkTime: 0, backendStartTime: 0 },
          app: { psycogreen, steps: [{ kind: 'dbConnect', cpu: 0.01 }, { kind: 'dbClose' }] },
        }),
        'two connects',
      );
      const { summary } = summarize(simulate(s), 't', s.seed);
      return [summary.fastest, summary.slowest];
    };
    expect(times(false)).toEqual([0.01, 0.01]);
    expect(times(true)).toEqual([0.01, 0.02]);
  });

  it("and a proof beside another thread's costs that thread contendedCpu more (OpenSSL 3's process-wide lock); one alone costs no more", () => {
    // The same two connects with contendedCpu 4 ms. The first thread starts its proof
    // alone: 10 ms. The second starts while the first's runs: 14 ms on the other core. One
    // worker per request (two sync workers, each a process of its own) contends with nobody.
    const times = (workerClass: 'gthread' | 'sync', workers: number, threads: number) => {
      const s = validateScenario(
        withoutCosts({
          description: 'two contended connects',
          machine: { cores: 2 },
          client: { requests: 2, concurrency: 2 },
          server: { workerClass, workers, threads },
          database: { authMethod: 'scram-sha-256', forkTime: 0, backendStartTime: 0 },
          app: { psycogreen: false, steps: [{ kind: 'dbConnect', cpu: 0.01, contendedCpu: 0.004 }, { kind: 'dbClose' }] },
        }),
        'two contended connects',
      );
      const { summary } = summarize(simulate(s), 't', s.seed);
      return [summary.fastest, summary.slowest];
    };
    expect(times('gthread', 1, 2)).toEqual([0.01, 0.014]);
    expect(times('sync', 2, 1)).toEqual([0.01, 0.01]);
  });
});
