// The client's timeout, as hey and as wrk have it (client.timeoutMode): hey's cancels the
// request and closes its connection; wrk's cancels nothing, and counts a response later
// than it as a timeout, its latency left out of the figures (wg/wrk src/wrk.c).
import { describe, expect, it } from 'vitest';
import { findViolations } from '../../../src/check/invariants.js';
import { heyText } from '../../../src/report/heyText.js';
import { run } from '../../helpers.js';

/** One sync worker, 0.8 s per request, three clients at once: answered at 0.8, 1.6 and 2.4 s. */
const queued = (timeoutMode: 'cancel' | 'count') =>
  run({
    client: { requests: 3, concurrency: 3, timeout: 1, timeoutMode },
    server: { workerClass: 'sync', workers: 1 },
    app: { steps: [{ kind: 'sleep', time: 0.8 }] },
    database: undefined,
  });

describe("wrk's timeout (client.timeoutMode count)", () => {
  it('counts the responses later than it, in the responses and Requests/sec, their latencies left out', () => {
    const { summary, result } = queued('count');
    expect(summary.summary.responses).toBe(3);
    expect(summary.summary.timeouts).toBe(2);
    expect(summary.summary.errors).toBe(0);
    expect(Object.values(summary.statusCodes).reduce((a, b) => a + b, 0)).toBe(3);
    expect(summary.summary.total).toBeCloseTo(2.4, 6);
    expect(summary.summary.requestsPerSec).toBeCloseTo(3 / 2.4, 6);
    // Only the 0.8 s response is in the latency figures, as wrk's histogram holds up to its timeout.
    expect([summary.summary.fastest, summary.summary.average, summary.summary.slowest]).toEqual([0.8, 0.8, 0.8]);
    expect(summary.histogram.reduce((a, b) => a + b.count, 0)).toBe(1);
    expect(heyText(summary)).toContain('  Timeouts:\t2 responses later than client.timeout');
    expect(findViolations(result)).toEqual([]);
  });

  it("where hey's cancels them: two errors at 1 s, no late response counted", () => {
    const { summary } = queued('cancel');
    expect(summary.summary.responses).toBe(1);
    expect(summary.summary.errors).toBe(2);
    expect(summary.summary.timeouts).toBeUndefined();
    expect(heyText(summary)).not.toContain('Timeouts:');
  });

  it('keeps the connection: the next request goes on it once the late response is in', () => {
    // A gevent worker keeping connections alive, one client, two requests of 2 s, timeout 1 s.
    // wrk's: both on one connection (one dial), the second sent at 2 s, done at 4 s.
    // hey's: the first cancelled at 1 s with its connection, the second on a new one (two dials).
    const twoSlow = (timeoutMode: 'cancel' | 'count') =>
      run({
        client: { requests: 2, concurrency: 1, timeout: 1, timeoutMode, dialCpu: 0.01, requestCpu: 0 },
        server: { workerClass: 'gevent', workers: 1, keepalive: 5 },
        app: { steps: [{ kind: 'sleep', time: 2 }] },
        database: undefined,
      }).summary;
    const wrk = twoSlow('count');
    expect(wrk.summary.total).toBeCloseTo(4.01, 6);
    expect(wrk.summary.timeouts).toBe(2);
    expect(wrk.simulation.cpu.client).toBeCloseTo(0.01, 6);
    const hey = twoSlow('cancel');
    expect(hey.summary.errors).toBe(2);
    expect(hey.simulation.cpu.client).toBeCloseTo(0.02, 6);
  });
});
