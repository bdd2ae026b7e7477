// Reads a scenario file into a sweep's definition: the axes come from --vary, else from
// the file's "sweep" block; --replications likewise overrides the block's.
import { basename } from 'node:path';
import { checkAxes, parseVary } from '../analysis/sweep/vary.js';
import type { SweepDefinition } from '../analysis/sweep/sweep.js';
import { UserError } from '../scenario/errors.js';
import * as msg from '../messages.js';
import { MAX_GRID_POINTS } from '../analysis/sweep/grid.js';
import { MAX_REPLICATIONS } from '../scenario/schema.js';
import { validateScenario } from '../scenario/load.js';
import { applyOverride, flagOverride } from '../scenario/overrides.js';
import { numberFlag, setOverrides, singleValue } from './flags.js';
import { readScenarioJson } from './loadScenarioFile.js';

export interface SweepArgs {
  scenario: string;
  vary: string[];
  set: string[];
  seed?: unknown;
  replications?: unknown;
}

/** The most runs (points x replications) a command takes, and why, for its message. */
export interface RunLimit {
  max: number;
  why?: string;
}

export function loadSweep(args: SweepArgs, command: string, limit: RunLimit = { max: MAX_GRID_POINTS }): SweepDefinition {
  const path = args.scenario;
  const raw = readScenarioJson(path);
  // --set and --seed are overrides, as in sim run: a problem in one names it.
  const overrides = setOverrides(args.set);
  const seed = singleValue('--seed', args.seed, '7');
  if (seed !== undefined) overrides.push(flagOverride('--seed', ['seed'], seed));
  for (const o of overrides) applyOverride(raw, o);
  const source = path;
  const base = validateScenario(raw, source, overrides);
  let axes: ReturnType<typeof parseVary>[];
  if (args.vary.length > 0) {
    axes = args.vary.map(parseVary);
  } else if (base.sweep !== undefined) {
    axes = base.sweep.vary.map((v, i) => {
      // Where the item was written: the last --set that set it or a block holding it, else the file.
      const at = ['sweep', 'vary', i];
      const setBy = [...overrides]
        .reverse()
        .find((o) => o.path.length > 0 && o.path.every((k, j) => j >= at.length || String(k) === String(at[j])));
      const where = setBy?.source ?? path;
      try {
        return { ...parseVary(v), written: { file: where, item: `sweep.vary[${i}] ${v}` } };
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`${where}: at sweep.vary[${i}]: ${e.message.replace(/^--vary /, '')}`);
        throw e;
      }
    });
  } else {
    // A sweep's usual axis is the load; a plan chooses among the server's settings, so its
    // example is the one a capacity question starts from.
    const ask =
      command === 'plan'
        ? 'name the configurations to choose from: --vary server.workers=1..8'
        : 'name what to vary: --vary client.concurrency=10..200:10';
    throw new UserError(`${command}: ${ask} (or give ${path} a "sweep" block)`);
  }
  checkAxes(axes);
  const replications =
    numberFlag(
      '--replications',
      args.replications,
      { whole: true, min: 1, max: MAX_REPLICATIONS, why: "the 95 % interval narrows as 1/sqrt(R): by then to 1 % of one run's spread" },
      '5',
    ) ??
    base.sweep?.replications ??
    1;
  // Every run is a simulation of up to limits.maxEvents events: refuse a sweep that could not
  // end this year, or a grid larger than the command can hold (limit).
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points * replications > limit.max) {
    // Named where the numbers were given: the flag, else the --vary axes, else the file's block.
    const flag =
      args.replications !== undefined
        ? `--replications ${String(args.replications)}`
        : args.vary.length > 0
          ? args.vary.map((v) => `--vary ${v}`).join(' ')
          : `${path}: at sweep.${replications > 1 ? 'replications' : 'vary'}`;
    throw new UserError(`${flag}: ${msg.tooManyRuns(points, replications, limit.max, limit.why)}`);
  }
  return { name: base.name ?? basename(path).replace(/\.json$/, ''), source, raw, base, axes, replications };
}
