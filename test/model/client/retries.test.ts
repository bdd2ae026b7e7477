// Retries through a whole run: what is retried, when, how a request's latency counts, the
// budget, and the report's figures (attempts, causes, amplification, late responses).
import { describe, expect, it } from 'vitest';
import { run } from '../../helpers.js';

const slow = { steps: [{ kind: 'sleep' as const, time: 1.5 }] };

describe('client retries', () => {
  it('retries a timed-out attempt after its backoff; the latency counts from the first send', () => {
    // Attempts at 0, 1.1 and 2.2 s (1 s timeout, 100 ms apart); the last times out at 3.2 s.
    const { summary } = run({
      client: { requests: 1, concurrency: 1, timeout: 1, retries: { count: 2, backoff: 'constant', base: 0.1 } },
      app: slow,
    });
    expect(summary.summary.total).toBeCloseTo(3.2, 6);
    expect(summary.summary.errors).toBe(1);
    const r = summary.incident!.retries!;
    expect([r.requests, r.attempts, r.amplification, r.byCause.timeout, r.exhausted]).toEqual([1, 3, 3, 2, 1]);
    expect(r.attemptsPerRequest).toEqual({ 3: 1 });
    // Each attempt's handler sleeps on after its client left: responses for nobody, at 1.5
    // and 2.6 s (the third's would come at 3.7 s, after the run ended with its error).
    expect(summary.incident!.lateResponses).toBe(2);
  });

  it('retries a 5xx response, and records only the last one', () => {
    const { summary } = run({
      client: { requests: 2, concurrency: 1, timeout: 0, retries: { count: 3, on: ['5xx'], backoff: 'exponential', base: 0.01 } },
      app: { status: 503, steps: [{ kind: 'sleep', time: 0.001 }] },
    });
    expect(summary.statusCodes).toEqual({ 503: 2 });
    const r = summary.incident!.retries!;
    expect([r.attempts, r.byCause['gateway-error'], r.exhausted]).toEqual([8, 6, 2]);
    // Each request: 4 attempts of 1 ms and waits of 10, 20 and 40 ms: 74 ms; two in a row.
    expect(summary.summary.total).toBeCloseTo(0.148, 6);
  });

  it('does not retry what `on` leaves out', () => {
    const { summary } = run({
      client: { requests: 1, concurrency: 1, timeout: 1, retries: { count: 3, on: ['5xx'] } },
      app: slow,
    });
    expect(summary.incident!.retries!.attempts).toBe(1);
    expect(summary.summary.total).toBeCloseTo(1, 6);
  });

  it('makes no retry the budget does not allow', () => {
    const { summary } = run({
      client: {
        requests: 4,
        concurrency: 4,
        timeout: 1,
        retries: { count: 3, backoff: 'constant', base: 0, budget: { budgetPercent: 0, minRetryConcurrency: 1 } },
      },
      app: slow,
    });
    // One retry at a time: the first failure (of four at 1 s) is retried, the other three are denied;
    // the retry times out at 2 s, when nothing else is active: retried again, and again.
    const r = summary.incident!.retries!;
    expect([r.attempts, r.deniedByBudget, r.exhausted]).toEqual([7, 3, 1]);
  });

  it('sends an open-loop retry on a new connection, and counts the request once', () => {
    const { summary } = run({
      client: { arrivals: { process: 'constant', rate: 10 }, requests: 2, timeout: 1, retries: { count: 1, backoff: 'constant', base: 0 } },
      app: slow,
    });
    expect(summary.summary.requests).toBe(2);
    expect(summary.summary.errors).toBe(2);
    expect(summary.incident!.retries!.attempts).toBe(4);
    expect(summary.simulation.littlesLaw.meanInSystem).toBeCloseTo(summary.simulation.littlesLaw.throughputTimesMeanTime, 6);
  });

  it('draws jitter from its own stream: same seed, same run', () => {
    const go = () =>
      run({
        client: { requests: 20, concurrency: 5, timeout: 1, retries: { count: 3, jitter: 'full', base: 0.2 } },
        app: { steps: [{ kind: 'sleep', time: { dist: 'exponential', mean: 0.8 } }] },
      }).summary;
    expect(JSON.stringify(go())).toBe(JSON.stringify(go()));
  });
});
