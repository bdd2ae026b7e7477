import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSweep, type SweepOutput } from '../../../src/analysis/sweep/sweep.js';
import { sweepText } from '../../../src/analysis/sweep/sweepText.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { parseJson, validateScenario } from '../../../src/scenario/load.js';

describe('sweepText', () => {
  // Its queueing lines, three a point here, were pushed as arguments of one call, which
  // overflowed the stack past some hundred thousand, after the whole sweep had run.
  it('prints the queueing check of every point of a large sweep', async () => {
    const raw = parseJson(readFileSync('scenarios/mmc-sync.json', 'utf8'), 'mmc-sync.json') as { client: { requests: number } };
    raw.client.requests = 300;
    const def = {
      name: 'mmc',
      source: 'mmc.json',
      raw,
      base: validateScenario(raw, 'mmc.json'),
      axes: [parseVary('server.workers=4')],
      replications: 2,
    };
    const one = await runSweep(def, { jobs: 1 });
    expect(one.points[0].queueing?.comparisons).toHaveLength(2);
    const n = 60_000;
    const large: SweepOutput = {
      ...one,
      sweep: { ...one.sweep, points: n },
      points: Array.from({ length: n }, (_, index) => ({ ...one.points[0], index })),
    };
    const lines = sweepText(large).split('\n');
    expect(lines.filter((l) => l.startsWith('  server.workers=4: Erlang C'))).toHaveLength(n);
    expect(lines.filter((l) => l.startsWith('    mean wait Wq (s): theory'))).toHaveLength(n);
  });
});
