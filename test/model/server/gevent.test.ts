import { describe, expect, it, vi } from 'vitest';
import { GeventWorker } from '../../../src/model/server/gevent.js';
import { run } from '../../helpers.js';

// A 1 s cooperative handler (pg_sleep through psycogreen) with 2 ms forks and 10 ms starts.
describe('a gevent worker', () => {
  it('serves concurrent requests together when IO is cooperative', () => {
    const { summary } = run({ client: { requests: 10, concurrency: 10 } });
    // 10 forks of 2 ms, one start-up of 10 ms, 1 s of pg_sleep: Total = 1.030 s.
    expect(summary.summary.total).toBeCloseTo(1.03, 6);
    expect(summary.statusCodes).toEqual({ '200': 10 });
  });

  it('serves one request at a time when IO blocks the worker (psycopg2 without psycogreen)', () => {
    const { summary } = run({ client: { requests: 10, concurrency: 10 }, app: { psycogreen: false } });
    // Each request holds the loop for 2 + 10 + 1000 ms: Total = 10 x 1.012 s.
    expect(summary.summary.total).toBeCloseTo(10.12, 6);
  });

  it('answers 500 when PostgreSQL refuses the connection, and closes that connection', () => {
    const { summary, result } = run({ client: { requests: 105, concurrency: 105 } });
    expect(summary.statusCodes).toEqual({ '200': 100, '500': 5 });
    expect(result.database?.peakOpen).toBe(100);
    expect(summary.simulation.exceptions).toEqual({ 'psycopg2.OperationalError: FATAL:  sorry, too many clients already': 5 });
  });

  it('holds a pool slot through the keep-alive wait after a response', () => {
    // 1 worker with 10 slots, 20 hey workers sending one request each: the second ten
    // wait for the first ten's keep-alive (2 s) to expire.
    const fast = { app: { steps: [{ kind: 'sleep' as const, time: 0.01 }] } };
    const kept = run({ ...fast, client: { requests: 20, concurrency: 20 }, server: { workerConnections: 10, keepalive: 2 } });
    expect(kept.summary.summary.total).toBeCloseTo(2.02, 6);
    const closed = run({ ...fast, client: { requests: 20, concurrency: 20 }, server: { workerConnections: 10, keepalive: 0 } });
    expect(closed.summary.summary.total).toBeCloseTo(0.02, 6);
  });

  it('reuses a kept-alive connection for the next request of the same hey worker', () => {
    // 1 slot, 1 hey worker, 5 requests: one connection serves all five.
    const { summary, result } = run({
      app: { steps: [{ kind: 'sleep', time: 0.01 }] },
      client: { requests: 5, concurrency: 1 },
      server: { workerConnections: 1 },
    });
    expect(summary.summary.total).toBeCloseTo(0.05, 6);
    expect(result.listener.peakQueue).toBe(0);
  });
});

describe("the gevent worker's own CPU and max_accept", () => {
  // A handler of 1 ms CPU then a 10 ms sleep; plenty of cores, so only the loops serialize.
  const steps = {
    app: {
      steps: [
        { kind: 'cpu' as const, time: 0.001 },
        { kind: 'sleep' as const, time: 0.01 },
      ],
    },
  };

  it('with several workers, accepts one connection per turn of its loop (max_accept = 1)', () => {
    // 2 workers, 100 µs per accept, 4 connections at t = 0, the lowest-numbered worker first.
    // Worker 0 accepts c1 (0-100) while worker 1 accepts c2 (0-100). The greenlet spawned
    // for c1 (c2) starts as a callback, before the loop polls the listening socket again:
    // c1 and c2 compute 100-1100 and end at 11.1 ms; c3 and c4 are accepted 1100-1200,
    // compute 1200-2200 and end at 12.2 ms.
    const { summary } = run({
      ...steps,
      machine: { cores: 8 },
      server: { workers: 2, acceptCpu: 0.0001, acceptPolicy: 'first' },
      client: { requests: 4, concurrency: 4 },
    });
    expect(summary.summary.fastest).toBeCloseTo(0.0111, 9);
    expect(summary.summary.slowest).toBeCloseTo(0.0122, 9);
    expect(summary.summary.average).toBeCloseTo(0.01165, 9);
  });

  it("with one worker, accepts up to 100 waiting connections in one turn (gevent's default max_accept)", () => {
    // c1 is accepted alone (0-100, the others arrive while it runs); its greenlet starts as
    // a callback and computes 100-1100; the next poll finds the listening socket readable:
    // c2-c4 are accepted in one turn (1100-1400) and compute 1400-2400, 2400-3400 and
    // 3400-4400, each ending 10 ms later.
    const { summary } = run({
      ...steps,
      machine: { cores: 8 },
      server: { workers: 1, acceptCpu: 0.0001 },
      client: { requests: 4, concurrency: 4 },
    });
    expect(summary.summary.fastest).toBeCloseTo(0.0111, 9);
    expect(summary.summary.slowest).toBeCloseTo(0.0144, 9);
  });

  it("charges the worker's request CPU on its loop before the handler", () => {
    // 1 worker, requests one after another: 200 µs of request handling, then the handler.
    const { summary } = run({ ...steps, machine: { cores: 8 }, server: { requestCpu: 0.0002 }, client: { requests: 1, concurrency: 1 } });
    expect(summary.summary.total).toBeCloseTo(0.0112, 9);
  });

  it('charges the failure path of a refused database connection on the loop before the 500 goes out', () => {
    // max_connections 1 and two requests at once: the second is refused when its fork
    // ends (the postmaster's second, at 4 ms) and its 500 leaves 5 ms of errorCpu later.
    const { summary } = run({
      server: { errorCpu: 0.005 },
      machine: { cores: 8 },
      client: { requests: 2, concurrency: 2 },
      database: { maxConnections: 1, superuserReservedConnections: 0, forkTime: 0.002, backendStartTime: 0.01 },
    });
    expect(summary.statusCodes['500']).toBe(1);
    expect(summary.summary.fastest).toBeCloseTo(0.009, 9);
  });
});

describe('a herd of gevent workers with an accept cost', () => {
  // Every queued connection wakes every ready worker (epoll without EPOLLEXCLUSIVE). Those
  // asleep in their poll once the connection is taken would find nothing: they are not
  // told, so a connection costs a few wakes, not one per worker (with 2,000 workers, a
  // run of 1,000 connections told them 2 million times).
  it.each(['first', 'random'] as const)('tells only the workers a wake changes something for (%s policy)', (acceptPolicy) => {
    const readable = vi.spyOn(GeventWorker.prototype, 'readable');
    try {
      const { summary } = run({
        app: { steps: [{ kind: 'sleep', time: 0.01 }] },
        machine: { cores: 4 },
        server: { workers: 2000, acceptCpu: 0.0001, acceptPolicy },
        client: { requests: 1000, concurrency: 1000 },
      });
      expect(summary.statusCodes['200']).toBe(1000);
      expect(readable.mock.calls.length).toBeLessThan(5 * 1000);
    } finally {
      readable.mockRestore();
    }
  });
});
