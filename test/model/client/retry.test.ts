// The retry policy's arithmetic against the AWS Architecture Blog's formulas ("Exponential
// Backoff And Jitter"), and Envoy's retry budget.
import { describe, expect, it } from 'vitest';
import { backoffDelay, causeOfStatus, RetryBudget, retries, type RetrySettings } from '../../../src/model/client/retry.js';

const policy = (changes: Partial<RetrySettings>): RetrySettings => ({
  count: 5,
  on: ['timeout'],
  backoff: 'exponential',
  base: 100_000,
  cap: 1_000_000,
  jitter: 'none',
  ...changes,
});

/** A "random" source that gives back the values it is handed, in order. */
const draws = (...values: number[]) => {
  let i = 0;
  return () => values[i++];
};

describe('backoff without jitter', () => {
  it('exponential: min(cap, base x 2^n) for the n-th retry (n from 0)', () => {
    const s = policy({});
    const waits = [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(s, n, 0, draws()));
    expect(waits).toEqual([100_000, 200_000, 400_000, 800_000, 1_000_000, 1_000_000]);
  });

  it('constant: base before every retry', () => {
    const s = policy({ backoff: 'constant' });
    expect([0, 1, 5].map((n) => backoffDelay(s, n, 0, draws()))).toEqual([100_000, 100_000, 100_000]);
  });
});

describe('jitter', () => {
  it('full: random_between(0, min(cap, base x 2^n))', () => {
    const s = policy({ jitter: 'full' });
    // Retry 2: temp = 400 ms; draws 0, 0.5 and 0.999 give 0, 200 and 399.6 ms.
    expect([0, 0.5, 0.999].map((u) => backoffDelay(s, 2, 0, draws(u)))).toEqual([0, 200_000, 399_600]);
  });

  it('equal: temp / 2 + random_between(0, temp / 2)', () => {
    const s = policy({ jitter: 'equal' });
    // Retry 1: temp = 200 ms: 100 ms plus up to 100 ms.
    expect([0, 0.25, 0.999].map((u) => backoffDelay(s, 1, 0, draws(u)))).toEqual([100_000, 125_000, 199_900]);
    // Capped: retry 9 has temp = cap = 1 s.
    expect(backoffDelay(s, 9, 0, draws(0.5))).toBe(750_000);
  });

  it('decorrelated: min(cap, random_between(base, previous x 3)), growing from base', () => {
    const s = policy({ jitter: 'decorrelated' });
    // From base 100 ms: between 100 and 300 ms; then from 250 ms: between 100 and 750 ms.
    const first = backoffDelay(s, 0, s.base, draws(0.75));
    expect(first).toBe(250_000);
    expect(backoffDelay(s, 1, first, draws(0.5))).toBe(425_000);
    // From 900 ms the range reaches 2.7 s: capped at 1 s.
    expect(backoffDelay(s, 2, 900_000, draws(0.9))).toBe(1_000_000);
    expect(backoffDelay(s, 2, 900_000, draws(0))).toBe(100_000);
  });

  it('a sequence of full-jitter waits stays under its exponential envelope and uses the stream in order', () => {
    const s = policy({ jitter: 'full' });
    const random = draws(0.1, 0.2, 0.3, 0.4, 0.5);
    const waits = [0, 1, 2, 3, 4].map((n) => backoffDelay(s, n, 0, random));
    expect(waits).toEqual([10_000, 40_000, 120_000, 320_000, 500_000]);
  });
});

describe('what is retried', () => {
  it("names statuses as Envoy's retry_on does: 502, 503, 504 are gateway errors, other 5xx are 5xx", () => {
    expect([200, 404, 500, 502, 503, 504, 599].map(causeOfStatus)).toEqual([
      undefined,
      undefined,
      '5xx',
      'gateway-error',
      'gateway-error',
      'gateway-error',
      '5xx',
    ]);
  });

  it('retries a gateway error under 5xx too, but not a plain 5xx under gateway-error', () => {
    expect(retries(policy({ on: ['5xx'] }), 'gateway-error')).toBe(true);
    expect(retries(policy({ on: ['gateway-error'] }), '5xx')).toBe(false);
    expect(retries(policy({ on: ['timeout'] }), 'reset')).toBe(false);
  });
});

describe("Envoy's retry budget", () => {
  it('allows retries while those active are under budget_percent of the requests active', () => {
    const b = new RetryBudget(0.1, 3);
    b.active = 100;
    b.retrying = 9;
    expect(b.allows()).toBe(true);
    b.retrying = 10;
    expect(b.allows()).toBe(false);
  });

  it('always allows min_retry_concurrency retries', () => {
    const b = new RetryBudget(0.1, 3);
    b.active = 5;
    b.retrying = 2;
    expect(b.allows()).toBe(true);
    b.retrying = 3;
    expect(b.allows()).toBe(false);
  });
});
