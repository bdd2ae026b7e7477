// `sim merge`: the outputs of the shards of one sweep, joined into the output the sweep
// would have given in one piece. Shards must agree on the sweep (same scenario digest,
// axes, replications and seeds), hold the points of its grid (shardGrid.ts) and cover every
// point exactly once.
import * as msg from '../../messages.js';
import { UserError } from '../../scenario/errors.js';
import { sweepId, type SweepOutput } from './sweep.js';
import { MAX_GRID_POINTS } from './grid.js';
import { checkShardGrid, headerDifference } from './shardGrid.js';

export interface ShardFile {
  /** Where it came from, for messages. */
  source: string;
  output: SweepOutput;
  /** The 0-based shard its name says it holds (shard-<i>.json in a folder), when it has such a name. */
  named?: number;
}

/**
 * The sweep the shards must be of, when the merge is told (the jobs of sim sweep --emit tell
 * it): shards agreeing with one another is not enough where an earlier sweep's outputs may
 * lie on the same volume, complete and agreeing among themselves.
 */
export interface ExpectedSweep {
  /** sweepId of the shards' header. */
  sweepId?: string;
  /** The count every shard was cut with (--shards N); a file named shard-<i>.json must then hold shard i (0-based). */
  shards?: number;
}

export function mergeShards(files: readonly ShardFile[], expected: ExpectedSweep = {}): SweepOutput {
  if (files.length === 0) throw new UserError('merge: name the shard outputs to join (JSON written by sim sweep --shard i/n --json FILE)');
  for (const f of files) {
    const o = f.output as Partial<SweepOutput> | null;
    if (o === null || typeof o !== 'object' || o.sweep === null || typeof o.sweep !== 'object' || !Array.isArray(o.points)) {
      throw new UserError(`${f.source}: not the JSON output of sim sweep (expected "sweep" and "points")`);
    }
  }
  for (const f of files) checkShard(f);
  for (const f of files) checkExpected(f, expected);
  for (const f of files) checkShardGrid(f);
  const first = files[0];
  for (const f of files.slice(1)) {
    const differs = headerDifference(f.output.sweep, first.output.sweep, first.source);
    if (differs !== undefined)
      throw new UserError(
        `${f.source}: from another sweep than ${first.source}: ${differs} (the shards of one sweep share its scenario, --set, --vary and replications)`,
      );
    const [a, b] = [f.output.shard, first.output.shard];
    if (a !== undefined && b !== undefined && a.count !== b.count)
      throw new UserError(
        `${f.source}: shard ${a.index}/${a.count}, cut into ${a.count} shards where ${first.source} (shard ${b.index}/${b.count}) was cut into ${b.count}: the shards of one sweep are cut alike`,
      );
  }
  const byIndex = new Map<number, { source: string; point: SweepOutput['points'][number] }>();
  for (const f of files) {
    for (const point of f.output.points) {
      const seen = byIndex.get(point.index);
      if (seen !== undefined) throw new UserError(`${f.source}: point ${point.index} is also in ${seen.source} (the same shard twice?)`);
      byIndex.set(point.index, { source: f.source, point });
    }
  }
  const total = first.output.sweep.points;
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0 || byIndex.size !== total) {
    const shard = files.map((f) => f.output.shard).find((s) => s !== undefined);
    const hint =
      shard !== undefined
        ? `; expected the outputs of all ${shard.count} shards, --shard 1/${shard.count} to ${shard.count}/${shard.count}`
        : '';
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', ...' : '');
    throw new UserError(`merge: ${missing.length} of ${total} points missing (${shown})${hint}`);
  }
  const points = [...byIndex.values()].map((v) => v.point).sort((a, b) => a.index - b.index);
  return { sweep: first.output.sweep, points };
}

/** A shard of the sweep expected, cut into the shards expected, and the one its file name says. */
function checkExpected(f: ShardFile, expected: ExpectedSweep): void {
  if (expected.sweepId !== undefined) {
    const id = sweepId(f.output.sweep);
    if (id !== expected.sweepId) throw new UserError(`${f.source}: ${msg.shardOfOtherSweep(id, expected.sweepId)}`);
  }
  // The count and the names only when told the count: a folder of shard-<i>.json files
  // numbered from 1 (--shard i/n) merged before, and still does without --shards.
  if (expected.shards === undefined) return;
  const shard = f.output.shard;
  if (shard === undefined) throw new UserError(`${f.source}: ${msg.wholeSweepNotShard}`);
  const { index, count } = shard;
  if (count !== expected.shards) throw new UserError(`${f.source}: ${msg.shardOfOtherCount(index, count, expected.shards)}`);
  if (f.named !== undefined && index !== f.named + 1) throw new UserError(`${f.source}: ${msg.shardMisnamed(index, count, f.named)}`);
}

/** What each figure of a point is, as aggregatePoint writes it (aggregate.ts). */
type Shape =
  | 'number'
  | 'string'
  | 'boolean'
  | { nullable: Shape }
  | { optional: Shape }
  | { object: Record<string, Shape> }
  | { record: Shape }
  | { list: Shape };

