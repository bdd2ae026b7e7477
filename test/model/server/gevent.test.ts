import { describe, expect, it } from 'vitest';
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
