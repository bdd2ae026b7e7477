// Mean and confidence interval across replications: the replications are independent
// runs (different seeds), so the t interval of their mean is the honest one; a figure
// from one run has no interval.
import { studentTQuantile } from './studentT.js';

export const CONFIDENCE_LEVEL = 0.95;

export interface Estimate {
  mean: number;
  /** [low, high] of the 95 % interval; absent with fewer than two replications. */
  ci95?: [number, number];
  /**
   * The lowest and highest replication: where single runs fell, which the interval of the
   * mean does not say (with machine.speedVariation, runs minutes apart). Absent with
   * fewer than two replications.
   */
  range?: [number, number];
}

export function estimate(samples: readonly number[]): Estimate {
  const n = samples.length;
  if (n === 0) throw new RangeError('estimate: no samples');
  let sum = 0;
  for (const x of samples) sum += x;
  const mean = sum / n;
  if (n < 2) return { mean };
  let squares = 0;
  let min = samples[0];
  let max = samples[0];
  for (const x of samples) {
    squares += (x - mean) ** 2;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const standardError = Math.sqrt(squares / (n - 1) / n);
  const half = studentTQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2, n - 1) * standardError;
  return { mean, ci95: [mean - half, mean + half], range: [min, max] };
}

/** Whether `value` lies within the estimate's interval (undefined without one). */
export function within(value: number, e: Estimate): boolean | undefined {
  if (e.ci95 === undefined) return undefined;
  return value >= e.ci95[0] && value <= e.ci95[1];
}
