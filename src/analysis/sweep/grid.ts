// The grid of a sweep: every combination of the axes' values, in a fixed order (the first
// --vary changes slowest), each turned into a validated scenario when it is run. The grid index is a
// point's identity: output rows, shards and merges are all ordered by it, never by which
// thread finished first.
import { BUDGET_SETS } from '../../scenario/budgets.js';
import { UserError } from '../../scenario/errors.js';
import { validateScenario } from '../../scenario/load.js';
import { applyOverride, parseSetExpression } from '../../scenario/overrides.js';
import type { Scenario } from '../../scenario/schema.js';
import { type Axis, type SweepValue, writtenAt } from './vary.js';

/** Larger grids are almost surely a mistake; spread a real one with --shard. */
export const MAX_GRID_POINTS = 1_000_000;

export interface GridPoint {
  index: number;
  /** Field path -> value, in the axes' order. */
  values: Record<string, SweepValue>;
}

/** The points of the grid; refuses a grid beyond MAX_GRID_POINTS. */
export function gridSize(axes: readonly Axis[]): number {
  const size = axes.reduce((n, a) => n * a.values.length, 1);
  if (size > MAX_GRID_POINTS) {
    throw new UserError(`--vary: the grid has ${size} points; at most ${MAX_GRID_POINTS} (split it with --shard, or use coarser steps)`);
  }
  return size;
}

/** The point at a grid index, computed from the index alone: a sweep never lists its grid. */
export function pointAt(axes: readonly Axis[], index: number): GridPoint {
  const values: Record<string, SweepValue> = {};
  // Mixed-radix digits of the index, the last axis fastest.
  const digits = digitsOf(axes, index);
  axes.forEach((axis, a) => {
    // defineProperty: a path named "__proto__" is a key to report as unknown, never the prototype.
    for (const path of axis.paths)
      Object.defineProperty(values, path, { value: axis.values[digits[a]], enumerable: true, writable: true, configurable: true });
  });
  return { index, values };
}

export function expandGrid(axes: readonly Axis[]): GridPoint[] {
  return Array.from({ length: gridSize(axes) }, (_, index) => pointAt(axes, index));
}

function digitsOf(axes: readonly Axis[], index: number): number[] {
  const digits: number[] = [];
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    digits[a] = rest % axes[a].values.length;
    rest = Math.floor(rest / axes[a].values.length);
  }
  return digits;
}

function indexOf(axes: readonly Axis[], digits: readonly number[]): number {
  return axes.reduce((index, axis, a) => index * axis.values.length + digits[a], 0);
}

/** Beyond this many corners (a grid of a dozen axes), only the lowest and the highest are checked up front. */
const MAX_CORNERS = 4096;

/**
 * The points a sweep validates before its first run, in grid order; the others are
 * validated as they are run. Every value of every axis, the other axes at their first
 * value, catches a value bad in itself. The corners, every axis at its smallest or largest
 * value (its first or last when not all numbers), catch most values bad together: the
 * rules between two fields compare them (client.concurrency <= client.requests), and the
 * budgets grow with the sizes, so the grid's worst case is at a corner.
 */
export function checkedPoints(axes: readonly Axis[]): number[] {
  const indexes = new Set<number>();
  axes.forEach((axis, a) => {
    for (let v = 0; v < axis.values.length; v++)
      indexes.add(
        indexOf(
          axes,
          axes.map((_, b) => (b === a ? v : 0)),
        ),
      );
  });
  const ends = axes.map((axis) => [...new Set(extremes(axis.values))]);
  if (ends.reduce((n, e) => n * e.length, 1) > MAX_CORNERS) {
    indexes.add(
      indexOf(
        axes,
        ends.map((e) => e[0]),
      ),
    );
    indexes.add(
      indexOf(
        axes,
        ends.map((e) => e.at(-1)!),
      ),
    );
  } else {
    let corners: number[][] = [[]];
    for (const e of ends) corners = corners.flatMap((digits) => e.map((d) => [...digits, d]));
    for (const digits of corners) indexes.add(indexOf(axes, digits));
  }
  return [...indexes].sort((x, y) => x - y);
}

/** The digits of an axis's smallest and largest values, or of its first and last. */
function extremes(values: readonly SweepValue[]): number[] {
  const last = values.length - 1;
  if (!values.every((v) => typeof v === 'number')) return [0, last];
  let low = 0;
  let high = 0;
  values.forEach((v, i) => {
    if (v < (values[low] as number)) low = i;
    if (v > (values[high] as number)) high = i;
  });
  return [low, high];
}

