// What the kit's model-side wave scripts share (wave_cpu_model.mjs, wave_backends_model.mjs,
// wave_cores_model.mjs, postmaster_core_model.mjs): their arguments, one wave run (one gevent
// worker x 1000, pg_sleep(1), hey -n C -c C, from the scenario with the overrides), and the
// per-core queues' CPU as it is handed out, by window. Node only (npm run build first).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerCoreCpu } from '../dist/engine/cpu/perCore.js';
import { wireAtSpeed } from '../dist/model/system.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `[seeds] [scenario] [--set path=value ...]` */
export function waveArgs(argv) {
  const args = [...argv];
  const sets = [];
  for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) sets.push(...args.splice(i, 2).slice(1));
  const [seeds = '3', file = 'calibration/measured-linux-2core.json'] = args;
  return { seeds: Number(seeds), file, sets };
}

/** Runs the wave of `c` clients with `seed`; `before(system)` is called once it is wired. */
export function runWave({ file, sets }, c, seed, before) {
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
  for (const o of [`client.requests=${c}`, `client.concurrency=${c}`, `seed=${seed}`, ...sets]) applyOverride(raw, o);
  const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
  before(system);
  runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 });
  return system;
}

/**
 * `before(cpu, from, to)` hears each interval over which the per-core queues bring every task
 * up to date at its rate since the last change (PerCoreCpu.advance), before they do;
 * `after(cpu)`, if given, once they have.
 */
export function onAdvance(before, after) {
  const advance = PerCoreCpu.prototype.advance;
  PerCoreCpu.prototype.advance = function () {
    if (this.sim.now > this.updated) before(this, this.updated, this.sim.now);
    const r = advance.call(this);
    if (after !== undefined) after(this);
    return r;
  };
}

/** `add(w, d)` for each window w (of `width`, the first at `start`, `windows` of them) that [a, b) overlaps by d > 0. */
export function byWindow(start, width, windows, a, b, add) {
  for (let w = Math.max(0, Math.floor((a - start) / width)); w < windows && start + w * width < b; w++) {
    const d = Math.min(b, start + (w + 1) * width) - Math.max(a, start + w * width);
    if (d > 0) add(w, d);
  }
}
