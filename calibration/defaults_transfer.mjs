#!/usr/bin/env node
// What measuring buys (src/analysis/calibration/shippedCosts.ts): the kit's rows of every
// series that measured its own machine's costs, priced with those costs, as the table of
// docs/validation.md does, and again with the costs this project ships
// (calibration/measured-linux-2core.json, the schema's defaults), everything else as the
// series ran it. Prints how many rows are within the targets either way, by kind of stack,
// in all and by series. Node only (npm run build first).
//
//   node calibration/defaults_transfer.mjs     (results/defaults-transfer.txt)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_SCENARIO, runShippedTransfer } from '../dist/analysis/calibration/shippedCosts.js';
import { runValidation, withinTargets } from '../dist/analysis/calibration/validation.js';
import { STACK_KINDS } from '../dist/report/stackKind.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const table = runValidation(root, 'calibration/validation.json', 'calibration/results');
const { indices, rows: shipped } = runShippedTransfer(root, 'calibration/validation.json', 'calibration/results');
const own = indices.map((i) => table[i]);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x) => `${(100 * x).toFixed(0)} %`;
const signed = (x) => `${x >= 0 ? '+' : ''}${pct(x)}`;
const size = (rows) => median(rows.map((r) => Math.abs(r.rpsError)));
const lean = (rows) => median(rows.map((r) => r.rpsError));
const line = (label, at) => {
  const o = at.map((i) => own[i]);
  const s = at.map((i) => shipped[i]);
  return `${label} | ${at.length} | ${o.filter(withinTargets).length} | ${s.filter(withinTargets).length} | ${pct(size(o))} / ${pct(size(s))} | ${signed(lean(o))} / ${signed(lean(s))}`;
};
const files = [...new Set(own.map((r) => r.config.scenario))];
console.log(
  `The kit's rows of the ${files.length} series that measured their own machine's costs (scram-sha-256), priced with those costs (the table's figures) and with the shipped ones (${SHIPPED_SCENARIO}); ten seeds a row`,
);
console.log(
  "kind of stack | rows | within the targets, the machine's own costs | the shipped costs | the error's size on Requests/sec, median: own / shipped",
);
const all = own.map((_, i) => i);
for (const [kind, label] of [...Object.entries(STACK_KINDS), [undefined, 'other']]) {
  const at = all.filter((i) => own[i].kind === kind);
  if (at.length > 0) console.log(line(label, at));
}
console.log(line('in all', all));
console.log(
  "by series: scenario | rows | within, the machine's own costs | the shipped costs | the error's size: own / shipped | the error: own / shipped",
);
for (const f of files)
  console.log(
    line(
      f,
      all.filter((i) => own[i].config.scenario === f),
    ),
  );
