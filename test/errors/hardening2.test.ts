// The second hardening round: each case with the input that showed it. In-process (`sim`)
// where the message is all there is to check.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FIT_FREE } from '../../src/analysis/calibration/fit.js';
import { sim } from '../sim.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-hardening2-'));
const scenario = join(dir, 'scenario.json');
const base = {
  description: 'hardening2',
  client: { requests: 20, concurrency: 5 },
  server: { workerClass: 'gevent', workers: 2 },
  app: { steps: [{ kind: 'sleep', time: '20ms' }] },
};
writeFileSync(scenario, JSON.stringify(base, null, 2));

/** One line naming the problem, no stack trace, nothing on stdout, exit 2. */
function refused(r: { code: number | null; out: string; err: string }, names: string) {
  expect(r.err).toContain(names);
  expect(r.err).not.toMatch(/internal error|\n\s+at |FATAL/);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.out).toBe('');
  expect(r.code).toBe(2);
}

describe('a malformed --vary path is named by the --vary typed', () => {
  const why = '"app.steps[x" is not a field path such as server.workers or app.steps[0].time';
  it('sim sweep, --emit and sim plan (it was "--set app.steps[x=1: ...", a --set never typed)', async () => {
    for (const argv of [
      ['sweep', scenario, '--vary', 'app.steps[x=1'],
      ['sweep', scenario, '--vary', 'app.steps[x=1', '--emit', 'slurm', '--shards', '1'],
      ['plan', scenario, '--vary', 'app.steps[x=1', '--target-rps', '10', '--p99', '1s'],
    ]) {
      const r = await sim(...argv);
      refused(r, `sim: --vary app.steps[x=1: ${why}`);
      expect(r.err).not.toContain('--set');
    }
    // One path of several moved together.
    refused(
      await sim('sweep', scenario, '--vary', 'server.workers,app.steps]0=1,2'),
      '--vary server.workers,app.steps]0=1,2: "app.steps]0" is not a field path',
    );
  });

  it("a file's sweep.vary item is named where it is written", async () => {
    const file = join(dir, 'swept.json');
    writeFileSync(file, JSON.stringify({ ...base, sweep: { vary: ['app.steps[x=1'] } }));
    const r = await sim('sweep', file);
    refused(r, `${file}: at sweep.vary[0]: app.steps[x=1: ${why}`);
    expect(r.err).not.toContain('--set');
  });
});

describe('sim sweep --emit kubernetes holds its shards to what an Indexed Job takes', () => {
  // (An axis holds at most 100000 values: two axes.)
  const grid = ['--vary', 'seed=1..50001', '--vary', 'server.workers=1,2'];
  it('refuses more than 100000 shards, before validating the grid (the API server refused the Job at kubectl apply)', async () => {
    refused(
      await sim('sweep', scenario, ...grid, '--emit', 'kubernetes', '--shards', '100001', '--image', 'sim:1'),
      `--shards 100001: --emit kubernetes runs the shards as one Indexed Job (completions, parallelism and maxFailedIndexes 100001), and the API server refuses an Indexed Job's parallelism and maxFailedIndexes beyond 100000 ("must be less than or equal to 100000"): kubectl apply would fail. Give --shards 100000 or fewer: each shard then runs at most 2 of the 100002 points, and the merged sweep is the same`,
    );
  });

  it('a grid of fewer points is refused at its points, as before', async () => {
    refused(
      await sim('sweep', scenario, '--vary', 'seed=1..5', '--emit', 'kubernetes', '--shards', '100001'),
      "--shards 100001: expected at most 5, the grid's points",
    );
  });
});

describe('sim fit: the --free fields are bounded, and --max-evaluations counts the starting simplex', () => {
  const hey = 'test/fixtures/hey/patched-c10.r1.txt';
  const many = join(dir, 'many-steps.json');
  writeFileSync(many, JSON.stringify({ ...base, app: { steps: Array.from({ length: 70 }, () => ({ kind: 'sleep', time: '1ms' })) } }));
  const fields = (n: number) => Array.from({ length: n }, (_, i) => `app.steps[${i}].time`).join(',');

  it(`refuses more than ${MAX_FIT_FREE} fields (any number was taken, the starting simplex alone n + 1 simulations)`, async () => {
    const r = await sim('fit', many, hey, '--free', fields(MAX_FIT_FREE + 1), '--max-evaluations', '1000');
    refused(
      r,
      `: ${MAX_FIT_FREE + 1} fields; at most ${MAX_FIT_FREE}: a simplex search has taken about 130 evaluations a field to converge`,
    );
    expect(r.err).toMatch(/^sim: --free app\.steps\[0\]\.time,app\.steps\[1\]\.time,.*\.\.\..* \(\d+ characters\): 65 fields/);
  });

  it('refuses --max-evaluations below the starting simplex (it spent n + 1 evaluations whatever it said)', async () => {
    refused(
      await sim('fit', many, hey, '--free', fields(3), '--max-evaluations', '3'),
      '--max-evaluations 3: a simplex search starts with 4 evaluations (the starting values, then each of the 3 --free fields moved once), counted in --max-evaluations: give --max-evaluations 4 or more, or fewer --free fields',
    );
  });

  it('spends at most --max-evaluations in a search (a shrink went past it by up to n)', async () => {
    const r = await sim('fit', many, hey, '--free', fields(3), '--max-evaluations', '6', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    // The first evaluation, then one search that ran out (a search that does not converge is not restarted).
    expect(out.converged).toBe(false);
    expect(out.evaluations).toBeLessThanOrEqual(1 + 6);
  });
});
