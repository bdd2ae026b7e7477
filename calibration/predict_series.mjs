#!/usr/bin/env node
// The model's figures for a series before it runs: the configurations of an earlier series
// in calibration/validation.json (their names all start with FROM, e.g. "i1204-"), each
// with its --set, its hey command from that series' runs, and the machine's own settings
// the plan gives SCENARIO (`set`, `scenarioSet`), predicted from SCENARIO instead, over the
// plan's seeds. --only REGEX keeps the configurations whose name (less FROM) matches; a
// path=value replaces that path's value in every configuration that sets it and in the
// plan's own settings (the actors query's costs are each day's own; machine.speedVariation
// is each kind of machine's). Commit what it prints before the runs
// (results/NAME.predicted.txt); then run the series and add its rows to validation.json.
// --against-runs: once FROM's runs are in, each row's real runs beside, its error on
// Requests/sec and the 500 fraction, and how many rows met the page's targets (a prediction
// from another scenario than the page's own: the defaults alone, say).
// Node only (npm run build first).
//
//   node calibration/predict_series.mjs i1204- calibration/measured-linux-2core-intel1204c.json \
//     --only '^(patched|spread|actors4x100|sleep4x30|actors1x100)-' app.steps.1.cpu=0.0005
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POINTS_500_TOLERANCE, RPS_TOLERANCE, runValidation, withinTargets } from '../dist/analysis/calibration/validation.js';
import { withSign } from '../dist/analysis/format.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new RegExp(args[onlyAt + 1]) : /./;
const againstRuns = args.includes('--against-runs');
const rest = args.filter((a, i) => a !== '--against-runs' && (onlyAt < 0 || (i !== onlyAt && i !== onlyAt + 1)));
const [from, scenario, ...replacements] = rest;
if (from === undefined || scenario === undefined) {
  console.error('usage: node calibration/predict_series.mjs FROM_PREFIX SCENARIO [--only REGEX] [--against-runs] [path=value ...]');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const names = (c) => (Array.isArray(c.name) ? c.name : [c.name]);
const pathOf = (expression) => expression.slice(0, expression.indexOf('='));
// ACTORS stands for the plan's actors query (validation.ts), whose costs a replacement may set too.
const replaced = (set) =>
  set.flatMap((x) => (x === 'ACTORS' ? plan.actors : [x])).map((x) => replacements.find((r) => pathOf(r) === pathOf(x)) ?? x);
// A configuration priced twice in the plan (by two scenarios) is predicted once, as first listed.
const byName = new Map();
for (const c of plan.configurations) {
  const key = names(c).join(' ');
  if (!byName.has(key) && names(c).every((n) => n.startsWith(from) && only.test(n.slice(from.length)))) byName.set(key, c);
}
const configurations = [...byName.values()].map((c) => ({ ...c, scenario, set: replaced(c.set) }));
if (configurations.length === 0) {
  console.error(`predict_series.mjs: no configuration of calibration/validation.json is named ${from}*`);
  process.exit(2);
}
const tmp = 'calibration/.predict-series.json';
const scenarioSet = Object.fromEntries(Object.entries(plan.scenarioSet ?? {}).map(([k, v]) => [k, replaced(v)]));
writeFileSync(join(root, tmp), JSON.stringify({ ...plan, set: replaced(plan.set ?? []), scenarioSet, configurations, bootStorms: [] }));
let rows;
try {
  rows = runValidation(root, tmp, 'calibration/results');
} finally {
  rmSync(join(root, tmp), { force: true });
}
const settings = replaced([...(plan.set ?? []), ...(plan.scenarioSet?.[scenario] ?? [])]);
const unlisted = replacements.filter((r) => !settings.some((x) => pathOf(x) === pathOf(r)));
console.log(
  `${scenario}, ${plan.seeds} seeds each${plan.spreadSeeds === undefined ? '' : ` (${plan.spreadSeeds} for the spread rows)`} (${[...settings, ...unlisted].join(' ') || 'no settings of the plan'}); the configurations of ${from}*, each with its hey command; median (range).`,
);
const s = (x, digits) => `${x.median.toFixed(digits)} (${x.min.toFixed(digits)}-${x.max.toFixed(digits)})`;
const percent = (x) => ({ median: 100 * x.median, min: 100 * x.min, max: 100 * x.max });
for (const r of rows) {
  const sim = r.simulated;
  console.log(
    `${names(r.config).join(' ').replace(from, '')}: ${s(sim.requestsPerSec, 1)} req/s; 500s ${s(percent(sim.fraction500), 0)} %; Slowest-Fastest ${s(sim.spread, 3)} s`,
  );
  if (againstRuns) {
    const real = r.real;
    const spreadError = (sim.spread.median - real.spread.median) / real.spread.median;
    console.log(
      `  real (${real.runs} runs): ${s(real.requestsPerSec, 1)} req/s; 500s ${s(percent(real.fraction500), 0)} %; Slowest-Fastest ${s(real.spread, 3)} s; error ${withSign(100 * r.rpsError, 1)} %, ${withSign(r.points500, 1)} points${withinTargets(r) ? '' : ' (outside the targets)'}; spread ${withSign(100 * spreadError, 0)} %`,
    );
  }
}
if (againstRuns) {
  console.log(
    `${rows.filter(withinTargets).length} of ${rows.length} within the targets (±${100 * RPS_TOLERANCE} % on Requests/sec, ${POINTS_500_TOLERANCE} points on the 500 fraction).`,
  );
}
