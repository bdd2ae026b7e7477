#!/usr/bin/env node
// The model's side of wave_wakes.sh and wakeups.sh: where the per-core run queues put the
// postmaster's forks (onto the core the worker was on or another, by 50 ms window), and how
// the worker fared (the share of the run it was runnable but not running, in all and while
// another core idled; how often a tick's balancing moved it). Node only (npm run build first).
//
//   node calibration/wave_wakes_model.mjs [seeds] [scenario] [--set path=value ...]
//     the wave: one worker, pg_sleep(1), hey -n C -c C for C = 50 and 100
//   node calibration/wave_wakes_model.mjs --as-is [seeds] [scenario] [--set path=value ...]
//     the scenario's own load (e.g. --set client.requests=1000 --set client.concurrency=100
//     --set app.steps.1.cpu=... for wakeups.sh's actors run)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wireAtSpeed } from '../dist/model/system.js';
import { ForkPlacement } from '../dist/engine/cpu/forkPlacement.js';
import { IdleBalance } from '../dist/engine/cpu/idleBalance.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { onAdvance } from './wave_model.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const extra = [];
for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) extra.push(...args.splice(i, 2).slice(1));
const asIs = args[0] === '--as-is';
if (asIs) args.shift();
const [seedsArg = '3', file = 'calibration/measured-linux-2core.json'] = args;

const isWorker = (t) => t.process?.constructor?.name === 'GeventWorker';
let forks = [];
let stats;
let now = () => 0;
// ForkPlacement.place is the per-core queues' choice of a core for a new process (a fork).
const place = ForkPlacement.prototype.place;
ForkPlacement.prototype.place = function (parent) {
  const core = place.call(this, parent);
  if (parent?.constructor?.name === 'Postmaster') forks.push({ t: now(), core, worker: this.queues.tasks.find(isWorker)?.core });
  return core;
};
// The worker's time runnable but not running over each interval, by what the other cores did.
onAdvance((cpu, from, to) => {
  const w = cpu.queues.tasks.find(isWorker);
  if (w !== undefined && w.rate < 1) {
    stats.wait += (to - from) * (1 - w.rate);
    if (cpu.queues.onCore.some((n, c) => c !== w.core && n === 0)) stats.waitIdle += (to - from) * (1 - w.rate);
  }
});
// An idle core's pull (IdleBalance.move): whether it took the worker.
const move = IdleBalance.prototype.move;
IdleBalance.prototype.move = function (t, to) {
  if (isWorker(t) && t.core !== to) stats.moves++;
  move.call(this, t, to);
};

for (const c of asIs ? [undefined] : [50, 100]) {
  for (let seed = 1; seed <= Number(seedsArg); seed++) {
    const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
    const load = c === undefined ? [] : [`client.requests=${c}`, `client.concurrency=${c}`];
    for (const o of [...load, `seed=${seed}`, ...extra]) applyOverride(raw, o);
    const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
    forks = [];
    stats = { wait: 0, waitIdle: 0, moves: 0 };
    now = () => system.sim.now;
    runSystem(system, { maxEvents: 50_000_000, maxSimTime: 3600e6 });
    const span = system.sim.now;
    // Windows from the simulation's start (hey's first dial); the trace's start a few ms later, at the worker's first wake-up.
    const byWindow = new Map();
    for (const f of forks) {
      if (f.worker === undefined) continue;
      const w = Math.floor(f.t / 50_000) * 50;
      const e = byWindow.get(w) ?? { onto: 0, all: 0 };
      e.all++;
      if (f.core === f.worker) e.onto++;
      byWindow.set(w, e);
    }
    const known = forks.filter((f) => f.worker !== undefined);
    const onto = known.filter((f) => f.core === f.worker).length;
    const parts = [...byWindow.entries()].filter(([w]) => w < 300).map(([w, e]) => `${w}-${w + 50} ms ${e.onto} of ${e.all}`);
    console.log(
      `${c === undefined ? 'as is' : `c${c}`} seed ${seed}: ${(span / 1e6).toFixed(2)} s; the postmaster forked ${forks.length}, onto the worker's core ${(onto / Math.max(1, known.length)).toFixed(2)} ` +
        `(of the ${known.length} with the worker runnable; by window: ${parts.join(', ')}); the worker waited for a core ${(stats.wait / span).toFixed(2)} of the time ` +
        `(${(stats.waitIdle / span).toFixed(2)} beside an idle core) and moved ${stats.moves} times (${(stats.moves / (span / 1e6)).toFixed(0)} a second)`,
    );
  }
}
