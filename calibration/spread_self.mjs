#!/usr/bin/env node
// The spread target (Slowest - Fastest within 25 % of the measured median) put to the real
// runs themselves: how often one block of a series' alternated -c 50 / -c 100 rounds,
// taken as the prediction, meets it against the next block of the same series, the same
// machine, stack and inputs, minutes later. A model could do no better than this on
// average unless it knew which way the next block would fall; it says how far the target
// can be met at all with the rounds the kit runs. Reads saved hey outputs only; Node only
// (npm run build first).
//
//   node calibration/spread_self.mjs     (results/spread-self.txt)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeyRun } from '../dist/analysis/calibration/heyRun.js';
import { spreadOf } from '../dist/analysis/calibration/targets.js';

const here = dirname(fileURLToPath(import.meta.url));
const results = join(here, 'results');
const TARGET = 0.25;

const median = (xs) => spreadOf(xs).median;

/** Each series' rounds, by name (a1206b-spread-c50): Slowest - Fastest of round 1, 2, ... */
const rounds = new Map();
for (const f of readdirSync(results)) {
  const m = f.match(/^(.*spread-c(?:50|100))\.r(\d+)\.txt$/);
  if (m === null) continue;
  const { slowest, fastest } = parseHeyRun(readFileSync(join(results, f), 'utf8'), f).report.summary;
  if (!rounds.has(m[1])) rounds.set(m[1], []);
  rounds.get(m[1])[Number(m[2]) - 1] = (slowest ?? 0) - (fastest ?? 0);
}

const lines = [];
const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)} %`;
const s3 = (x) => x.toFixed(3);
/** One comparison: the earlier block's median as the prediction, the later one's as the measurement. */
function compare(label, earlier, later, tally) {
  const predicted = median(earlier);
  const measured = median(later);
  const error = predicted / measured - 1;
  tally.n++;
  if (Math.abs(error) <= TARGET) tally.within++;
  lines.push(`${label.padEnd(44)} ${s3(predicted)} s against ${s3(measured)} s: ${pct(error)}`);
}

// Rounds alternate -c 50 and -c 100 in time order, so a series' first half ran before its second.
lines.push('Halves: each series of ten rounds, its first five against its last five');
const halves = { n: 0, within: 0 };
for (const [name, xs] of [...rounds].sort(([a], [b]) => a.localeCompare(b))) {
  if (xs.length !== 10 || xs.some((x) => x === undefined)) continue;
  compare(name, xs.slice(0, 5), xs.slice(5), halves);
}
lines.push(`within ${100 * TARGET} %: ${halves.within} of ${halves.n}`, '');

// Blocks of ten run one after another against the same prediction (validation.json's labels:
// a1206b, then "ten more rounds" a1206c and "a third block" a1206d, the same inputs), and the
// halves of the twenty-round series.
lines.push('Ten rounds against the next ten, the same machine and inputs');
const blocks = { n: 0, within: 0 };
const chained = [
  ['a1206b', 'a1206c'],
  ['a1206c', 'a1206d'],
];
for (const c of ['50', '100']) {
  for (const [a, b] of chained) {
    const earlier = rounds.get(`${a}-spread-c${c}`);
    const later = rounds.get(`${b}-spread-c${c}`);
    if (earlier !== undefined && later !== undefined) compare(`${a} then ${b}, -c ${c}`, earlier, later, blocks);
  }
  for (const [name, xs] of rounds) {
    if (name.endsWith(`-c${c}`) && xs.length === 20) compare(`${name}, rounds 1-10 then 11-20`, xs.slice(0, 10), xs.slice(10), blocks);
  }
}
lines.push(`within ${100 * TARGET} %: ${blocks.within} of ${blocks.n}`, '');

lines.push('A single round against another: how far one run of the same configuration moves');
for (const c of ['50', '100']) {
  const all = [...rounds].filter(([name]) => name.endsWith(`-c${c}`)).flatMap(([, xs]) => xs.filter((x) => x !== undefined));
  const s = [...all].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  lines.push(
    `-c ${c}: ${all.length} rounds over every series; 10th percentile ${s3(q(0.1))} s, median ${s3(median(all))} s, 90th ${s3(q(0.9))} s`,
  );
}

const out = join(results, 'spread-self.txt');
writeFileSync(out, `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
