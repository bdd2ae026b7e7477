// The spread rows of docs/validation.md: hey's Slowest - Fastest of a wave, real and
// simulated, and each end of it apart, to show which end an error is in.
import { withSign } from '../format.js';
import type { Side, Spread, ValidationRow } from './validation.js';

/**
 * Slowest - Fastest, real and simulated, for the rows that ask for it; then each end of it
 * (hey's Slowest and Fastest, medians), to show which of them the error is in.
 */
export function spreadTable(rows: readonly ValidationRow[]): string {
  const lines = [
    '| configuration | real Slowest - Fastest, median (range) | simulated | error | Slowest, real / simulated | Fastest, real / simulated |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const s = (x: Spread) => `${x.median.toFixed(3)} s (${x.min.toFixed(3)}-${x.max.toFixed(3)})`;
    const end = (real: Spread, sim: Spread) =>
      `${real.median.toFixed(3)} / ${sim.median.toFixed(3)} s (${withSign(100 * ((sim.median - real.median) / real.median), 1)} %)`;
    lines.push(
      `| ${r.config.label} | ${s(r.real.spread)} | ${s(r.simulated.spread)} | ${withSign(100 * spreadError(r), 0)} % | ${end(r.real.slowest, r.simulated.slowest)} | ${end(r.real.fastest, r.simulated.fastest)} |`,
    );
  }
  return lines.join('\n');
}

/** (simulated - real) / real, of the medians of Slowest - Fastest. */
export function spreadError(row: ValidationRow): number {
  return (row.simulated.spread.median - row.real.spread.median) / row.real.spread.median;
}

/** Within 25 % of the real Slowest - Fastest (issue 15's target for the spread). */
export const SPREAD_TOLERANCE = 0.25;

/** One line on the spread rows: how many within the target, and which end of the spread the error is in. */
export function spreadSummary(rows: readonly ValidationRow[]): string {
  const within = rows.filter((r) => Math.abs(spreadError(r)) <= SPREAD_TOLERANCE).length;
  const error = (r: ValidationRow, pick: (side: Side) => Spread) => (pick(r.simulated).median - pick(r.real).median) / pick(r.real).median;
  const slowest = rows.map((r) => error(r, (x) => x.slowest));
  const fastest = rows.map((r) => error(r, (x) => x.fastest));
  const pct = (x: number) => `${withSign(100 * x, 1)} %`;
  return (
    `Within ${100 * SPREAD_TOLERANCE} %: ${within} of ${rows.length} rows. Each end apart (medians): Slowest within 5 % of the real one on ` +
    `${slowest.filter((x) => Math.abs(x) <= 0.05).length} of ${rows.length} rows (${pct(Math.min(...slowest))} to ${pct(Math.max(...slowest))}); ` +
    `the model's Fastest later than the real one on ${fastest.filter((x) => x > 0).length} of ${rows.length} (${pct(Math.min(...fastest))} to ${pct(Math.max(...fastest))}).`
  );
}
