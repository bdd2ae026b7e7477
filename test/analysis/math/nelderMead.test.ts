import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../../src/analysis/math/nelderMead.js';

describe('nelderMead', () => {
  it("finds Rosenbrock's minimum (1, 1) from the classic start (-1.2, 1)", () => {
    const rosenbrock = ([x, y]: number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    const r = nelderMead(rosenbrock, [-1.2, 1], { step: [0.5, 0.5], maxEvaluations: 2000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });

  it('finds the centre of a skewed bowl in three dimensions', () => {
    const bowl = ([a, b, c]: number[]) => (a - 3) ** 2 + 10 * (b + 2) ** 2 + 0.1 * (c - 0.5) ** 2;
    const r = nelderMead(bowl, [0, 0, 0], { step: [1, 1, 1], maxEvaluations: 3000, xTolerance: 1e-7 });
    expect(r.x.map((v) => Number(v.toFixed(4)))).toEqual([3, -2, 0.5]);
  });

  it('says when it ran out of evaluations instead of converging', () => {
    const r = nelderMead(([x]) => (x - 100) ** 2, [0], { step: [1], maxEvaluations: 10 });
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBeLessThanOrEqual(10);
  });

  // Hardening 2: a step's evaluations (a shrink's n) went past maxEvaluations, and the
  // starting simplex's n + 1 were spent whatever it said.
  it('never spends more than maxEvaluations, whatever the step it stops at', () => {
    for (let n = 1; n <= 6; n++) {
      // A bowl seen through a staircase: flat stretches make it contract and shrink often.
      const f = (x: number[]) => x.reduce((s, v, i) => s + (i + 1) * Math.floor(Math.abs(v - i) * 4) ** 2, 0);
      const start = Array.from({ length: n }, () => 3);
      for (let max = n + 1; max <= n + 40; max++) {
        const r = nelderMead(f, start, { step: start.map(() => 1), maxEvaluations: max });
        expect(r.evaluations).toBeLessThanOrEqual(max);
        expect(f(r.x)).toBe(r.value);
      }
    }
  });

  it('refuses a budget smaller than its starting simplex', () => {
    expect(() => nelderMead(([x, y]) => x + y, [0, 0], { step: [1, 1], maxEvaluations: 2 })).toThrow(RangeError);
    expect(nelderMead(([x, y]) => x + y, [0, 0], { step: [1, 1], maxEvaluations: 3 }).evaluations).toBe(3);
  });

  it('treats NaN as worse than anything, so it walks away from it', () => {
    const r = nelderMead(([x]) => (x < 0 ? NaN : (x - 2) ** 2), [1], { step: [-2] });
    expect(r.x[0]).toBeCloseTo(2, 4);
  });

  it('takes the same steps every time (deterministic)', () => {
    const f = ([x, y]: number[]) => Math.abs(x - 1) + Math.abs(y + 1) + Math.floor(x * 10) / 100;
    const a = nelderMead(f, [5, 5], { step: [1, 1] });
    const b = nelderMead(f, [5, 5], { step: [1, 1] });
    expect(a).toEqual(b);
  });
});
