#!/usr/bin/env node
// Shipping the middle of the kit's machines instead of its first: every series that measured
// its own machine (as defaults_transfer.mjs) priced three ways: with its own costs, with
// the costs this project ships (the first series'), and with, for every machine cost, the
// median over the other series (leave one series out: its own costs play no part; where a
// cost is a distribution, the other series' distribution whose mean is the median). Prints
// how many rows are within the targets each way, by kind of stack and in all. A measure of
// a policy for the defaults, not a change of them. Node only (npm run build first).
//
//   node calibration/median_costs.mjs     (results/median-costs.txt)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONNECT_COSTS, MACHINE_COSTS, ownSeries, runShippedTransfer } from '../dist/analysis/calibration/shippedCosts.js';
import { withinTargets } from '../dist/analysis/calibration/validation.js';
import { meanSeconds as meanOf } from '../dist/scenario/durations.js';
import { STACK_KINDS } from '../dist/report/stackKind.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLAN = 'calibration/validation.json';
const plan = JSON.parse(readFileSync(join(root, PLAN), 'utf8'));
const series = ownSeries(root, plan);
const raws = new Map(series.map((f) => [f, JSON.parse(readFileSync(join(root, f), 'utf8'))]));
const connectOf = (raw) => (raw.app?.steps ?? []).find((s) => s.kind === 'dbConnect') ?? {};

/** Of the values given, the one whose mean is the median (the lower one of an even count). */
function medianValue(values) {
  const sorted = [...values].sort((a, b) => meanOf(a) - meanOf(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** For every machine cost, the median over every series but `excluded` (absent where none has it). */
function medianCosts(excluded) {
  const others = series.filter((f) => f !== excluded).map((f) => raws.get(f));
  const out = { app: { steps: [{ kind: 'dbConnect' }] } };
  for (const [section, keys] of Object.entries(MACHINE_COSTS)) {
    out[section] = {};
    for (const k of keys) {
      const values = others.flatMap((r) => (r[section]?.[k] === undefined ? [] : [r[section][k]]));
      if (values.length > 0) out[section][k] = medianValue(values);
    }
  }
  for (const k of CONNECT_COSTS) {
    const values = others.flatMap((r) => (connectOf(r)[k] === undefined ? [] : [connectOf(r)[k]]));
    if (values.length > 0) out.app.steps[0][k] = medianValue(values);
  }
  return out;
}

const own = runShippedTransfer(root, PLAN, 'calibration/results', (f) => raws.get(f));
const shipped = runShippedTransfer(root, PLAN, 'calibration/results');
const middle = runShippedTransfer(root, PLAN, 'calibration/results', medianCosts);
const kinds = own.rows.map((r) => r.kind);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const signed = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)} %`;
const line = (label, at) => {
  const figures = [own, shipped, middle].map((t) => at.map((i) => t.rows[i]));
  return `${label} | ${at.length} | ${figures.map((rows) => rows.filter(withinTargets).length).join(' | ')} | ${figures
    .map((rows) => signed(median(rows.map((r) => r.rpsError))))
    .join(' / ')}`;
};
console.log(
  `The kit's rows of the ${series.length} series that measured their own machine (scram-sha-256), priced with its own costs, with the shipped ones (calibration/measured-linux-2core.json) and with the other series' medians; ten seeds a row`,
);
console.log(
  "kind of stack | rows | within the targets: own costs | shipped | the others' medians | the error on Requests/sec, median: own / shipped / medians",
);
const all = own.rows.map((_, i) => i);
for (const [kind, label] of [...Object.entries(STACK_KINDS), [undefined, 'other']]) {
  const at = all.filter((i) => kinds[i] === kind);
  if (at.length > 0) console.log(line(label, at));
}
console.log(line('in all', all));
console.log('by series: scenario | rows | within: own | shipped | medians | the error: own / shipped / medians');
const files = own.indices.map((i) => plan.configurations[i].scenario);
for (const f of series)
  console.log(
    line(
      f,
      all.filter((i) => files[i] === f),
    ),
  );
