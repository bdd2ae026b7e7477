// What a row of the validation page must meet, and the median and range both of its sides
// are given as: the pieces the page's tables (validation.ts, kindTable.ts) share.
import { POINTS_500_TOLERANCE, RPS_TOLERANCE } from './tolerances.js';
import type { Spread, ValidationRow } from './validation.js';

export { POINTS_500_TOLERANCE, RPS_TOLERANCE };

export function spreadOf(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0], max: s[n - 1] };
}

export function withinTargets(row: ValidationRow): boolean {
  return Math.abs(row.rpsError) <= RPS_TOLERANCE && Math.abs(row.points500) <= POINTS_500_TOLERANCE;
}

/** Whether the seeds' range of the 500 fraction and of Requests/sec overlap the real runs' (for storms). */
export function rangesOverlap(row: ValidationRow): boolean {
  const overlap = (a: Spread, b: Spread) => a.min <= b.max && b.min <= a.max;
  return overlap(row.real.requestsPerSec, row.simulated.requestsPerSec) && overlap(row.real.fraction500, row.simulated.fraction500);
}
