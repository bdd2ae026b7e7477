#!/usr/bin/env node
// The model's side of wave_backends.sh: for each backend of the wave (one gevent worker x
// 1000, pg_sleep(1), hey -n C -c C for C = 50 and 100), the time from its fork (its first
// piece of work given to the cores) to the end of its work before the slot (it reads the SSL
// request then): medians and 90th percentiles by seed. Node only (npm run build first).
//
//   node calibration/wave_backends_model.mjs [seeds] [scenario] [--set path=value ...]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerCoreCpu } from '../dist/engine/cpu/perCore.js';
import { Attempt } from '../dist/model/database/connectionAttempt.js';
import { runSystem } from '../dist/model/run.js';
import { wire } from '../dist/model/wire.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { resolve } from '../dist/scenario/resolve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const extra = [];
for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) extra.push(...args.splice(i, 2).slice(1));
const [seedsArg = '3', file = 'calibration/measured-linux-2core.json'] = args;

let now = () => 0;
let forkedAt = new Map();
let delays = [];
// A new process of the postmaster's reaches the cores for the first time: its fork is done.
const runIn = PerCoreCpu.prototype.runIn;
PerCoreCpu.prototype.runIn = function (g, work, fn, a, b, process) {
  if (process !== undefined && process.cpuCore < 0 && process.parent?.constructor?.name === 'Postmaster' && !forkedAt.has(process))
    forkedAt.set(process, now());
  return runIn.call(this, g, work, fn, a, b, process);
};
const backendStarted = Attempt.prototype.backendStarted;
Attempt.prototype.backendStarted = function () {
  const at = forkedAt.get(this.backendProcess);
  if (at !== undefined) {
    delays.push(now() - at);
    forkedAt.delete(this.backendProcess);
  }
  return backendStarted.call(this);
};

for (const c of [50, 100]) {
  for (let seed = 1; seed <= Number(seedsArg); seed++) {
    const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
    for (const o of [`client.requests=${c}`, `client.concurrency=${c}`, `seed=${seed}`, ...extra]) applyOverride(raw, o);
    const system = wire(resolve(validateScenario(raw, file)), false);
    now = () => system.sim.now;
    forkedAt = new Map();
    delays = [];
    runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 });
    delays.sort((x, y) => x - y);
    const q = (p) => (delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] / 1000).toFixed(2);
    console.log(
      `c${c} seed ${seed}: ${delays.length} backends, fork to the end of their work before the slot median ${q(0.5)} ms (p90 ${q(0.9)})`,
    );
  }
}
