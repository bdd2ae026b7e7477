#!/usr/bin/env node
// The table of docs/validation.md again with settings added to every row that runs on
// per-core run queues (with --all: to every row): how a mechanism that is not the default
// would fare against the kit's runs. Prints how many rows are within the targets either
// way, the rows that move in or out, the storms whose ranges overlap the real runs', the
// spread rows, and the table by kind of stack either way (with the error on the p95 and
// p99 latency). Node only (npm run build first).
//
//   node calibration/validate_with.mjs machine.timeSlices=eevdf
//   node calibration/validate_with.mjs --all machine.speedVariation=0.116
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kindTable } from '../dist/analysis/calibration/kindTable.js';
import { rangesOverlap, runValidation, withinTargets as within } from '../dist/analysis/calibration/validation.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const all = process.argv.includes('--all');
const extra = process.argv.slice(2).filter((x) => x !== '--all');
if (extra.length === 0 || extra.some((x) => !x.includes('='))) {
  console.error('usage: node calibration/validate_with.mjs path=value [path=value ...]');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const perCore = (config) => {
  const file = config.scenario ?? plan.scenario;
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
  const set = config.set.find((x) => x.startsWith('machine.runQueues='));
  return (set !== undefined ? set.split('=')[1] : raw.machine?.runQueues) === 'per-core';
};
const changed = { ...plan, configurations: plan.configurations.map((c) => (all || perCore(c) ? { ...c, set: [...c.set, ...extra] } : c)) };
const tmp = 'calibration/.validate-with.json';
writeFileSync(join(root, tmp), JSON.stringify(changed));
let base;
let trial;
try {
  base = runValidation(root, 'calibration/validation.json', 'calibration/results');
  trial = runValidation(root, tmp, 'calibration/results');
} finally {
  rmSync(join(root, tmp), { force: true });
}

const label = (r) => (Array.isArray(r.config.label) ? r.config.label.join(' ') : r.config.label);
const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const pts = (r) => `${r.points500.toFixed(1)} points of 500s`;
console.log(
  `with ${extra.join(' ')} on the ${changed.configurations.filter((c, i) => c !== plan.configurations[i]).length} ${all ? '' : 'per-core '}rows:`,
);
console.log(`within the targets: ${base.filter(within).length} of ${base.length} by default, ${trial.filter(within).length} with it`);
for (let i = 0; i < base.length; i++) {
  const [b, t] = [base[i], trial[i]];
  if (within(b) === within(t)) continue;
  console.log(`${within(t) ? 'in ' : 'out'} ${label(b)}: ${pct(b.rpsError)}, ${pts(b)} -> ${pct(t.rpsError)}, ${pts(t)}`);
}
const storms = base.map((b, i) => [b, trial[i]]).filter(([b]) => b.config.storm);
console.log(
  `storms whose seeds' ranges overlap the real runs': ${storms.filter(([b]) => rangesOverlap(b)).length} of ${storms.length} by default, ${storms.filter(([, t]) => rangesOverlap(t)).length} with it`,
);
for (const [b, t] of storms) {
  if (rangesOverlap(b) !== rangesOverlap(t)) console.log(`  ${rangesOverlap(t) ? 'now overlaps' : 'no longer overlaps'}: ${label(b)}`);
}
const spreads = base.map((b, i) => [b, trial[i]]).filter(([b]) => b.config.spread);
if (spreads.length > 0) console.log('spread (Slowest - Fastest), real / default / with it:');
const near = (sim, real) => Math.abs(sim - real) <= 0.25 * real;
console.log(
  `  within 25 %: ${spreads.filter(([b]) => near(b.simulated.spread.median, b.real.spread.median)).length} of ${spreads.length} by default, ${spreads.filter(([b, t]) => near(t.simulated.spread.median, b.real.spread.median)).length} with it`,
);
for (const [b, t] of spreads)
  console.log(
    `  ${label(b)}: ${b.real.spread.median.toFixed(3)} / ${b.simulated.spread.median.toFixed(3)} / ${t.simulated.spread.median.toFixed(3)} s`,
  );
console.log('\nBy kind of stack, by default:\n');
console.log(kindTable(base));
console.log(`\nBy kind of stack, with ${extra.join(' ')}:\n`);
console.log(kindTable(trial));
