// The actors storm as the storm models run it (storm_model.mjs, storm_wire_model.mjs): the
// kit's measured scenario with the storm's load and the actors' settings from
// validation.json, wired but not run, so that a model can hook the parts it reads first;
// and the kit's sync storm the same way (sync_holds_model.mjs, sync_close_model.mjs,
// postmaster_backlog_model.mjs).
// Node only (npm run build first).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wireAtSpeed } from '../dist/model/system.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const plan = JSON.parse(readFileSync(join(root, 'calibration/validation.json'), 'utf8'));

/**
 * The storm of `clients` at once on `file` (the plan's scenario unless said), with `seed`,
 * and `extra` overrides after the storm's own: the wired system, and `run()` to run it.
 */
export function wireStorm({ clients, seed, file = plan.scenario, extra = [] }) {
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
  const sets = [
    'server.workers=4',
    'server.workerConnections=100',
    'client.requests=1000',
    `client.concurrency=${clients}`,
    ...plan.actors,
    `seed=${seed}`,
    ...extra,
  ];
  for (const o of sets) applyOverride(raw, o);
  const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
  return { system, run: () => runSystem(system, { maxEvents: raw.limits?.maxEvents ?? 10_000_000, maxSimTime: 3600e6 }) };
}

/** A nearest-rank percentile of `xs` (NaN when empty), as the kit's readers take it. */
export function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/**
 * The kit's sync storm (120 sync workers, psycopg2 blocking, hey -n 1000 -c 1000) on `file`
 * with its series' settings (validation.json's scenarioSet), `seed`, and `extra` overrides
 * after: the wired system, and `run()` to run it.
 */
export function wireSyncStorm({ file, seed, extra = [] }) {
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
  const sets = [
    ...(plan.scenarioSet[file] ?? plan.set ?? []),
    'server.workerClass=sync',
    'server.workers=120',
    'app.psycogreen=false',
    'client.requests=1000',
    'client.concurrency=1000',
    `seed=${seed}`,
    ...extra,
  ];
  for (const o of sets) applyOverride(raw, o);
  const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
  return { system, run: () => runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 }) };
}
