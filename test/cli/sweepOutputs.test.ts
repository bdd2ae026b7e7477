// Where a sweep's output goes, and in what pieces: the JSON or CSV of a large sweep is
// written a batch of points at a time, never as one string, which V8 caps.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSweep, type SweepOutput } from '../../src/analysis/sweep/sweep.js';
import { parseVary } from '../../src/analysis/sweep/vary.js';
import type { Io } from '../../src/cli/main.js';
import { emitSweep } from '../../src/cli/sweepOutputs.js';
import { validateScenario } from '../../src/scenario/load.js';
import { gthreadSweep } from '../helpers.js';

const raw = gthreadSweep({ description: 'outputs', seed: 5, requests: 20, concurrency: 4, sleep: '10ms' });
const small = await runSweep(
  {
    name: 'outputs',
    source: 't.json',
    raw,
    base: validateScenario(raw, 't.json'),
    axes: [parseVary('server.workers=1..4')],
    replications: 1,
  },
  { jobs: 1 },
);
// Some 23 MB of JSON and 2 MB of CSV: the points of a small sweep, repeated.
const large: SweepOutput = {
  ...small,
  sweep: { ...small.sweep, points: 15000 },
  points: Array.from({ length: 15000 }, (_, index) => ({ ...small.points[index % 4], index })),
};

function emitted(args: { json?: string; csv?: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), errIsTTY: false };
  emitSweep(large, args, io);
  return { out, err: err.join('') };
}

describe('emitSweep', () => {
  it('prints --json in batches of points, the bytes of the whole', () => {
    const { out } = emitted({ json: '' });
    const whole = `${JSON.stringify(large, null, 2)}\n`;
    expect(whole.length).toBeGreaterThan(16 << 20);
    expect(out.join('')).toBe(whole);
    expect(out.length).toBeGreaterThan(3);
    for (const piece of out) expect(piece.length).toBeLessThan((1 << 20) + 10_000);
  });

  it('prints --csv in batches of rows, and writes the same bytes to files', () => {
    const { out } = emitted({ csv: '' });
    const csv = out.join('');
    expect(csv.split('\r\n')).toHaveLength(15000 + 2);
    expect(out.length).toBeGreaterThan(1);
    for (const piece of out) expect(piece.length).toBeLessThan((1 << 20) + 10_000);
    const dir = mkdtempSync(join(tmpdir(), 'sim-outputs-'));
    const files = { json: join(dir, 'sweep.json'), csv: join(dir, 'sweep.csv') };
    const table = emitted(files);
    expect(readFileSync(files.json, 'utf8')).toBe(`${JSON.stringify(large, null, 2)}\n`);
    expect(readFileSync(files.csv, 'utf8')).toBe(csv);
    expect(table.out.join('')).toMatch(/^Sweep of outputs: --vary server\.workers=1\.\.4, 15000 points\n/);
  });
});
