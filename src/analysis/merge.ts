// `sim merge`: the outputs of the shards of one sweep, joined into the output the sweep
// would have given in one piece. Shards must agree on the sweep (same scenario digest,
// axes, replications and seeds) and cover every point exactly once.
import { UserError } from '../scenario/errors.js';
import type { SweepOutput } from './sweep.js';

export interface ShardFile {
  /** Where it came from, for messages. */
  source: string;
  output: SweepOutput;
}

export function mergeShards(files: readonly ShardFile[]): SweepOutput {
  if (files.length === 0) throw new UserError('merge: name the shard outputs to join (JSON written by sim sweep --shard i/n --json FILE)');
  for (const f of files) {
    const o = f.output as Partial<SweepOutput> | null;
    if (o === null || typeof o !== 'object' || typeof o.sweep !== 'object' || !Array.isArray(o.points)) {
      throw new UserError(`${f.source}: not the JSON output of sim sweep (expected "sweep" and "points")`);
    }
  }
  const first = files[0];
  const header = JSON.stringify(first.output.sweep);
  for (const f of files.slice(1)) {
    if (JSON.stringify(f.output.sweep) !== header) {
      throw new UserError(`${f.source}: from another sweep than ${first.source} (scenario, --vary, --set or replications differ)`);
    }
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
    const hint = shard !== undefined ? `; expected the outputs of all ${shard.count} shards, --shard 1/${shard.count} to ${shard.count}/${shard.count}` : '';
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', ...' : '');
    throw new UserError(`merge: ${missing.length} of ${total} points missing (${shown})${hint}`);
  }
  const points = [...byIndex.values()].map((v) => v.point).sort((a, b) => a.index - b.index);
  return { sweep: first.output.sweep, points };
}
