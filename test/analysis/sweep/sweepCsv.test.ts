// The sweep as CSV: one row per point under one header, the same columns whatever the points.
import { describe, expect, it } from 'vitest';
import { sweepCsv } from '../../../src/analysis/sweep/sweepCsv.js';
import { runSweep } from '../../../src/analysis/sweep/sweep.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { validateScenario } from '../../../src/scenario/load.js';

const raw = {
  description: 'csv',
  seed: 7,
  client: { requests: 20, concurrency: 5, timeout: 0 },
  server: { workerClass: 'sync', workers: 2 },
  app: { steps: [{ kind: 'sleep', time: 0.01 }] },
  limits: { maxSimTime: 0.2 },
};

async function csvOf(vary: string, replications = 1): Promise<string[][]> {
  const out = await runSweep(
    { name: 'csv', source: 'csv.json', raw, base: validateScenario(raw, 'csv.json'), axes: [parseVary(vary)], replications },
    { jobs: 1 },
  );
  return [...sweepCsv(out)].map((line) => line.replace(/\r\n$/, '').split(','));
}

describe('a sweep as CSV', () => {
  it("says in a column of every row how many of the point's runs stopped at a budget, 0 for a finished point", async () => {
    // 20 requests of 10 ms at -c 5 on 2 workers end in 0.1 s; 600 would take 3 s, and the
    // 0.2 s budget stops them (the JSON's partial, the table's PARTIAL: line).
    const [header, finished, cut] = await csvOf('client.requests=20,600', 2);
    const column = header.indexOf('partial');
    expect(column).toBeGreaterThan(0);
    expect([finished[column], cut[column]]).toEqual(['0', '2']);
    expect(finished).toHaveLength(header.length);
    expect(cut).toHaveLength(header.length);
  });

  it('keeps the column when no point stopped, so the columns do not depend on the points', async () => {
    const [header, row] = await csvOf('client.requests=20');
    expect(header.slice(0, 4)).toEqual(['client.requests', 'series', 'replications', 'partial']);
    expect(row[3]).toBe('0');
  });
});
