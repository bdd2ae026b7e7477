#!/usr/bin/env node
// The model's side of bench/hey_turnaround.py (hey_turnaround.sh): on each kept-alive
// connection, the time from a response reaching hey to its next request reaching the server
// (hey's CPU for the request, and its threads' wait for a core), and how bunched the requests
// arrive; for SQLAlchemy's pool rows, 2 gevent workers x 100 at -c 200 and 4 x 100 at
// -c 1000, -n 5000, seeds 1 and 2. Node only (npm run build first).
//
//   node calibration/hey_turnaround_model.mjs [scenario] [path=value ...]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadGenerator } from '../dist/model/client/loadGenerator.js';
import { wireAtSpeed } from '../dist/model/system.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const file = args[0] !== undefined && !args[0].includes('=') ? args.shift() : 'calibration/measured-linux-2core.json';

let state;
const response = LoadGenerator.prototype.response;
LoadGenerator.prototype.response = function (req, status) {
  state.answered.set(req.conn, this.sim.now);
  return response.call(this, req, status);
};
const written = LoadGenerator.prototype.written;
LoadGenerator.prototype.written = function (req) {
  const now = this.sim.now;
  state.arrivals.push(now);
  const at = state.answered.get(req.conn);
  if (at !== undefined) {
    state.turnaround.push(now - at);
    state.answered.delete(req.conn);
  }
  return written.call(this, req);
};

const ms = (us) => (us / 1000).toFixed(3);
function quantiles(xs) {
  xs.sort((a, b) => a - b);
  const at = (q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  const median = xs.length % 2 === 1 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
  return `median ${ms(median)} ms, p10 ${ms(at(0.1))}, p90 ${ms(at(0.9))}, p99 ${ms(at(0.99))}`;
}

const pool = 'app.pool={"size":5,"maxOverflow":10,"timeout":30}';
const actors = ['app.steps.1.time=0', 'app.steps.1.cpu=0.000158', 'app.steps.1.decodeCpu=0.000193'];
for (const [workers, c] of [
  [2, 200],
  [4, 1000],
]) {
  for (const seed of [1, 2]) {
    const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
    const sets = [
      `server.workers=${workers}`,
      'server.workerConnections=100',
      pool,
      ...actors,
      'client.requests=5000',
      `client.concurrency=${c}`,
      `seed=${seed}`,
      ...args,
    ];
    for (const o of sets) applyOverride(raw, o);
    state = { answered: new Map(), arrivals: [], turnaround: [] };
    const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
    runSystem(system, { maxEvents: 100_000_000, maxSimTime: 3600e6 });
    const arrivals = state.arrivals.sort((a, b) => a - b);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    const close = gaps.filter((g) => g < 100).length;
    const runs = [];
    let run = 1;
    for (const g of gaps) {
      if (g < 100) run++;
      else {
        runs.push(run);
        run = 1;
      }
    }
    runs.push(run);
    runs.sort((a, b) => a - b);
    console.log(
      `${workers}x100-c${c} seed ${seed}: ${arrivals.length} requests; hey's turnaround (response to its next request on the connection), ${state.turnaround.length}: ${quantiles(state.turnaround)}; requests within 0.1 ms of the one before: ${(close / Math.max(1, gaps.length)).toFixed(2)}, runs of them: median ${runs[Math.floor(runs.length / 2)]}, p90 ${runs[Math.floor(0.9 * runs.length)]}, longest ${runs.at(-1)}`,
    );
  }
}
