#!/usr/bin/env node
// What the third AMD machine's rows would read if every CPU cost were as much cheaper as a
// core kept busy computes faster there (bench/duty_speed.py): a diagnostic, not a model.
// Each configuration named PREFIX* in calibration/validation.json (its --set, its hey
// command's -n and -c), priced from its scenario at one speed with every CPU cost multiplied
// by each FACTOR in turn (atSpeed, as speed_parts.mjs), seeds 1-5; medians of Requests/sec,
// the 500 fraction and Slowest - Fastest. Node only (npm run build first).
//
//   node calibration/busy_speed_model.mjs a1204- 1 0.61
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateScenario } from '../dist/scenario/load.js';
import { atSpeed } from '../dist/scenario/machineSpeed.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { simulate } from '../dist/model/system.js';
import { summarize } from '../dist/report/summary.js';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
const [prefix, ...rest] = process.argv.slice(2);
const factors = rest.map(Number);
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
for (const c of plan.configurations) {
  const name = c.name[0];
  if (!name.startsWith(prefix)) continue;
  const hey = readFileSync(join(root, `calibration/results/${name}.r1.txt`), 'utf8').split('\n')[0];
  const n = /-n (\d+)/.exec(hey)[1],
    conc = /-c (\d+)/.exec(hey)[1];
  const out = [];
  for (const f of factors) {
    const figs = [];
    for (let seed = 1; seed <= 5; seed++) {
      const raw = JSON.parse(readFileSync(join(root, c.scenario), 'utf8'));
      for (const e of [
        ...(c.actors ? plan.actors : []),
        ...c.set,
        `client.requests=${n}`,
        `client.concurrency=${conc}`,
        `seed=${seed}`,
        'machine.speedVariation=0',
      ])
        applyOverride(raw, e);
      if (/-disable-keepalive/.test(hey)) applyOverride(raw, 'client.keepAlive=false');
      const s = summarize(simulate(atSpeed(validateScenario(raw, name), f), { timeSeries: false }), name, seed);
      figs.push([
        s.summary.requestsPerSec,
        (100 * (s.statusCodes['500'] ?? 0)) / (s.summary.responses + s.summary.errors),
        s.summary.slowest - s.summary.fastest,
      ]);
    }
    out.push(
      `x${f}: ${med(figs.map((x) => x[0])).toFixed(1)} req/s ${med(figs.map((x) => x[1])).toFixed(0)} % 500s spread ${med(figs.map((x) => x[2])).toFixed(3)}`,
    );
  }
  console.log(name.slice(prefix.length).padEnd(30), out.join(' | '));
}
