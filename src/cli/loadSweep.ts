// Reads a scenario file into a sweep's definition: the axes come from --vary, else from
// the file's "sweep" block; --replications likewise overrides the block's.
import { basename } from 'node:path';
import { checkAxes, parseVary } from '../analysis/vary.js';
import type { SweepDefinition } from '../analysis/sweep.js';
import { UserError } from '../scenario/errors.js';
import { validateScenario } from '../scenario/load.js';
import { applyOverride } from '../scenario/overrides.js';
import { readScenarioJson } from './loadScenarioFile.js';

export interface SweepArgs {
  scenario: string;
  vary: string[];
  set: string[];
  seed?: number;
  replications?: number;
}

export function loadSweep(args: SweepArgs, command: string): SweepDefinition {
  const path = args.scenario;
  const raw = readScenarioJson(path);
  for (const s of args.set) applyOverride(raw, s);
  if (args.seed !== undefined) {
    if (!Number.isInteger(args.seed)) throw new UserError(`--seed: expected an integer, got ${args.seed}`);
    (raw as Record<string, unknown>).seed = args.seed;
  }
  const source = args.set.length > 0 ? `${path} (with --set)` : path;
  const base = validateScenario(raw, source);
  let axes;
  if (args.vary.length > 0) {
    axes = args.vary.map(parseVary);
  } else if (base.sweep !== undefined) {
    axes = base.sweep.vary.map((v, i) => {
      try {
        return parseVary(v);
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`${path}: at sweep.vary[${i}]: ${e.message.replace(/^--vary /, '')}`);
        throw e;
      }
    });
  } else {
    throw new UserError(`${command}: name what to vary: --vary client.concurrency=10..200:10 (or give ${path} a "sweep" block)`);
  }
  checkAxes(axes);
  const replications = args.replications ?? base.sweep?.replications ?? 1;
  if (!Number.isInteger(replications) || replications < 1) {
    throw new UserError(`--replications: expected a whole number >= 1, got ${args.replications}`);
  }
  return { name: base.name ?? basename(path).replace(/\.json$/, ''), source, raw, base, axes, replications };
}
