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
    expect(r.evaluations).toBeLessThanOrEqual(12);
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
