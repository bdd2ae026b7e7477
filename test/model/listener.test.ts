import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

describe('the listen backlog', () => {
  // 1 sync worker, 100 ms per request, backlog 2, ten clients at once (Linux client).
  // t=0: one connection goes straight to the idle worker, two wait in the queue, seven
  // SYNs are dropped and retried at 1 s; then one straight in, two queued, four dropped
  // and retried at 3 s (1 + 2); then one in, two queued, one retried at 7 s (3 + 4).
  // Latencies: 0.1 0.2 0.3 | 1.1 1.2 1.3 | 3.1 3.2 3.3 | 7.1, and no error.
  const overflow = () =>
    run({
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'sync', backlog: 2 },
    });

  it('drops SYNs beyond its capacity: latencies step by 1 s, 3 s, 7 s, with no error', () => {
    const { summary, result } = overflow();
    expect(summary.summary.errors).toBe(0);
    expect(result.listener.synDrops).toBe(7 + 4 + 1);
    expect(summary.summary.fastest).toBeCloseTo(0.1, 6);
    expect(summary.summary.slowest).toBeCloseTo(7.1, 6);
    expect(summary.latency.p50).toBeCloseTo(1.3, 4); // hey's p50 of 10 is the 6th value (to hey's 0.1 ms)
    expect(summary.latency.p75).toBeCloseTo(3.3, 4); // the 9th
    expect(summary.breakdown.connect).toBeCloseTo((3 * 1 + 3 * 3 + 7) / 10, 6);
  });

  it('is capped by somaxconn', () => {
    const { result } = run({ machine: { somaxconn: 128 }, server: { backlog: 2048 } });
    expect(result.listener.capacity).toBe(128);
  });

  it('retries on BSD/macOS after 1, 2, 3, 4, 5 s', () => {
    const { summary } = run({
      machine: { os: 'darwin' },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'sync', backlog: 2 },
    });
    // Same pattern as above, retries at 1, 2 and 3 s instead of 1, 3 and 7 s.
    expect(summary.summary.slowest).toBeCloseTo(3.1, 6);
  });

  it('gives up with "connection timed out" when the retries run out (Linux: 127 s)', () => {
    // One sync worker stuck 200 s on its first request, backlog 1: the third client's
    // SYNs are dropped at 0, 1, 3, 7, 15, 31 and 63 s; it gives up at 127 s.
    const { summary } = run({
      app: { steps: [{ kind: 'sleep', time: 200 }] },
      client: { requests: 3, concurrency: 3, timeout: 0 },
      server: { workerClass: 'sync', backlog: 1, timeout: 0 },
    });
    expect(summary.errors).toEqual({ 'Get "http://127.0.0.1:8000": dial tcp 127.0.0.1:8000: connect: connection timed out': 1 });
    expect(summary.summary.responses).toBe(2);
  });
});