export interface Shard {
  /** 1-based, as written: --shard 2/4 */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard ${text}: expected i/n with 1 <= i <= n, e.g. --shard 1/4`);
  }
  return { index, count };
}

/**
 * The points of one shard: every n-th point, starting at the i-th. Interleaving (rather
 * than cutting the grid in blocks) gives every shard a share of the slow high-load end.
 */
export function inShard(index: number, shard: Shard | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index - 1;
}

/**
 * The scenario at one point: the raw file with the point's values set, then validated like
 * the file itself, so a bad path or value is reported with the --vary that made it.
 */
export function pointScenario(raw: unknown, point: GridPoint, axes: readonly Axis[], source: string): Scenario {
  return pointScenarios(raw, axes, source)(point);
}

/**
 * pointScenario for many points of one grid: what is the same at every point (the paths
 * read, the --vary each came from, the budgets' advice) is worked out once, and each point's
 * copy of `raw` copies only the objects on the way to the fields the grid sets, sharing the
 * rest (validation only reads it; the values are set on the copied objects). A whole copy
 * (structuredClone) and the paths read again for every point were a quarter of a point's
 * time when --emit validates every point of a grid. The scenarios, and the messages, are
 * the same (test/analysis/sweep/grid.test.ts compares them with a whole copy's).
 */
export function pointScenarios(raw: unknown, axes: readonly Axis[], source: string): (point: GridPoint) => Scenario {
  const axisOf = (path: string) => writtenAt(axes.find((a) => a.paths.includes(path))!);
  const paths = axes.flatMap((a) => a.paths);
  const labels = new Map(paths.map((path) => [path, axisOf(path)]));
  // The keys each path names, as --set reads them. parseVary refuses a path that is not one,
  // naming the --vary (or the file's sweep.vary item); an axis made elsewhere with such a
  // path is read again at each point, which refuses it with the value in the message.
  const keysOf = new Map<string, readonly (string | number)[] | undefined>();
  for (const path of paths) {
    let keys: readonly (string | number)[] | undefined;
    try {
      keys = parseSetExpression(`${path}=0`).path;
    } catch {
      keys = undefined;
    }
    keysOf.set(path, keys);
  }
  const expressions = [...new Set(paths.map(axisOf))].join(' ');
  // sim sweep and sim plan take --set but not --max-events: a budget the grid varies is
  // raised in its --vary (a --set of it would be overridden by the point's value).
  const raise = (budget: string, set: string) => {
    const axis = axes.find((a) => a.paths.some((p) => budget === p || budget.startsWith(`${p}.`)));
    return axis === undefined ? set : `the values of ${writtenAt(axis)}`;
  };
  const budgetFlags = {
    maxEvents: raise('limits.maxEvents', BUDGET_SETS.maxEvents),
    maxSimTime: raise('limits.maxSimTime', BUDGET_SETS.maxSimTime),
  };
  const shown = (v: SweepValue) => (typeof v === 'string' ? v : JSON.stringify(v));
  return (point) => {
    // Each value is an override named by its --vary, so a problem in it names the --vary.
    const overrides = Object.entries(point.values).map(([path, value]) => {
      const keys = keysOf.get(path);
      const named = `${labels.get(path)} (${path}=${shown(value)})`;
      // As --set reads the value's JSON: a primitive is itself (but -0 is 0, and a number
      // beyond a double null); an object or a list is read anew at each point, as a file's JSON is.
      if (keys === undefined || (value !== null && typeof value === 'object'))
        return { ...parseSetExpression(`${path}=${JSON.stringify(value)}`), source: named };
      return { path: keys, value: JSON.parse(JSON.stringify(value)) as unknown, source: named };
    });
    const copy = copyAlong(
      raw,
      overrides.map((o) => o.path),
    );
    for (const o of overrides) applyOverride(copy, o);
    const at = Object.entries(point.values)
      .map(([p, v]) => `${p}=${shown(v)}`)
      .join(' ');
    return validateScenario(copy, `${source} with ${expressions} (at ${at})`, overrides, { budgets: true, budgetFlags });
  };
}

/**
 * A copy of `raw` whose objects on the way to each of `paths` are copies (shallow: the
 * same keys, in the same order), the rest shared with `raw`. Setting those paths
 * (applyOverride) then changes the copy only. Where a path leaves `raw` (a key it does not
 * have, a value that is not an object), the walk stops: applyOverride makes or refuses what
 * is missing, on the copy.
 */
function copyAlong(raw: unknown, paths: readonly (readonly (string | number)[])[]): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const copies = new Set<object>();
  const copyOf = (node: object): object => {
    // A spread defines each key as its own (a key "__proto__" too), as JSON.parse made it.
    const c = Array.isArray(node) ? node.slice() : { ...node };
    copies.add(c);
    return c;
  };
  const root = copyOf(raw);
  for (const path of paths) {
    let node: Record<string | number, unknown> = root as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      if (!Object.hasOwn(node, key)) break;
      const child = node[key];
      if (child === null || typeof child !== 'object') break;
      if (!copies.has(child)) {
        const c = copyOf(child);
        Object.defineProperty(node, key, { value: c, enumerable: true, writable: true, configurable: true });
        node = c as Record<string | number, unknown>;
      } else node = child as Record<string | number, unknown>;
    }
  }
  return root;
}
