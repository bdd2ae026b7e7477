#!/usr/bin/env node
// What measuring buys (src/analysis/calibration/shippedCosts.ts): the kit's rows of every
// series that measured its own machine (scram-sha-256) priced three ways, everything else
// as the series ran it: with its own costs; with the costs this project ships
// (calibration/measured-linux-2core.json, the first series': the schema's defaults); and
// with, for every machine cost, the median over the other series (leave one series out:
// its own costs play no part; where a cost is a distribution, the other series'
// distribution whose mean is the median), a measure of shipping the middle of the kit's
// machines, not a change of the defaults. Prints how many rows are within the targets each
// way and the error on Requests/sec, by kind of stack, in all and by series. Ten seeds a
// row. Node only (npm run build first).
//
//   node calibration/defaults_transfer.mjs     (results/defaults-transfer.txt)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONNECT_COSTS,
  MACHINE_COSTS,
  SHIPPED_SCENARIO,
  ownSeries,
  runShippedTransfer,
} from '../dist/analysis/calibration/shippedCosts.js';
import { spreadOf, withinTargets } from '../dist/analysis/calibration/validation.js';
import { withSign } from '../dist/analysis/format.js';
import { STACK_KINDS } from '../dist/report/stackKind.js';
import { meanSeconds as meanOf } from '../dist/scenario/durations.js';

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

const pricings = [
  runShippedTransfer(root, PLAN, 'calibration/results', (f) => raws.get(f)),
  runShippedTransfer(root, PLAN, 'calibration/results'),
  runShippedTransfer(root, PLAN, 'calibration/results', medianCosts),
];
const [own] = pricings;
const files = own.indices.map((i) => plan.configurations[i].scenario);

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
  `The kit's rows of the ${series.length} series that measured their own machine (scram-sha-256), priced with its own costs, with the shipped ones (${SHIPPED_SCENARIO}) and with the other series' medians; ten seeds a row`,
);
const columns =
  "within the targets: own costs | shipped | the others' medians | the error on Requests/sec, median: own / shipped / medians | its size, median: own / shipped / medians";
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
