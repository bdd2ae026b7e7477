#!/usr/bin/env node
// What measuring buys (src/analysis/calibration/shippedCosts.ts): the kit's rows of every
// series that measured its own machine (scram-sha-256) priced three ways, everything else
// as the series ran it: with its own costs; with the defaults as a machine the kit never
// saw gets them, for every machine cost the median over the other series (leave one
// series out: its own costs play no part); and with the first series' costs
// (calibration/measured-linux-2core.json, the defaults until 2026-12-06), one machine's in
// place of the middle of them. Prints how many rows are within the targets each way and the
// error on Requests/sec, by kind of stack, in all and by series. Ten seeds a row. Node only
// (npm run build first).
//
//   node calibration/defaults_transfer.mjs     (results/defaults-transfer.txt)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { othersMedians, ownSeriesCosts, runShippedTransfer } from '../dist/analysis/calibration/shippedCosts.js';
import { spreadOf, withinTargets } from '../dist/analysis/calibration/validation.js';
import { withSign } from '../dist/analysis/format.js';
import { STACK_KINDS } from '../dist/report/stackKind.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLAN = 'calibration/validation.json';
const FIRST = 'calibration/measured-linux-2core.json';
const plan = JSON.parse(readFileSync(join(root, PLAN), 'utf8'));
const raws = ownSeriesCosts(root, PLAN);
// Every series priced, those held out of the defaults' medians too (priced with the defaults themselves).
const ownCosts = (f) => JSON.parse(readFileSync(join(root, f), 'utf8'));

const pricings = [
  runShippedTransfer(root, PLAN, 'calibration/results', ownCosts),
  runShippedTransfer(root, PLAN, 'calibration/results', othersMedians(raws)),
  runShippedTransfer(root, PLAN, 'calibration/results', () => raws.get(FIRST)),
];
const [own] = pricings;
const files = own.indices.map((i) => plan.configurations[i].scenario ?? plan.scenario);
const series = [...new Set(files)];
const heldOut = series.filter((f) => !raws.has(f));

const pct = (x) => `${withSign(100 * x, 0)} %`;
const line = (label, at) => {
  const figures = pricings.map((p) => at.map((i) => p.rows[i]));
  const median = (f, show = pct) => figures.map((rows) => show(spreadOf(rows.map(f)).median)).join(' / ');
  return `${label} | ${at.length} | ${figures.map((rows) => rows.filter(withinTargets).length).join(' | ')} | ${median((r) => r.rpsError)} | ${median(
    (r) => Math.abs(r.rpsError),
    (x) => `${(100 * x).toFixed(0)} %`,
  )}`;
};
console.log(
  `The kit's rows of the ${series.length} series that measured their own machine (scram-sha-256), priced with its own costs, with the defaults as a machine the kit never saw gets them (the other series' medians${heldOut.length === 0 ? '' : `; the defaults themselves for ${heldOut.join(', ')}, held out of them`}) and with the first series' (${FIRST}); ten seeds a row`,
);
const columns =
  "within the targets: own costs | the others' medians | the first series' | the error on Requests/sec, median: own / medians / first | its size, median: own / medians / first";
console.log(`kind of stack | rows | ${columns}`);
const all = own.rows.map((_, i) => i);
for (const [kind, label] of [...Object.entries(STACK_KINDS), [undefined, 'other']]) {
  const at = all.filter((i) => own.rows[i].kind === kind);
  if (at.length > 0) console.log(line(label, at));
}
console.log(line('in all', all));
console.log(`by series: scenario | rows | ${columns}`);
for (const f of series)
  console.log(
    line(
      f,
      all.filter((i) => files[i] === f),
    ),
  );
