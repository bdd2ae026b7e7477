// A sweep's JSON comes in pieces of a point each, whose bytes are JSON.stringify's of the
// whole: one string of a large sweep's JSON can be longer than V8 allows.
import { describe, expect, it } from 'vitest';
import { runSweep, type SweepOutput } from '../../../src/analysis/sweep/sweep.js';
import { sweepJson } from '../../../src/analysis/sweep/sweepJson.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { gthreadSweep } from '../../helpers.js';

const raw = gthreadSweep({ description: 'json pieces', seed: 5, requests: 20, concurrency: 4, sleep: '10ms' });
const run = (vary: string[], replications: number) =>
  runSweep(
    // A name with what the pieces are cut at: a line break and the points' marker.
    {
      name: 'a\n  "points": "\u0000"',
      source: 't.json',
      raw,
      base: validateScenario(raw, 't.json'),
      axes: vary.map(parseVary),
      replications,
    },
    { jobs: 1 },
  );

describe('sweepJson', () => {
  it("gives JSON.stringify's bytes, a point a piece", async () => {
    const outputs: SweepOutput[] = [
      await run(['server.workers=1..3', 'server.workerClass=gthread,sync'], 2),
      { ...(await run(['server.workers=1..4'], 1)), shard: { index: 2, count: 3 } },
    ];
    const interrupted = await run(['server.workers=1..4'], 1);
    outputs.push({ ...interrupted, points: interrupted.points.slice(0, 1), missing: [1, 2, 3] });
    outputs.push({ ...interrupted, points: [], missing: [0, 1, 2, 3] });
    for (const out of outputs) {
      const pieces = [...sweepJson(out)];
      expect(pieces.join('')).toBe(`${JSON.stringify(out, null, 2)}\n`);
      expect(pieces).toHaveLength(out.points.length === 0 ? 1 : out.points.length + 2);
      out.points.forEach((p, i) => {
        expect(JSON.parse(pieces[i + 1].replace(/,\n$/, ''))).toEqual(p);
      });
    }
  });
});
