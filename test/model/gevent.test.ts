import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

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
    expect(summary.simulation.exceptions).toEqual({ 'psycopg2.OperationalError: FATAL: sorry, too many clients already': 5 });
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

describe('a sync worker', () => {
  it('serves one request at a time and closes each connection', () => {
    const { summary } = run({
      app: { steps: [{ kind: 'sleep', time: 1 }] },
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'sync', workers: 4 },
    });
    // 4 workers, 10 requests of 1 s: three waves.
    expect(summary.summary.total).toBeCloseTo(3, 6);
    expect(summary.statusCodes).toEqual({ '200': 10 });
  });
});

describe('the hey client', () => {
  it('sends n / c requests per worker and drops the remainder, as hey does', () => {
    const { summary } = run({ app: { steps: [{ kind: 'sleep', time: 0.001 }] }, client: { requests: 23, concurrency: 5 } });
    expect(summary.summary.requests).toBe(20);
    expect(summary.summary.responses).toBe(20);
  });

  it('times a request out after -t seconds and reports it as a transport error', () => {
    const { summary } = run({ app: { steps: [{ kind: 'sleep', time: 5 }] }, client: { requests: 2, concurrency: 1, timeout: 1 } });
    expect(summary.errors).toEqual({
      'Get "http://127.0.0.1:8000": context deadline exceeded (Client.Timeout exceeded while awaiting headers)': 2,
    });
    expect(summary.summary.responses).toBe(0);
    // hey counts every result, errors included, in Requests/sec (requester/report.go).
    expect(summary.summary.requestsPerSec).toBeCloseTo(2 / 2, 6);
  });

  it('closes idle connections beyond min(c, 500) at once, freeing their server slots', () => {
    // 600 one-request workers against 1 worker with 1000 slots: 500 stay idle on the
    // client, 100 are closed by it at once. Nothing else observable changes, so check
    // through a second wave: 700 workers, 600 slots, keep-alive 2 s.
    const fast = { app: { steps: [{ kind: 'sleep' as const, time: 0.01 }] } };
    const { summary } = run({ ...fast, client: { requests: 700, concurrency: 700 }, server: { workerConnections: 600 } });
    // The 100 connections hey closes free 100 slots right away for the last 100 requests.
    expect(summary.summary.total).toBeCloseTo(0.02, 6);
  });
});

describe('the listen backlog', () => {
  it('drops SYNs beyond its capacity; the client retries after 1 s, then 3 s (Linux)', () => {
    const { summary, result } = run({
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      client: { requests: 4, concurrency: 4 },
      server: { workerClass: 'sync', workers: 1, backlog: 1 },
    });
    expect(result.listener.synDrops).toBeGreaterThan(0);
    expect(summary.summary.errors).toBe(0);
    // Served at 0.1 (accepted at once), 0.2 (queued); the other two got in on retries.
    expect(summary.summary.slowest).toBeGreaterThanOrEqual(1);
  });
});
