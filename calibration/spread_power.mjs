#!/usr/bin/env node
// How far the spread target (Slowest - Fastest within 25 % of the real median) can be
// decided from the kit's runs. The real spread varies by a factor of two to six between
// runs of one configuration, and a row has three or five of them, so the real median is
// itself uncertain. For each spread row of calibration/validation.json this resamples the
// row's own runs (the bootstrap: draws with replacement from the runs as they are):
// - the range in which 90 % of the resampled medians of as many runs fall, beside the
//   median;
// - how often a perfect model, one whose seeds are drawn from the real runs' own
//   distribution, has the median of its 10 seeds within 25 % of the median of the row's
//   runs, both drawn afresh each time; and the sum of that over the rows, the count of
//   rows such a model is expected to bring within the target.
// Node only (npm run build first); deterministic (a fixed seed).
//
//   node calibration/spread_power.mjs     (saved as calibration/results/spread-power.txt)
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { parseHeyRun } from '../dist/analysis/calibration/heyRun.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const files = readdirSync(join(root, 'calibration/results'));
const TOLERANCE = 0.25;
const TRIALS = 20_000;
const random = seedrandom.alea('spread-power');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const draw = (xs, k) => Array.from({ length: k }, () => xs[Math.floor(random() * xs.length)]);
const literal = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function spreads(names) {
  return files
    .filter((f) => names.some((n) => new RegExp(`^${literal(n)}\\.r\\d+\\.txt$`).test(f)))
    .sort()
    .map((f) => {
      const s = parseHeyRun(readFileSync(join(root, 'calibration/results', f), 'utf8'), f).report.summary;
      return (s.slowest ?? 0) - (s.fastest ?? 0);
    });
}

const seeds = plan.spreadSeeds ?? plan.seeds;
const lines = [
  `Spread rows of calibration/validation.json: the real Slowest - Fastest, its runs, and what ${TRIALS} resamplings of them give (seeds of a perfect model: ${seeds})`,
  '',
];
let expected = 0;
// Rows that share their runs (the same series priced two ways) count once in the chance of all.
const chanceByRuns = new Map();
for (const config of plan.configurations.filter((c) => c.spread)) {
  const names = Array.isArray(config.name) ? config.name : [config.name];
  const v = spreads(names);
  const m = median(v);
  const medians = Array.from({ length: TRIALS }, () => median(draw(v, v.length))).sort((a, b) => a - b);
  const lo = medians[Math.floor(0.05 * TRIALS)];
  const hi = medians[Math.floor(0.95 * TRIALS)];
  let within = 0;
  for (let i = 0; i < TRIALS; i++) {
    const real = median(draw(v, v.length));
    const model = median(draw(v, seeds));
    if (Math.abs(model / real - 1) <= TOLERANCE) within++;
  }
  const p = within / TRIALS;
  expected += p;
  chanceByRuns.set(v.join(' '), p);
  const pct = (x) => `${x >= 0 ? '+' : ''}${Math.round(100 * x)} %`;
  lines.push(
    `${config.label}`,
    `  runs (${v.length}): ${v.map((x) => x.toFixed(3)).join(' ')} s; median ${m.toFixed(3)} s, 90 % of resampled medians ${lo.toFixed(3)}-${hi.toFixed(3)} s (${pct(lo / m - 1)}, ${pct(hi / m - 1)}); a perfect model within ${Math.round(100 * TOLERANCE)} %: ${p.toFixed(2)}`,
  );
}
const all = [...chanceByRuns.values()].reduce((a, b) => a * b, 1);
lines.push(
  '',
  `Rows a perfect model is expected to bring within the target: ${expected.toFixed(1)} of ${plan.configurations.filter((c) => c.spread).length}`,
  `The chance that it brings every row within (each distinct set of runs once, as if independent): ${all.toExponential(1)}`,
);
console.log(lines.join('\n'));
