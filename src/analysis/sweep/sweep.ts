// A sweep, start to end:
//
//   scenario JSON + axes --checkSweep--> the points checkedPoints names, validated
//     --pointAt, pointScenarios, as threads free up--> runs (point x replication seed)
//     --runEach: threads--> figures --aggregatePoint--> points, ordered by grid index
//     --> SweepOutput (JSON, table, CSV)
import { createHash } from 'node:crypto';
import type { Scenario } from '../../scenario/schema.js';
import { aggregatePoint, type SweepPointResult } from './aggregate.js';
import { checkedPoints, gridSize, pointAt, pointScenarios, type GridPoint, type Shard } from './grid.js';
import { replicationSeed, replicationSeeds } from './seeds.js';
import { runEach, type RunnerOptions } from './runner.js';
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

/** What identifies the sweep (shards of one sweep have equal headers); refuses a grid too large. */
export function sweepHeader(def: SweepDefinition): SweepHeader {
  const { sweep: _ignored, ...scenario } = def.base;
  return {
    scenario: def.name,
    digest: createHash('sha256').update(JSON.stringify(scenario)).digest('hex'),
    vary: def.axes.map((a) => a.expression),
    replications: def.replications,
    seeds: replicationSeeds(def.base.seed, def.replications),
    points: gridSize(def.axes),
  };
}

/**
 * The sweep's identity, as the jobs of sim sweep --emit name it: a hash of its header, which
 * every shard carries, so that the merge can tell a shard of this sweep from one an earlier
 * sweep left on the same volume (the same scenario name, other --set, --vary or seed).
 */
export function sweepId(header: SweepHeader): string {
  return createHash('sha256').update(JSON.stringify(header)).digest('hex').slice(0, SWEEP_ID_LENGTH);
}

/** Hex digits of sweepId: 64 bits, which two different sweeps share by chance about once in 10^19. */
export const SWEEP_ID_LENGTH = 16;

/** Validates the points checkedPoints names, so that a bad --vary fails before the first run. */
export function checkSweep(def: SweepDefinition): SweepHeader {
  const header = sweepHeader(def);
  const scenarioAt = pointScenarios(def.raw, def.axes, def.source);
  for (const index of checkedPoints(def.axes)) scenarioAt(pointAt(def.axes, index));
  return header;
}

/**
 * Validates every point of the grid, keeping none, and returns the heaviest: the first with
 * the most client.requests, or the last point if it has as many. --emit sizes a shard's job
 * by it.
 */
export function heaviestPoint(def: SweepDefinition): PreparedPoint {
  const size = gridSize(def.axes);
  const scenarioAt = pointScenarios(def.raw, def.axes, def.source);
  const requests = (p: PreparedPoint) => p.scenario.client.requests ?? 0;
  let first: PreparedPoint | undefined;
  let last: PreparedPoint | undefined;
  for (let index = 0; index < size; index++) {
    const point = pointAt(def.axes, index);
    last = { point, scenario: scenarioAt(point) };
    if (first === undefined || requests(last) > requests(first)) first = last;
  }
  return requests(last!) >= requests(first!) ? last! : first!;
}

/**
 * The bytes a point of the grid takes in a sweep's JSON as sim sweep --json writes it (and
 * about what a shard or the merge holds of it until it ends), figured from one run of the
 * point `prepared` (its figures standing for every replication) with each --vary's longest
 * value in place of the point's own: sim sweep --emit sizes the memory of the shards and of
 * the merge from it (cluster/jobPlan.ts).
 */
export function pointBytes(def: SweepDefinition, prepared: PreparedPoint, run: RunFigures): number {
  const values: Record<string, SweepValue> = {};
  for (const axis of def.axes) {
    let longest = axis.values[0];
    for (const v of axis.values) if (JSON.stringify(v).length > JSON.stringify(longest).length) longest = v;
    for (const path of axis.paths) values[path] = longest;
  }
  const point = { index: gridSize(def.axes) - 1, values };
  const result = aggregatePoint(point, seriesOf(point, def), prepared.scenario, Array(def.replications).fill(run));
  // As sweepJson writes it: indented by 4, and a comma and a line break after it.
  return Buffer.byteLength(`    ${JSON.stringify(result, null, 2).replace(/\n/g, '\n    ')},\n`);
}

export interface SweepOptions extends RunnerOptions {
  shard?: Shard;
  /** Called with each point as it completes, in any order, with its scenario (which the output leaves out). */
  onPoint?: (result: SweepPointResult, scenario: Scenario) => void;
}

/**
 * Runs the grid's points (or a shard's). A point's scenario is made and validated when its
 * first run is handed to a thread, and dropped with its runs' figures once they are reduced
 * to the point's result: what the sweep holds grows with the points finished (its output),
 * not with the grid. A point that fails validation then (values bad only together, which
 * checkSweep did not try) ends the sweep with its message, before anything is written.
 */
export async function runSweep(def: SweepDefinition, options: SweepOptions): Promise<SweepOutput> {
  const header = checkSweep(def);
  const { shard } = options;
  // The shard's points are first, first + step, ...: the k-th of them is at grid index first + k * step.
  const first = shard === undefined ? 0 : shard.index - 1;
  const step = shard === undefined ? 1 : shard.count;
  const own = first < header.points ? Math.ceil((header.points - first) / step) : 0;
  const r = def.replications;
  const scenarioAt = pointScenarios(def.raw, def.axes, def.source);
  const results: (SweepPointResult | undefined)[] = new Array(own);
  // The points with a run handed out and one still to finish, by their place in the shard.
  const open = new Map<number, { point: GridPoint; scenario: Scenario; runs: RunFigures[]; left: number }>();
  // Run t is replication t % r of the shard's point t / r: runs are handed out in this order.
  const taskAt = (t: number): RunTask => {
    const k = Math.floor(t / r);
    let o = open.get(k);
    if (o === undefined) {
      const point = pointAt(def.axes, first + k * step);
      o = { point, scenario: scenarioAt(point), runs: new Array(r), left: r };
      open.set(k, o);
    }
    const { scenario } = o;
    // Replication i runs at speed index (seed - 1) + i: with machine.speedVariation the
    // replications cover the machine's speeds evenly, as consecutive seeds of `sim run` do,
    // while their randomness comes from the hashed seeds.
    return {
      scenario: { ...scenario, seed: replicationSeed(scenario.seed, t % r) },
      name: def.name,
      speedIndex: scenario.seed - 1 + (t % r),
    };
  };
  const onResult = (t: number, figures: RunFigures) => {
    const k = Math.floor(t / r);
    const o = open.get(k)!;
    o.runs[t % r] = figures;
    if (--o.left > 0) return;
    open.delete(k);
    const result = aggregatePoint(o.point, seriesOf(o.point, def), o.scenario, o.runs);
    results[k] = result;
    options.onPoint?.(result, o.scenario);
  };
  await runEach(own * r, taskAt, onResult, options);
  // A point counts only with all its replications: an interrupted one is missing.
  const points: SweepPointResult[] = [];
  const missing: number[] = [];
  for (let k = 0; k < own; k++) {
    const result = results[k];
    if (result !== undefined) points.push(result);
    else missing.push(first + k * step);
  }
  return {
    sweep: header,
    ...(shard !== undefined ? { shard } : {}),
    points,
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
