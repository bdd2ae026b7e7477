import { describe, expect, it } from 'vitest';
import { Constant, Exponential, LogNormal, UniformBetween, type Distribution } from '../../src/engine/distributions.js';
import { RandomStreams } from '../../src/engine/random.js';

// The sample mean of n draws is within 5 standard errors of the exact mean, except with
// probability ~6e-7; with fixed seeds the test is deterministic anyway.
function expectMeanMatches(d: Distribution, n = 200_000) {
  const u = new RandomStreams(42).stream(`test.${d.kind}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d.sample(u);
  const standardError = Math.sqrt(d.variance / n);
  expect(Math.abs(sum / n - d.mean)).toBeLessThanOrEqual(5 * standardError + 1e-12);
}

describe('distributions know their exact mean', () => {
  it('constant', () => {
    const d = new Constant(1_000_000);
    expect(d.mean).toBe(1_000_000);
    expect(d.sample()).toBe(1_000_000);
  });

  it('uniform', () => {
    const d = new UniformBetween(100, 300);
    expect(d.mean).toBe(200);
    expectMeanMatches(d);
  });

  it('exponential', () => {
    const d = new Exponential(5000);
    expect(d.variance).toBe(25_000_000);
    expectMeanMatches(d);
  });

  it('lognormal (mean = median * e^(sigma^2 / 2))', () => {
    const d = new LogNormal(1000, 0.5);
    expect(d.mean).toBeCloseTo(1000 * Math.exp(0.125), 9);
    expectMeanMatches(d);
  });

  it('samples are never negative for durations', () => {
    const u = new RandomStreams(1).stream('x');
    for (const d of [new Exponential(10), new LogNormal(10, 2), new UniformBetween(0, 1)]) {
      for (let i = 0; i < 10_000; i++) expect(d.sample(u)).toBeGreaterThanOrEqual(0);
    }
  });
});
