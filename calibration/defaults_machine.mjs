#!/usr/bin/env node
// What the machine's settings buy (docs/validation.md, "What measuring buys"): the rows of
// every series that measured its own machine (scram-sha-256), each priced with the median of
// the other series' costs (the defaults as a machine the kit never saw gets them, as
// defaults_transfer.mjs's second pricing), and with some of the machine's settings changed in
// every series' file: `path` drops the setting (its default then), `path=value` sets it.
// Left out: the rows whose own --set gives a setting of per-core run queues or of task groups
// (they study one). Prints the rows within the targets and the error's median, by kind of
// stack. Node only (npm run build first).
//
//   node calibration/defaults_machine.mjs                                  the series' own settings
//   node calibration/defaults_machine.mjs machine.taskGroups client.taskGroup
//   node calibration/defaults_machine.mjs machine.taskGroups=none client.taskGroup
//   (results/defaults-machine.txt)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { othersMedians, ownSeriesCosts, runShippedTransfer } from '../dist/analysis/calibration/shippedCosts.js';
import { spreadOf, withinTargets } from '../dist/analysis/calibration/validation.js';
import { withSign } from '../dist/analysis/format.js';
import { STACK_KINDS } from '../dist/report/stackKind.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLAN = 'calibration/validation.json';
const changes = process.argv.slice(2).map((a) => {
  const [path, value] = a.split('=');
  return { keys: path.split('.'), value };
});
const PER_CORE = /machine\.(wakeupLatency|timeSlices|runQueues|wakeupPreemption|taskGroups)|client\.taskGroup|server\.cacheRefillCpu/;

/** A series' file with the settings changed, and what only per-core run queues take gone with them. */
function reshape(raw) {
  for (const { keys, value } of changes) {
    const [section, key] = keys;
    if (value === undefined) delete raw[section]?.[key];
    else raw[section] = { ...raw[section], [key]: value };
  }
  if (raw.machine?.runQueues !== 'per-core') for (const k of ['wakeupLatency', 'timeSlices', 'wakeupPreemption']) delete raw.machine?.[k];
  return raw;
}

const { rows } = runShippedTransfer(root, PLAN, 'calibration/results', othersMedians(ownSeriesCosts(root, PLAN)), {
  reshape,
  keep: (row) => !PER_CORE.test(JSON.stringify(row.set ?? [])),
});
const pct = (x) => `${withSign(100 * x, 0)} %`;
console.log(`Settings changed in every series: ${process.argv.slice(2).join(' ') || 'none'}; the others' medians; ten seeds a row`);
console.log('kind of stack | rows | within the targets | the error on Requests/sec, median');
for (const [kind, label] of Object.entries(STACK_KINDS)) {
  const at = rows.filter((r) => r.kind === kind);
  if (at.length > 0)
    console.log(`${label} | ${at.length} | ${at.filter(withinTargets).length} | ${pct(spreadOf(at.map((r) => r.rpsError)).median)}`);
}
console.log(`in all | ${rows.length} | ${rows.filter(withinTargets).length} | ${pct(spreadOf(rows.map((r) => r.rpsError)).median)}`);
