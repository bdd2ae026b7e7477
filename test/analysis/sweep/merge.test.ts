// sim merge joins the shards of one sweep, and refuses a shard that is not one of them: of
// another sweep, or edited since sim sweep wrote it (its grid, a point's values, its slice),
// naming the file and what differs.
import { describe, expect, it } from 'vitest';
import { mergeShards, type ShardFile } from '../../../src/analysis/sweep/merge.js';
import { runSweep, type SweepOutput } from '../../../src/analysis/sweep/sweep.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { validateScenario } from '../../../src/scenario/load.js';

const raw = {
  description: 'merge',
  seed: 3,
  client: { requests: 6, concurrency: 2, timeout: 0 },
  server: { workerClass: 'sync', workers: 1 },
  app: { steps: [{ kind: 'sleep', time: 0.01 }] },
};
const vary = ['server.workers=1,2', 'client.concurrency=1,2'];

async function sweep(shard?: { index: number; count: number }): Promise<SweepOutput> {
  const def = {
    name: 'merge',
    source: 'merge.json',
    raw,
    base: validateScenario(raw, 'merge.json'),
    axes: vary.map(parseVary),
    replications: 1,
  };
  // Through JSON, as the merge reads a shard from its file.
  return JSON.parse(JSON.stringify(await runSweep(def, { jobs: 1, shard })));
}

const [one, two, whole] = await Promise.all([sweep({ index: 1, count: 2 }), sweep({ index: 2, count: 2 }), sweep()]);
const files = (second: SweepOutput): ShardFile[] => [
  { source: 'part-1.json', output: one },
  { source: 'part-2.json', output: second },
];
const edited = (change: (o: SweepOutput) => void): SweepOutput => {
  const o = structuredClone(two);
  change(o);
  return o;
};

describe('sim merge', () => {
  it('joins the shards of one sweep into the whole sweep', () => {
    expect(mergeShards(files(two))).toEqual(whole);
  });

  it('takes a shard whose header a tool rewrote with its keys in another order for the same sweep', () => {
    const sorted = edited((o) => {
      o.sweep = Object.fromEntries(Object.entries(o.sweep).sort(([a], [b]) => a.localeCompare(b))) as SweepOutput['sweep'];
    });
    expect(mergeShards(files(sorted))).toEqual(whole);
  });

  it('refuses a shard whose --vary was edited with its points, naming the field and both values', () => {
    const other = edited((o) => {
      o.sweep.vary = ['server.workers=1,3', 'client.concurrency=1,2'];
      for (const p of o.points) if (p.values['server.workers'] === 2) p.values['server.workers'] = 3;
    });
    expect(() => mergeShards(files(other))).toThrow(
      'part-2.json: from another sweep than part-1.json: sweep.vary (--vary) is ["server.workers=1,3","client.concurrency=1,2"], in part-1.json ["server.workers=1,2","client.concurrency=1,2"]',
    );
  });

  it("refuses a shard whose point's values were edited: not the grid's point at its index", () => {
    const other = edited((o) => {
      o.points[1].values['server.workers'] = 3;
    });
    expect(() => mergeShards(files(other))).toThrow(
      'part-2.json: at points[1].values: expected {"server.workers":2,"client.concurrency":2}, the grid\'s point 3 under sweep.vary, got {"server.workers":3,"client.concurrency":2}',
    );
  });

  it('refuses shards whose --vary was edited alike in every one: their points are not its grid', () => {
    const retitled = (o: SweepOutput) => ({ ...o, sweep: { ...o.sweep, vary: ['server.workers=7,8', 'client.concurrency=1,2'] } });
    expect(() =>
      mergeShards([
        { source: 'part-1.json', output: retitled(one) },
        { source: 'part-2.json', output: retitled(two) },
      ]),
    ).toThrow('part-1.json: at points[0].values: expected {"server.workers":7,"client.concurrency":1}');
  });

  it('refuses a header whose grid size, seeds or --vary cannot be the grid of its points', () => {
    const points = edited((o) => {
      o.sweep.points = 6;
    });
    expect(() => mergeShards(files(points))).toThrow(
      'part-2.json: at sweep.points: expected 4, the points of the grid of sweep.vary, got number 6',
    );
    const seeds = edited((o) => {
      o.sweep.seeds = [3, 4];
    });
    expect(() => mergeShards(files(seeds))).toThrow(
      'part-2.json: at sweep.seeds: expected 1 whole number, a seed for each of sweep.replications',
    );
    const unreadable = edited((o) => {
      o.sweep.vary = ['server.workers', 'client.concurrency=1,2'];
    });
    expect(() => mergeShards(files(unreadable))).toThrow('part-2.json: at sweep.vary[0]: --vary server.workers: expected path=values');
  });

  it('refuses a shard holding a point outside its slice, or cut into another count than the others', () => {
    const slice = edited((o) => {
      o.shard = { index: 2, count: 3 };
    });
    expect(() => mergeShards(files(slice))).toThrow(
      'part-2.json: at points[1].index: point 3 is not in shard 2/3, whose points are 1, 4, 7, ...',
    );
    const count = edited((o) => {
      o.shard = { index: 2, count: 3 };
      o.points = o.points.filter((p) => p.index === 1);
    });
    expect(() => mergeShards(files(count))).toThrow(
      'part-2.json: shard 2/3, cut into 3 shards where part-1.json (shard 1/2) was cut into 2: the shards of one sweep are cut alike',
    );
  });

  it('says which part of the scenario differs in a shard of another scenario', () => {
    const other = edited((o) => {
      o.sweep.digest = 'f'.repeat(64);
    });
    expect(() => mergeShards(files(other))).toThrow(
      "part-2.json: from another sweep than part-1.json: sweep.digest (the scenario after --set) differs from part-1.json's",
    );
  });
});