const pair: Shape = { list: 'number' };
const ESTIMATE: Shape = { object: { mean: 'number', ci95: { optional: pair }, range: { optional: pair } } };
const POINT: Record<string, Shape> = {
  series: 'string',
  requestsPerSec: ESTIMATE,
  perSec: { object: { '2xx': ESTIMATE, '5xx': ESTIMATE, errors: ESTIMATE } },
  statusCodes: { record: 'number' },
  errors: ESTIMATE,
  failed: ESTIMATE,
  latency: { object: { p50: { nullable: ESTIMATE }, p90: { nullable: ESTIMATE }, p99: { nullable: ESTIMATE } } },
  dbPeakOpen: { nullable: ESTIMATE },
  bottleneck: 'string',
  busiest: { nullable: { object: { resource: 'string', utilization: 'number' } } },
  littlesLaw: { object: { L: ESTIMATE, lambdaW: ESTIMATE } },
  utilization: {
    list: { object: { resource: 'string', capacity: 'number', law: { optional: ESTIMATE }, measured: { optional: ESTIMATE } } },
  },
  queueing: {
    optional: {
      object: {
        model: 'string',
        c: 'number',
        lambda: 'number',
        mu: 'number',
        rho: 'number',
        formula: 'string',
        comparisons: {
          list: { object: { measure: 'string', predicted: 'number', simulated: ESTIMATE, agrees: { nullable: 'boolean' } } },
        },
        note: { optional: 'string' },
      },
    },
  },
  partial: { optional: 'number' },
  incident: {
    optional: {
      object: {
        recovered: { nullable: 'number' },
        recoverySeconds: { nullable: ESTIMATE },
        horizon: { nullable: 'number' },
        amplification: { nullable: ESTIMATE },
        goodputAfter: { nullable: ESTIMATE },
      },
    },
  },
};

/**
 * A shard is a file: it may have been edited, cut or written by something else. Each
 * figure is checked against what sim sweep writes there before it is summed and printed,
 * so a string, a null or a list where a figure belongs is named with its place rather
 * than breaking the merge (a null mean was "internal error: Cannot read properties of
 * null (reading 'toFixed')").
 */
function checkShard(f: ShardFile): void {
  const o = f.output;
  const fail = (path: string, expected: string, found: unknown): never => {
    throw new UserError(
      `${f.source}: at ${path}: expected ${expected}, got ${describe(found)} (not a file written by sim sweep --json, or edited since)`,
    );
  };
  if (Array.isArray(o.sweep)) fail('sweep', 'an object', o.sweep);
  const shard = o.shard as unknown;
  if (shard !== undefined) {
    const s = shard as Record<string, unknown> | null;
    if (
      s === null ||
      typeof s !== 'object' ||
      !Number.isInteger(s.count) ||
      !Number.isInteger(s.index) ||
      (s.count as number) < 1 ||
      (s.index as number) < 1 ||
      (s.index as number) > (s.count as number)
    )
      fail('shard', '{"index": i, "count": n}, 1 <= i <= n, as --shard i/n writes it', shard);
  }
  const h = o.sweep as unknown as Record<string, unknown>;
  if (!Number.isInteger(h.points) || (h.points as number) < 1 || (h.points as number) > MAX_GRID_POINTS)
    fail('sweep.points', `a whole number from 1 to ${MAX_GRID_POINTS}`, h.points);
  if (!Number.isInteger(h.replications) || (h.replications as number) < 1)
    fail('sweep.replications', 'a whole number >= 1', h.replications);
  // The text, the CSV and the charts print the header's scenario and --vary: a shard
  // without them was "internal error: Cannot read properties of undefined (reading 'map')".
  if (typeof h.scenario !== 'string') fail('sweep.scenario', 'a string', h.scenario);
  if (!Array.isArray(h.vary) || h.vary.length === 0 || h.vary.some((v) => typeof v !== 'string'))
    fail('sweep.vary', 'a list of the --vary expressions, such as ["server.workers=1,2"]', h.vary);
  const total = h.points as number;
  o.points.forEach((point, i) => {
    const at = `points[${i}]`;
    if (point === null || typeof point !== 'object' || Array.isArray(point)) fail(at, 'an object', point);
    if (!Number.isInteger(point.index) || point.index < 0 || point.index >= total)
      fail(`${at}.index`, `a whole number from 0 to ${total - 1}`, point.index);
    checkValues(point.values, `${at}.values`);
    const { index: _index, values: _values, ...figures } = point;
    check(figures, { object: POINT }, at);
  });
  function check(value: unknown, shape: Shape, path: string): void {
    if (shape === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a number', value);
    } else if (shape === 'string' || shape === 'boolean') {
      if (typeof value !== shape) fail(path, shape === 'string' ? 'a string' : 'true or false', value);
    } else if ('nullable' in shape) {
      if (shape.nullable === 'boolean' && value !== null && typeof value !== 'boolean') fail(path, 'true, false or null', value);
      if (value !== null) check(value, shape.nullable, path);
    } else if ('optional' in shape) {
      if (value !== undefined) check(value, shape.optional, path);
    } else if ('list' in shape) {
      if (!Array.isArray(value)) fail(path, 'a list', value);
      for (const [k, v] of (value as unknown[]).entries()) check(v, shape.list, `${path}[${k}]`);
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'an object', value);
      const object = value as Record<string, unknown>;
      if ('record' in shape) {
        for (const [k, v] of Object.entries(object)) check(v, shape.record, `${path}.${k}`);
        return;
      }
      for (const k of Object.keys(object))
        if (!(k in shape.object)) fail(`${path}.${k}`, 'nothing (sim sweep writes no such key)', object[k]);
      for (const [k, s] of Object.entries(shape.object)) check(object[k], s, `${path}.${k}`);
    }
  }
  function checkValues(values: unknown, path: string): void {
    if (values === null || typeof values !== 'object' || Array.isArray(values)) fail(path, 'an object of swept values', values);
    for (const [k, v] of Object.entries(values as object)) {
      // An object or a list too: --vary 'app.pool={"size":5},{"size":20}' sweeps whole sections.
      const section = v !== null && typeof v === 'object';
      if (!(section || ['number', 'string', 'boolean'].includes(typeof v)) || (typeof v === 'number' && !Number.isFinite(v)))
        fail(`${path}.${k}`, 'a number, string, boolean, object or list', v);
    }
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 50)}...` : v)}`;
  return `${v === null ? 'null' : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`}`;
}
