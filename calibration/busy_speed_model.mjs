#!/usr/bin/env node
// What the third AMD machine's rows would read if every CPU cost were as much cheaper as a
// core kept busy computes faster there (bench/duty_speed.py): a diagnostic, not a model.
// Each configuration named PREFIX* in calibration/validation.json (its --set, its hey
// command's -n and -c), priced from its scenario at one speed with every CPU cost multiplied
// by each FACTOR in turn (atSpeed, as speed_parts.mjs), seeds 1-5; medians of Requests/sec,
// the 500 fraction and Slowest - Fastest. Node only (npm run build first).
//
//   node calibration/busy_speed_model.mjs a1204- 1 0.61
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeyRun } from '../dist/analysis/calibration/heyRun.js';
import { scenarioForRun } from '../dist/analysis/calibration/scenarioForRun.js';
import { settingsOf, spreadOf } from '../dist/analysis/calibration/validation.js';
import { atSpeed } from '../dist/scenario/machineSpeed.js';
import { simulate } from '../dist/model/system.js';
import { summarize } from '../dist/report/summary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const [prefix, ...rest] = process.argv.slice(2);
const factors = rest.map(Number);
const results = readdirSync(join(root, 'calibration/results'));
const median = (xs) => spreadOf(xs).median;
for (const config of plan.configurations) {
  const name = Array.isArray(config.name) ? config.name[0] : config.name;
  if (!name.startsWith(prefix)) continue;
  // The client as the first saved run's hey command ran it, as validate.mjs sets it.
  const first = results.filter((f) => f.startsWith(`${name}.r`) && /\.r\d+\.txt$/.test(f)).sort()[0];
  const run = parseHeyRun(readFileSync(join(root, 'calibration/results', first), 'utf8'), first);
  const file = config.scenario ?? plan.scenario;
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
  // At one speed, so that the factor alone moves the figures.
  const set = [...settingsOf(plan, config), 'machine.speedVariation=0'];
  const out = [];
  for (const f of factors) {
    const figs = [];
    for (let seed = 1; seed <= 5; seed++) {
      const { scenario } = scenarioForRun({ ...raw, seed }, run, set, file);
      const s = summarize(simulate(atSpeed(scenario, f), { timeSeries: false }), name, seed);
      figs.push([
        s.summary.requestsPerSec,
        (100 * (s.statusCodes['500'] ?? 0)) / (s.summary.responses + s.summary.errors),
        s.summary.slowest - s.summary.fastest,
      ]);
    }
    out.push(
      `x${f}: ${median(figs.map((x) => x[0])).toFixed(1)} req/s ${median(figs.map((x) => x[1])).toFixed(0)} % 500s spread ${median(figs.map((x) => x[2])).toFixed(3)}`,
    );
  }
  console.log(name.slice(prefix.length).padEnd(30), out.join(' | '));
}
