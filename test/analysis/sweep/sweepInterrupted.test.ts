// Ctrl-C during a sweep: the runs stop, the points finished so far are kept (exactly as
// a whole sweep would have computed them), and the output says which points are missing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSweep, type SweepDefinition } from '../../../src/analysis/sweep/sweep.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { main } from '../../../src/cli/main.js';
import { validateScenario } from '../../../src/scenario/load.js';

const raw = {
  description: 'interrupted sweep',
  client: { requests: 40, concurrency: 4 },
  server: { workerClass: 'gthread', workers: 2, threads: 2 },
  app: { steps: [{ kind: 'sleep', time: { dist: 'exponential', mean: '20ms' } }] },
};
const def: SweepDefinition = {
  name: 'interrupted',
  source: 'interrupted.json',
  raw,
  base: validateScenario(structuredClone(raw), 'interrupted.json'),
  axes: [parseVary('client.concurrency=1..8')],
  replications: 2,
};

describe('an interrupted sweep', () => {
  for (const jobs of [1, 2]) {
    it(`keeps the points finished before Ctrl-C, as the whole sweep computes them (jobs ${jobs})`, async () => {
      const whole = await runSweep(def, { jobs });
      const stop = new AbortController();
      // Ctrl-C after the fifth of 16 runs. On one thread that is points 0 and 1 whole
      // and half of point 2; on threads, which ones finished depends on the threads.
      const out = await runSweep(def, { jobs, signal: stop.signal, onProgress: (done) => done === 5 && stop.abort() });
      expect(out.points.length + out.missing!.length).toBe(8);
      if (jobs === 1) expect(out.missing).toEqual([2, 3, 4, 5, 6, 7]);
      expect(out.missing!.length).toBeGreaterThan(0);
      for (const p of out.points) expect(p).toEqual(whole.points[p.index]);
      expect([...out.points.map((p) => p.index), ...out.missing!].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });
  }

  it('sim sweep: writes what it has, says how many points are missing, exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-sweep-int-'));
    const file = join(dir, 'scenario.json');
    const json = join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(raw));
    let err = '';
    let out = '';
    let stop = () => {};
    const code = await main(['sweep', file, '--vary', 'client.concurrency=1..8', '--jobs', '1', '--json', json], {
      out: (t) => (out += t),
      // The progress bar's third update stands for the moment the user presses Ctrl-C.
      err: (t) => {
        err += t;
        if (t.includes(' 3/8')) stop();
      },
      errIsTTY: true,
      onInterrupt: (s) => {
        stop = s;
        return () => (stop = () => {});
      },
    });
    expect(code).toBe(130);
    const saved = JSON.parse(readFileSync(json, 'utf8'));
    expect(saved.points.map((p: { index: number }) => p.index)).toEqual([0, 1, 2]);
    expect(saved.missing).toEqual([3, 4, 5, 6, 7]);
    expect(err).toContain(
      `sim: interrupted: 3 points finished and kept (in ${json}); 5 of 8 missing: run the sweep again to complete it\n`,
    );
    expect(out).toContain('INTERRUPTED: 5 of 8 points missing (Ctrl-C)');
  });
});
