// The leftovers of the hardening audits: each with the input that showed it. In-process
// (`sim`) where the message is all there is to check; as a process where the environment or
// a special file is the input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FIT_EVALUATIONS } from '../../src/analysis/calibration/fit.js';
import { sim } from '../sim.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-leftovers-'));
const scenario = join(dir, 'scenario.json');
const base = {
  description: 'leftovers',
  client: { requests: 20, concurrency: 5 },
  server: { workerClass: 'gevent', workers: 2 },
  app: { steps: [{ kind: 'sleep', time: '20ms' }] },
};
writeFileSync(scenario, JSON.stringify(base, null, 2));
const hey = 'test/fixtures/hey/patched-c10.r1.txt';

/** One line naming the problem, no stack trace, nothing on stdout, exit 2. */
function refused(r: { code: number | null; out: string; err: string }, names: string) {
  expect(r.err).toContain(names);
  expect(r.err).not.toMatch(/internal error|\n\s+at |FATAL/);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.out).toBe('');
  expect(r.code).toBe(2);
}

describe('sim fit --max-evaluations has an upper bound', () => {
  it('refuses a count beyond it (1e9 was taken: a search that did not converge ran on for days)', async () => {
    refused(
      await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', String(MAX_FIT_EVALUATIONS + 1)),
      `--max-evaluations ${MAX_FIT_EVALUATIONS + 1}: expected at most ${MAX_FIT_EVALUATIONS} (each evaluation simulates every measured configuration`,
    );
    refused(await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', '1e9'), '--max-evaluations 1e9');
  });

  it('takes the bound itself, and still refuses what it refused', async () => {
    const r = await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', String(MAX_FIT_EVALUATIONS), '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).evaluations).toBeLessThan(MAX_FIT_EVALUATIONS);
    refused(
      await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', '2.5'),
      '--max-evaluations 2.5: expected a whole number >= 1, got "2.5"',
    );
  });
});
