// What `sim merge` checks of a shard beyond the shape of its figures (merge.ts): that its
// points are those of the grid its header states, and that its header states the same sweep
// as the other shards'. A shard is a file, and may have been edited: a point's values
// changed, or the header's --vary, and the merge printed a table whose rows were not the
// grid its header names, or joined shards of two grids of one size.
import { UserError } from '../../scenario/errors.js';
import { MAX_GRID_POINTS, pointAt } from './grid.js';
import type { ShardFile } from './merge.js';
import type { SweepHeader } from './sweep.js';
import { type Axis, checkAxes, parseVary } from './vary.js';

const EDITED = '(not a file written by sim sweep --json, or edited since)';

/**
 * Refuses a shard whose header's --vary does not make a grid of its `points`, whose seeds
 * are not one per replication, or whose points are not the grid's at their indexes (nor
 * in its shard, i/n: every n-th point from the i-th). The header's shape is checked before.
 */
export function checkShardGrid(f: ShardFile): void {
  const h = f.output.sweep;
  const fail = (path: string, why: string): never => {
    throw new UserError(`${f.source}: at ${path}: ${why} ${EDITED}`);
  };
  const axes: Axis[] = h.vary.map((expression, i) => {
    try {
      return parseVary(expression);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return fail(`sweep.vary[${i}]`, e.message);
    }
  });
  try {
    checkAxes(axes);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    fail('sweep.vary', e.message);
  }
  // The product, bounded as it grows: an edited --vary of a million values on each axis.
  let size = 1;
  for (const a of axes) size = Math.min(size * a.values.length, MAX_GRID_POINTS + 1);
  if (size !== h.points)
    fail(
      'sweep.points',
      `expected ${size > MAX_GRID_POINTS ? `more than ${MAX_GRID_POINTS}` : size}, the points of the grid of sweep.vary, got number ${h.points}`,
    );
  if (!Array.isArray(h.seeds) || h.seeds.length !== h.replications || h.seeds.some((s) => !Number.isSafeInteger(s)))
    fail(
      'sweep.seeds',
      `expected ${h.replications} whole number${h.replications === 1 ? '' : 's'}, a seed for each of sweep.replications, got ${JSON.stringify(h.seeds)?.slice(0, 80)}`,
    );
  const shard = f.output.shard;
  f.output.points.forEach((point, k) => {
    if (shard !== undefined && point.index % shard.count !== shard.index - 1)
      fail(
        `points[${k}].index`,
        `point ${point.index} is not in shard ${shard.index}/${shard.count}, whose points are ${[0, 1, 2].map((j) => shard.index - 1 + j * shard.count).join(', ')}, ...`,
      );
    const expected = pointAt(axes, point.index).values;
    if (!sameValues(expected, point.values))
      fail(
        `points[${k}].values`,
        `expected ${shown(expected)}, the grid's point ${point.index} under sweep.vary, got ${shown(point.values)}`,
      );
  });
}

/**
 * What makes `h` another sweep than `first` (another shard's header), for the message
 * naming the shard; undefined when they are one sweep.
 */
export function headerDifference(h: SweepHeader, first: SweepHeader, firstSource: string): string | undefined {
  const a = h as unknown as Record<string, unknown>;
  const b = first as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (canonical(a[key]) === canonical(b[key])) continue;
    const what = ABOUT[key] ?? '';
    // Two hashes side by side say nothing more than that they differ.
    if (key === 'digest') return `sweep.digest${what} differs from ${firstSource}'s`;
    return `sweep.${key}${what} is ${shown(a[key])}, in ${firstSource} ${shown(b[key])}`;
  }
  return undefined;
}

/** What each field of the header stands for, in a message. */
const ABOUT: Record<string, string> = {
  scenario: ' (the scenario)',
  digest: ' (the scenario after --set)',
  vary: ' (--vary)',
  replications: ' (--replications)',
  seeds: " (the replications' seeds, from the scenario's seed)",
  points: " (the grid's size)",
};

function sameValues(expected: Record<string, unknown>, found: Record<string, unknown>): boolean {
  const keys = Object.keys(expected);
  if (keys.length !== Object.keys(found).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(found, k)) return false;
    const x = expected[k];
    const y = found[k];
    if (x !== y && (typeof x !== 'object' || x === null || canonical(x) !== canonical(y))) return false;
  }
  return true;
}

/** JSON with every object's keys sorted: a shard rewritten by a tool that orders keys is the same shard. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, value[k]]),
        )
      : value,
  );
}

/** A value in a message, cut short when long. */
function shown(v: unknown): string {
  const text = v === undefined ? 'nothing' : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 110)}...` : text;
}
