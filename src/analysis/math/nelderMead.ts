// Nelder–Mead downhill simplex (Nelder & Mead 1965, with the standard coefficients:
// reflection 1, expansion 2, contraction 1/2, shrink 1/2). It needs no derivatives,
// which suits an objective computed by a discrete-event simulation: piecewise constant
// at the microsecond scale, but smooth enough at the scale of the simplex. Deterministic:
// same start, same steps.
//
// A simplex of n + 1 points in n dimensions is moved by replacing its worst point with a
// reflection through the centroid of the others (stretched further when that helps,
// pulled back when it does not), and shrunk toward the best point when nothing helps.
// It stops when the objective values of the simplex differ by less than `fTolerance`
// and its points by less than `xTolerance`, or before a step would take it past
// `maxEvaluations`, which counts the n + 1 evaluations of the starting simplex too (it
// must be at least n + 1): a step's evaluations (a shrink's n) went past it before.

export interface NelderMeadOptions {
  /** Initial step along each axis (the simplex's size). */
  step: number[];
  fTolerance?: number;
  xTolerance?: number;
  maxEvaluations?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
  /** true when it stopped on the tolerances, false when it ran out of evaluations. */
  converged: boolean;
}

export function nelderMead(f: (x: number[]) => number, start: number[], options: NelderMeadOptions): NelderMeadResult {
  const n = start.length;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-6;
  const maxEvaluations = options.maxEvaluations ?? 200 * n;
  if (!(maxEvaluations >= n + 1))
    throw new RangeError(`nelderMead: maxEvaluations ${maxEvaluations} is less than the ${n + 1} of the starting simplex`);
  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };

  let simplex: { x: number[]; v: number }[] = [{ x: start.slice(), v: evaluate(start) }];
  for (let i = 0; i < n; i++) {
    const x = start.slice();
    x[i] += options.step[i];
    simplex.push({ x, v: evaluate(x) });
  }

  for (;;) {
    // Stable sort: among equal values the older point stays first (determinism).
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0];
    const worst = simplex[n];
    const fSpread = worst.v - best.v;
    const xSpread = Math.max(...simplex.slice(1).map((p) => Math.max(...p.x.map((xi, i) => Math.abs(xi - best.x[i])))));
    if (fSpread <= fTol && xSpread <= xTol) return { x: best.x, value: best.v, evaluations, converged: true };
    if (evaluations >= maxEvaluations) return { x: best.x, value: best.v, evaluations, converged: false };

    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i] += simplex[j].x[i] / n;
    const toward = (t: number) => centroid.map((c, i) => c + t * (worst.x[i] - c));

    const reflected = toward(-1);
    const vr = evaluate(reflected);
    // No evaluation left after a step: the loop's top returns the best point.
    const spent = () => evaluations >= maxEvaluations;
    if (vr < best.v) {
      if (spent()) {
        simplex[n] = { x: reflected, v: vr };
        continue;
      }
      const expanded = toward(-2);
      const ve = evaluate(expanded);
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
      continue;
    }
    if (vr < simplex[n - 1].v) {
      simplex[n] = { x: reflected, v: vr };
      continue;
    }
    // (The reflection is no better than the best point, which is what is returned.)
    if (spent()) continue;
    // Contract: outside when the reflection beat the worst point, inside otherwise.
    const outside = vr < worst.v;
    const contracted = toward(outside ? -0.5 : 0.5);
    const vc = evaluate(contracted);
    if (vc < (outside ? vr : worst.v)) {
      simplex[n] = { x: contracted, v: vc };
      continue;
    }
    // A shrink evaluates the n points other than the best.
    if (maxEvaluations - evaluations < n) return { x: best.x, value: best.v, evaluations, converged: false };
    simplex = simplex.map((p, j) => {
      if (j === 0) return p;
      const x = p.x.map((xi, i) => best.x[i] + 0.5 * (xi - best.x[i]));
      return { x, v: evaluate(x) };
    });
  }
}
