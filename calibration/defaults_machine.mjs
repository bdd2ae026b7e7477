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
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { othersMedians, ownSeriesCosts, runShippedTransfer } from '../dist/analysis/calibration/shippedCosts.js';
import { spreadOf, withinTargets } from '../dist/analysis/calibration/validation.js';
import { withSign } from '../dist/analysis/format.js';
import { STACK_KINDS } from '../dist/report/stackKind.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLAN = 'calibration/validation.json';
const plan = JSON.parse(readFileSync(join(root, PLAN), 'utf8'));
const changes = process.argv.slice(2).map((a) => {
  const [path, value] = a.split('=');
  return { keys: path.split('.'), value };
});
const PER_CORE = /machine\.(wakeupLatency|timeSlices|runQueues|wakeupPreemption|taskGroups)|client\.taskGroup|server\.cacheRefillCpu/;
const ownFile = (f) => /^calibration\/measured-linux-2core(-.*)?\.json$/.test(f);
const files = [...new Set(plan.configurations.map((c) => c.scenario ?? plan.scenario))].filter(ownFile);
const tag = `${process.pid}`;
const copy = new Map(files.map((f) => [f, `calibration/measured-linux-2core-.machine-${tag}-${basename(f)}`]));
const planFile = `calibration/.machine-${tag}-plan.json`;
try {
  for (const [f, c] of copy) {
    const raw = JSON.parse(readFileSync(join(root, f), 'utf8'));
    for (const { keys, value } of changes) {
      const [section, key] = keys;
      if (value === undefined) delete raw[section]?.[key];
      else raw[section] = { ...raw[section], [key]: value };
    }
    // What only per-core run queues or task groups take goes with them.
    if (raw.machine?.runQueues !== 'per-core') for (const k of ['wakeupLatency', 'timeSlices', 'wakeupPreemption']) delete raw.machine?.[k];
    writeFileSync(join(root, c), JSON.stringify(raw));
  }
  const renamed = (f) => copy.get(f) ?? f;
  writeFileSync(
    join(root, planFile),
    JSON.stringify({
      ...plan,
      scenario: renamed(plan.scenario),
      scenarioSet: Object.fromEntries(Object.entries(plan.scenarioSet ?? {}).map(([f, set]) => [renamed(f), set])),
      configurations: plan.configurations
        .filter((c) => !PER_CORE.test(JSON.stringify(c.set ?? [])))
        .map((c) => ({ ...c, scenario: renamed(c.scenario ?? plan.scenario) })),
    }),
  );
  const { rows } = runShippedTransfer(root, planFile, 'calibration/results', othersMedians(ownSeriesCosts(root, planFile)));
  const pct = (x) => `${withSign(100 * x, 0)} %`;
  console.log(`Settings changed in every series: ${process.argv.slice(2).join(' ') || 'none'}; the others' medians; ten seeds a row`);
  console.log('kind of stack | rows | within the targets | the error on Requests/sec, median');
  for (const [kind, label] of Object.entries(STACK_KINDS)) {
    const at = rows.filter((r) => r.kind === kind);
    if (at.length > 0)
      console.log(`${label} | ${at.length} | ${at.filter(withinTargets).length} | ${pct(spreadOf(at.map((r) => r.rpsError)).median)}`);
  }
  console.log(`in all | ${rows.length} | ${rows.filter(withinTargets).length} | ${pct(spreadOf(rows.map((r) => r.rpsError)).median)}`);
} finally {
  for (const c of copy.values()) rmSync(join(root, c), { force: true });
  rmSync(join(root, planFile), { force: true });
}
