#!/usr/bin/env node
// The model's side of wave_wakes.sh: the same wave (one gevent worker x 1000, pg_sleep(1),
// hey -n C -c C) on the per-core run queues, with every placement of a new process
// recorded: how many of the postmaster's forks went onto the core the worker was on, by
// 50 ms window, and how many tasks each of the two cores had then. Node only (npm run
// build first).
//
//   node calibration/wave_wakes_model.mjs [seeds] [scenario] [--set path=value ...]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerCoreCpu } from '../dist/engine/cpu/perCore.js';
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

// placeNew is the per-core queues' choice of a core for a new process (a fork).
let forks = [];
let now = () => 0;
const placeNew = PerCoreCpu.prototype.placeNew;
PerCoreCpu.prototype.placeNew = function (parent) {
  const core = placeNew.call(this, parent);
  if (parent?.constructor?.name === 'Postmaster') {
    const worker = this.tasks.find((t) => t.process?.constructor?.name === 'GeventWorker');
    forks.push({ t: now(), core, worker: worker?.core, onCore: [...this.onCore] });
  }
  return core;
};

for (const c of [50, 100]) {
  for (let seed = 1; seed <= Number(seedsArg); seed++) {
    const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
    for (const o of [`client.requests=${c}`, `client.concurrency=${c}`, `seed=${seed}`, ...extra]) applyOverride(raw, o);
    const system = wire(resolve(validateScenario(raw, file)), false);
    forks = [];
    now = () => system.sim.now;
    runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 });
    // Windows from the simulation's start (hey's first dial); the trace's start a few ms later, at the worker's first wake-up.
    const byWindow = new Map();
    let known = 0;
    for (const f of forks) {
      if (f.worker === undefined) continue;
      known++;
      const w = Math.floor(f.t / 50_000) * 50;
      const e = byWindow.get(w) ?? { onto: 0, all: 0 };
      e.all++;
      if (f.core === f.worker) e.onto++;
      byWindow.set(w, e);
    }
    const parts = [...byWindow.entries()].filter(([w]) => w < 300).map(([w, e]) => `${w}-${w + 50} ms ${e.onto} of ${e.all}`);
    console.log(
      `c${c} seed ${seed}: the postmaster's forks onto the worker's core (of those with the worker runnable: ${known} of ${forks.length}): ${parts.join(', ')}`,
    );
  }
}
