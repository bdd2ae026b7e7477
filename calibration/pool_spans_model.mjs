#!/usr/bin/env node
// The model's side of bench/pool_spans.py: for a pooled configuration, the share of the
// time with k connections checked out of SQLAlchemy's pool (each from its checkout to its
// checkin, every worker's pool together), how long a request held its connection, and how
// many connections the run opened. Node only (npm run build first).
//
//   node calibration/pool_spans_model.mjs [scenario] [path=value ...]
//     e.g. server.workerClass=gthread server.threads=8 'app.pool={"size":5,"maxOverflow":10,"timeout":30}'
//          app.psycogreen=false app.steps.1.time=0 client.requests=2000 client.concurrency=40
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSystem } from '../dist/model/run.js';
import { wireAtSpeed } from '../dist/model/system.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { watchPoolHolds } from './pool_model_hooks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const file = args[0] !== undefined && !args[0].includes('=') ? args.shift() : 'calibration/measured-linux-2core.json';

let sim;
const share = new Map();
let out = 0;
let since = 0;
const step = (d) => {
  share.set(out, (share.get(out) ?? 0) + sim.now - since);
  since = sim.now;
  out += d;
};
const watch = watchPoolHolds(() => sim.now, step);

const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
for (const o of args) applyOverride(raw, o);
const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
sim = system.sim;
runSystem(system, { maxEvents: 100_000_000, maxSimTime: 3600e6 });
const total = [...share.values()].reduce((x, y) => x + y, 0);
const held = watch.held.sort((x, y) => x - y);
const q = (p) => (held[Math.min(held.length - 1, Math.floor(p * held.length))] / 1000).toFixed(2);
console.log(`${file} ${args.join(' ')}`);
console.log(`  connections opened: ${system.postgres.connections}`);
console.log(`  a connection held, checkout to checkin (ms): p10 ${q(0.1)} p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} (${held.length})`);
console.log(
  `  connections out, share of the time: ${[...share.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([k, v]) => `${k}: ${((100 * v) / total).toFixed(1)} %`)
    .join(', ')}`,
);
