// Figures checked against printed tables: Student's t (any statistics textbook's table)
// and Erlang B/C (closed forms for small c, and the usual telephony tables).
import { describe, expect, it } from 'vitest';
import { estimate, within } from '../../../src/analysis/math/confidence.js';
import { erlangB, erlangC, mmc, mmcc } from '../../../src/analysis/theory/erlang.js';
import { replicationSeed, replicationSeeds } from '../../../src/analysis/sweep/seeds.js';
import { studentTCdf, studentTQuantile } from '../../../src/analysis/math/studentT.js';

describe("Student's t", () => {
  it('has the two-sided 95 % quantiles of the tables', () => {
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [4, 2.776],
      [9, 2.262],
      [29, 2.045],
      [120, 1.98],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3);
  });

  it('is symmetric and its quantile inverts its CDF', () => {
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTQuantile(0.1, 7)).toBeCloseTo(-studentTQuantile(0.9, 7), 10);
    expect(studentTCdf(studentTQuantile(0.99, 3), 3)).toBeCloseTo(0.99, 10);
  });
});

describe('the confidence interval of a mean', () => {
  it('is mean ± t(0.975, n-1) s / sqrt(n)', () => {
    // mean 3, sample sd sqrt(2.5), n = 5: half-width 2.776 * 1.5811 / 2.2361 = 1.963
    const e = estimate([1, 2, 3, 4, 5]);
    expect(e.mean).toBe(3);
    expect(e.ci95![0]).toBeCloseTo(3 - 1.9632, 3);
    expect(e.ci95![1]).toBeCloseTo(3 + 1.9632, 3);
    expect(within(4.9, e)).toBe(true);
    expect(within(5, e)).toBe(false);
  });

  it('comes with the lowest and highest run, where single runs fell', () => {
    expect(estimate([4, 1, 5, 2, 3]).range).toEqual([1, 5]);
    expect(estimate([2, 2]).range).toEqual([2, 2]);
  });

  it('does not exist for one run', () => {
    expect(estimate([7])).toEqual({ mean: 7 });
    expect(within(7, estimate([7]))).toBeUndefined();
  });
});

describe('Erlang', () => {
  it('B matches its closed forms and the tables', () => {
    expect(erlangB(1, 0.5)).toBeCloseTo(0.5 / 1.5, 12); // a / (1 + a)
    expect(erlangB(2, 1)).toBeCloseTo(0.5 / 2.5, 12); // (a²/2) / (1 + a + a²/2)
    expect(erlangB(10, 5)).toBeCloseTo(0.01838, 5);
    expect(erlangB(10, 10)).toBeCloseTo(0.2146, 4);
  });

  it('C matches its closed form for two servers', () => {
    // c = 2: P(wait) = a² / (2 + a), 1/3 at a = 1
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12); // M/M/1: P(wait) = rho
  });

  it('M/M/1 reduces to the textbook formulas', () => {
    // λ = 7, μ = 10: Wq = ρ / (μ - λ) = 0.7 / 3, W = 1 / (μ - λ)
    const p = mmc(7, 10, 1)!;
    expect(p.wq).toBeCloseTo(0.7 / 3, 12);
    expect(p.w).toBeCloseTo(1 / 3, 12);
    expect(mmc(10, 10, 1)).toBeUndefined();
  });

  it('M/M/c/c carries what it does not block', () => {
    const p = mmcc(200, 20, 10);
    expect(p.carried).toBeCloseTo(200 * (1 - erlangB(10, 10)), 9);
  });
});

describe('replication seeds', () => {
  it('start at the base seed and depend on nothing but (base, r)', () => {
    expect(replicationSeeds(42, 3)[0]).toBe(42);
    expect(replicationSeeds(42, 3)).toEqual(replicationSeeds(42, 3));
    expect(new Set(replicationSeeds(42, 50)).size).toBe(50);
    // Neighbouring bases do not share seeds: base 1's replication 1 is not base 2.
    expect(replicationSeed(1, 1)).not.toBe(2);
    expect(replicationSeeds(1, 20).filter((s) => replicationSeeds(2, 20).includes(s))).toEqual([]);
  });
});
