// The spread rows of docs/validation.md: Slowest - Fastest, and each end of it apart.
import { describe, expect, it } from 'vitest';
import { spreadError, spreadSummary, spreadTable } from '../../../src/analysis/calibration/spreadTable.js';
import { type Side, type ValidationRow, spreadOf } from '../../../src/analysis/calibration/validation.js';

const side = (ends: [number, number][]): Side => ({
  runs: ends.length,
  requestsPerSec: spreadOf(ends.map(() => 1)),
  fraction500: spreadOf(ends.map(() => 0)),
  spread: spreadOf(ends.map(([fastest, slowest]) => slowest - fastest)),
  slowest: spreadOf(ends.map(([, slowest]) => slowest)),
  fastest: spreadOf(ends.map(([fastest]) => fastest)),
  p95: undefined,
  p99: undefined,
});

const row = (label: string, real: [number, number][], simulated: [number, number][]): ValidationRow => ({
  config: { name: [label], label, set: [], spread: true },
  real: side(real),
  simulated: side(simulated),
  rpsError: 0,
  kind: undefined,
  points500: 0,
  p95Error: undefined,
  p99Error: undefined,
});

// A wave whose last response the model has right and whose first it has late, and one it has right.
const late = row(
  'late',
  [
    [1.1, 1.25],
    [1.2, 1.26],
    [1.15, 1.24],
  ],
  [
    [1.22, 1.25],
    [1.23, 1.25],
    [1.21, 1.24],
  ],
);
const right = row(
  'right',
  [
    [1.1, 1.3],
    [1.1, 1.3],
  ],
  [
    [1.1, 1.3],
    [1.09, 1.31],
  ],
);

describe("the spread's table", () => {
  it('gives Slowest - Fastest, its error, and each end with its own error', () => {
    // Medians: the real spreads 0.15, 0.06 and 0.09 give 0.09; the simulated 0.03, 0.02 and 0.03 give 0.03.
    expect(spreadError(late)).toBeCloseTo((0.03 - 0.09) / 0.09, 12);
    const lines = spreadTable([late, right]).split('\n');
    expect(lines[0]).toBe(
      '| configuration | real Slowest - Fastest, median (range) | simulated | error | Slowest, real / simulated | Fastest, real / simulated |',
    );
    expect(lines[2]).toBe(
      '| late | 0.090 s (0.060-0.150) | 0.030 s (0.020-0.030) | -67 % | 1.250 / 1.250 s (+0.0 %) | 1.150 / 1.220 s (+6.1 %) |',
    );
  });

  it('says how many rows are within 25 %, and which end the error is in', () => {
    expect(spreadSummary([late, right])).toBe(
      "Within 25 %: 1 of 2 rows. Each end apart (medians): Slowest within 5 % of the real one on 2 of 2 rows (+0.0 % to +0.4 %); the model's Fastest later than the real one on 1 of 2 (-0.5 % to +6.1 %).",
    );
  });
});
