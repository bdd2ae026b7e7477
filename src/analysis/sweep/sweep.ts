// A sweep, start to end:
//
//   scenario JSON + axes --expandGrid--> grid points --pointScenario--> validated scenarios,
//     the shard's kept --> runs (point x replication seed) --runAll: threads--> figures
//     --aggregatePoint--> points, ordered by grid index --> SweepOutput (JSON, table, CSV)
//
// Every scenario is validated before the first run, so a bad --vary fails at once.
import { createHash } from 'node:crypto';
import type { Scenario } from '../../scenario/schema.js';
import { aggregatePoint, type SweepPointResult } from './aggregate.js';
import { expandGrid, inShard, pointScenario, type GridPoint, type Shard } from './grid.js';
import { replicationSeeds } from './seeds.js';
import { runAll, type RunnerOptions } from './runner.js';
import type { RunFigures, RunTask } from './runFigures.js';
import type { Axis, SweepValue } from './vary.js';

export interface SweepDefinition {
  /** The scenario's name (its "name", else the file's). */
  name: string;
  /** The file, for messages. */
  source: string;
  /** The scenario as read (after --set), before the grid's values are applied. */
  raw: unknown;
  /** The same, validated: its seed is the base seed. */
  base: Scenario;
  axes: Axis[];
  replications: number;
}

/** What identifies a sweep: shards of the same sweep have equal headers. */
export interface SweepHeader {
  scenario: string;
  /** sha256 of the base scenario (after --set): shards of different files do not merge. */
  digest: string;
  vary: string[];
  replications: number;
  /**
   * The seed of each replication, derived from the base seed: the same at every point
   * (common random numbers) unless the grid varies "seed" itself.
   */
  seeds: number[];
  /** Points in the whole grid. */
  points: number;
}

export interface SweepOutput {
  sweep: SweepHeader;
  /** Present on the output of one shard: which slice of the grid it holds. */
  shard?: Shard;
  points: SweepPointResult[];
  /** Present when the sweep was interrupted: the grid indexes of the points not run. */
  missing?: number[];
}

export interface PreparedPoint {
  point: GridPoint;
  scenario: Scenario;
}

export interface PreparedSweep {
  header: SweepHeader;
  /** The points kept (every point, or those of a shard), each with its scenario. */
  points: PreparedPoint[];
  /** Of every point, the one with the most client.requests (the last point if it has as many): --emit sizes a shard's job by it. */
  heaviest: PreparedPoint;
}

/**
 * The grid with each point's scenario, all validated, so a bad --vary fails at once; only
 * the points `keep` names are kept with their scenarios. A shard's process kept all of a
 * million-point grid's scenarios, gigabytes, more than the job --emit writes asks
 * (SHARD_MEMORY_MB).
 */
export function prepareSweep(def: SweepDefinition, keep: (index: number) => boolean = () => true): PreparedSweep {
  const grid = expandGrid(def.axes);
  const points: PreparedPoint[] = [];
  const requests = (p: PreparedPoint) => p.scenario.client.requests ?? 0;
  // The first point with the most requests, or the last point when it has as many.
  let first: PreparedPoint | undefined;
  let last: PreparedPoint | undefined;
  for (const point of grid) {
    last = { point, scenario: pointScenario(def.raw, point, def.axes, def.source) };
    if (keep(point.index)) points.push(last);
    if (first === undefined || requests(last) > requests(first)) first = last;
  }
  const heaviest = requests(last!) >= requests(first!) ? last! : first!;
  const { sweep: _ignored, ...scenario } = def.base;
  const header: SweepHeader = {
    scenario: def.name,
    digest: createHash('sha256').update(JSON.stringify(scenario)).digest('hex'),
    vary: def.axes.map((a) => a.expression),
    replications: def.replications,
    seeds: replicationSeeds(def.base.seed, def.replications),
    points: grid.length,
  };
  return { header, points, heaviest };
}

export async function runSweep(
  def: SweepDefinition,
  options: RunnerOptions & { shard?: Shard },
  prepared: PreparedSweep = prepareSweep(def, (index) => inShard(index, options.shard)),
): Promise<SweepOutput> {
  const { header, points } = prepared;
  const mine = points.filter((p) => inShard(p.point.index, options.shard));
  // Replication r runs at speed index (seed - 1) + r: with machine.speedVariation the
  // replications cover the machine's speeds evenly, as consecutive seeds of `sim run` do,
  // while their randomness comes from the hashed seeds.
  const tasks: RunTask[] = mine.flatMap(({ scenario }) =>
    replicationSeeds(scenario.seed, def.replications).map((seed, r) => ({
      scenario: { ...scenario, seed },
      name: def.name,
      speedIndex: scenario.seed - 1 + r,
    })),
  );
  const figures = await runAll(tasks, options);
  const r = def.replications;
  // A point counts only with all its replications: an interrupted one is missing.
  const complete = mine.map((_, i) => figures.slice(i * r, (i + 1) * r).every((f) => f !== undefined));
  const results = mine.flatMap(({ point, scenario }, i) =>
    complete[i] ? [aggregatePoint(point, seriesOf(point, def), scenario, figures.slice(i * r, (i + 1) * r) as RunFigures[])] : [],
  );
  const missing = mine.filter((_, i) => !complete[i]).map(({ point }) => point.index);
  return {
    sweep: header,
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
    points: results,
    ...(missing.length > 0 ? { missing } : {}),
  };
}

/** A chart's curve: the values of every axis but the first (which is the x axis). */
function seriesOf(point: GridPoint, def: SweepDefinition): string {
  const rest = def.axes.slice(1).map((a) => `${a.paths.join(',')}=${show(point.values[a.paths[0]])}`);
  return rest.length > 0 ? rest.join(' ') : def.name;
}

function show(v: SweepValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
