#!/usr/bin/env node
// Does the kit's storm refuse a different share when one part of the machine is slower than
// the others? The storm (4 gevent workers x 100, the actors query, hey -n 1000 -c 1000,
// keep-alive 2) from calibration/measured-linux-2core.json, with the CPU costs of each part
// multiplied by its own factor: the workers' (gunicorn, the app, libpq's side of a connect),
// PostgreSQL's (postmaster, backends, the query) and hey's; seeds 1-3, at one speed.
// Node only (npm run build first). Prints Requests/sec and the 500 fraction for each.
//
//   node calibration/speed_parts.mjs > calibration/results/speed-parts.txt
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateScenario } from '../dist/scenario/load.js';
import { atSpeed } from '../dist/scenario/machineSpeed.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { simulate } from '../dist/model/system.js';
import { summarize } from '../dist/report/summary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = 'calibration/measured-linux-2core.json';
const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));
for (const e of ['server.workers=4', 'server.workerConnections=100', ...plan.actors, 'client.requests=1000', 'client.concurrency=1000'])
  applyOverride(raw, e);
// The query's CPU (app.steps.1.cpu) is the backend's; the connect's (app.steps.0.*, startCpu too) the worker's.
const part = (path) =>
  path.startsWith('client.') ? 'hey' : path.startsWith('database.') || path === 'app.steps.1.cpu' ? 'postgres' : 'workers';

function run(factors, seed) {
  const s = atSpeed(validateScenario({ ...raw, seed }, file), (path) => factors[part(path)]);
  const r = summarize(simulate(s, { timeSeries: false }), file, seed);
  return `${r.summary.requestsPerSec.toFixed(1)} req/s, ${((100 * (r.statusCodes['500'] ?? 0)) / r.summary.requests).toFixed(1)} % 500s`;
}

console.log(`${file}, 4 x 100 actors, keep-alive 2, hey -n 1000 -c 1000; seeds 1, 2, 3`);
for (const f of [
  { workers: 1, postgres: 1, hey: 1 },
  { workers: 1.15, postgres: 0.87, hey: 1 },
  { workers: 0.87, postgres: 1.15, hey: 1 },
  { workers: 1, postgres: 1, hey: 1.2 },
  { workers: 1, postgres: 1, hey: 0.8 },
  { workers: 1.15, postgres: 1.15, hey: 1.15 },
  { workers: 0.87, postgres: 0.87, hey: 0.87 },
])
  console.log(`workers x${f.workers}, postgres x${f.postgres}, hey x${f.hey}: ${[1, 2, 3].map((seed) => run(f, seed)).join(' | ')}`);
