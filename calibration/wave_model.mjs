// What the kit's model-side wave scripts share (wave_cpu_model.mjs, wave_backends_model.mjs):
// their arguments, and one wave run: one gevent worker x 1000, pg_sleep(1), hey -n C -c C,
// from the scenario with the overrides. Node only (npm run build first).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
