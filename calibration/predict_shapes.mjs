#!/usr/bin/env node
// The model's figures for calibration/shapes.json's shapes, written down before
// calibration/shapes.sh runs them: each shape's --set on SCENARIO, its hey flags, over the
// seeds of calibration/validation.json with its `set` (the machine's speed from run to
// run); median (range) of Requests/sec, the 500 fraction, Average and p95 latency. Through
// `sim run --json`, as a user would ask. ACTORS in a shape's --set stands for the actors
// query's costs, given as app.steps.1.cpu=... app.steps.1.decodeCpu=... on the command line;
// any other path=value there applies to every shape (a machine setting, say).
// With --against-runs, the saved runs (results/PREFIX + name.rN.txt) beside each, and the
// tail's shape either way (p95 over the Average: the machine's speed scales both).
// --shapes FILE: the shapes of another file (calibration/shapes-2.json).
//
//   node calibration/predict_shapes.mjs calibration/defaults-linux-2core.json \
//     app.steps.1.cpu=0.0008918 app.steps.1.decodeCpu=0.0001526 > results/shapes.predicted.txt
//   node calibration/predict_shapes.mjs SCENARIO ... --against-runs s1206-
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeyRun } from '../dist/analysis/calibration/heyRun.js';
import { spreadOf } from '../dist/analysis/calibration/targets.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const againstAt = args.indexOf('--against-runs');
const prefix = againstAt >= 0 ? args[againstAt + 1] : undefined;
const shapesAt = args.indexOf('--shapes');
const shapesFile = shapesAt >= 0 ? resolve(args[shapesAt + 1]) : join(root, 'calibration/shapes.json');
const optionAt = (i) =>
  (againstAt >= 0 && (i === againstAt || i === againstAt + 1)) || (shapesAt >= 0 && (i === shapesAt || i === shapesAt + 1));
const [scenario, ...settings] = args.filter((_, i) => !optionAt(i));
// The actors query's costs go where a shape says ACTORS; any other path=value, to every shape.
const actors = settings.filter((s) => s.startsWith('app.steps.1.'));
const everyShape = settings.filter((s) => !s.startsWith('app.steps.1.'));
if (scenario === undefined || (againstAt >= 0 && prefix === undefined)) {
  console.error(
    'usage: node calibration/predict_shapes.mjs SCENARIO [app.steps.1.cpu=... app.steps.1.decodeCpu=...] [path=value ...] [--shapes FILE] [--against-runs PREFIX]',
  );
  process.exit(2);
}
const { shapes } = JSON.parse(readFileSync(shapesFile, 'utf8'));
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const seeds = Array.from({ length: plan.seeds }, (_, i) => i + 1);

// ACTORS as the plan writes it (validation.json's `actors`), with the costs given here.
const pathOf = (expression) => expression.slice(0, expression.indexOf('='));
const actorsSet = plan.actors.map((x) => actors.find((a) => pathOf(a) === pathOf(x)) ?? x);
const fmt = (x, digits, scale = 1) =>
  `${(scale * x.median).toFixed(digits)} (${(scale * x.min).toFixed(digits)}-${(scale * x.max).toFixed(digits)})`;
const line = (f) =>
  `${fmt(f.rps, 1)} req/s; 500s ${fmt(f.f500, 0, 100)} %; Average ${fmt(f.average, 1, 1000)} ms; p95 ${fmt(f.p95, 1, 1000)} ms`;

console.log(
  `${scenario}, ${seeds.length} seeds each (${[...plan.set, ...settings].join(' ')}); ${relative(root, shapesFile)}'s shapes, each with its hey flags; median (range).`,
);
for (const shape of shapes) {
  if (shape.set.includes('ACTORS') && actors.length === 0) {
    console.error(`predict_shapes.mjs: ${shape.name} needs the actors query's costs (app.steps.1.cpu=... app.steps.1.decodeCpu=...)`);
    process.exit(2);
  }
  const sets = [...plan.set, ...shape.set.flatMap((s) => (s === 'ACTORS' ? actorsSet : [s])), ...everyShape];
  const figures = seeds.map((seed) => {
    const out = execFileSync(
      process.execPath,
      [
        join(root, 'bin/sim.js'),
        'run',
        scenario,
        ...shape.hey.split(' '),
        ...sets.flatMap((s) => ['--set', s]),
        '--seed',
        String(seed),
        '--json',
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    const r = JSON.parse(out);
    const results = r.summary.responses + r.summary.errors;
    return { rps: r.summary.requestsPerSec, f500: (r.statusCodes['500'] ?? 0) / results, average: r.summary.average, p95: r.latency.p95 };
  });
  const sim = Object.fromEntries(['rps', 'f500', 'average', 'p95'].map((k) => [k, spreadOf(figures.map((f) => f[k]))]));
  console.log(`${shape.name}: ${line(sim)}`);
  if (prefix === undefined) continue;
  const files = readdirSync(join(root, 'calibration/results')).filter(
    (f) => f.startsWith(`${prefix}${shape.name}.r`) && /\.r\d+\.txt$/.test(f),
  );
  if (files.length === 0) {
    console.log('  real: no runs');
    continue;
  }
  const runs = files.map((f) => parseHeyRun(readFileSync(join(root, 'calibration/results', f), 'utf8'), f).report);
  const real = {
    rps: spreadOf(runs.map((r) => r.summary.requestsPerSec)),
    f500: spreadOf(runs.map((r) => (r.statusCodes['500'] ?? 0) / (r.responses + r.errorCount))),
    average: spreadOf(runs.map((r) => r.summary.average)),
    p95: spreadOf(runs.map((r) => r.latency.p95)),
  };
  const error = (k) => `${(100 * (sim[k].median / real[k].median - 1)).toFixed(1)} %`;
  const points = (100 * (sim.f500.median - real.f500.median)).toFixed(1);
  console.log(`  real (${runs.length} runs): ${line(real)}`);
  console.log(`  error: Requests/sec ${error('rps')}, 500s ${points} points, Average ${error('average')}, p95 ${error('p95')}`);
  // The tail's shape apart from the machine's speed of the moment, which scales both.
  const shape95 = (x) => x.p95.median / x.average.median;
  console.log(
    `  tail: p95 / Average ${shape95(sim).toFixed(2)} against the real ${shape95(real).toFixed(2)} (${(100 * (shape95(sim) / shape95(real) - 1)).toFixed(0)} %)`,
  );
}
