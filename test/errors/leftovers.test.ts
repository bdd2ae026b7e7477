// The leftovers of the hardening audits: each with the input that showed it. In-process
// (`sim`) where the message is all there is to check; as a process where the environment or
// a special file is the input.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_FIT_EVALUATIONS } from '../../src/analysis/calibration/fit.js';
import { sim } from '../sim.js';
import { refusedOnOneLine, scratchScenario, simProcess } from './refusal.js';

const { dir, scenario, base } = scratchScenario('leftovers');
const hey = 'test/fixtures/hey/patched-c10.r1.txt';

describe('sim fit --max-evaluations has an upper bound', () => {
  it('refuses a count beyond it (1e9 was taken: a search that did not converge ran on for days)', async () => {
    refusedOnOneLine(
      await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', String(MAX_FIT_EVALUATIONS + 1)),
      `--max-evaluations ${MAX_FIT_EVALUATIONS + 1}: expected at most ${MAX_FIT_EVALUATIONS} (each evaluation simulates every measured configuration`,
    );
    refusedOnOneLine(await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', '1e9'), '--max-evaluations 1e9');
  });

  it('takes the bound itself, and still refuses what it refused', async () => {
    const r = await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', String(MAX_FIT_EVALUATIONS), '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).evaluations).toBeLessThan(MAX_FIT_EVALUATIONS);
    refusedOnOneLine(
      await sim('fit', scenario, hey, '--free', 'app.steps[0].time', '--max-evaluations', '2.5'),
      '--max-evaluations 2.5: expected a whole number >= 1, got "2.5"',
    );
  });
});

describe('input size limit and unreadable files: messages', () => {
  it('a SIM_MAX_INPUT_MB under a byte is refused (it was a limit of 0 bytes, "the 0 MB limit")', () => {
    refusedOnOneLine(
      simProcess(['run', scenario], { env: { SIM_MAX_INPUT_MB: '0.0000001' } }),
      'SIM_MAX_INPUT_MB=0.0000001: expected a number of megabytes >= 0.000001 (1 byte; 1 MB is 1048576 bytes), got "0.0000001"',
    );
  });

  it('a limit of a fraction of a megabyte is said in bytes (it was "the 0.2999992370605469 MB limit")', () => {
    const r = simProcess(['run', scenario], { env: { SIM_MAX_INPUT_MB: '0.0001' } });
    refusedOnOneLine(r, 'larger than the limit of 104 bytes (SIM_MAX_INPUT_MB raises it)');
    expect(r.err).not.toContain(' MB limit');
    refusedOnOneLine(simProcess(['run', '/dev/zero'], { env: { SIM_MAX_INPUT_MB: '0.3' } }), 'larger than the limit of 314572 bytes');
    // Whole megabytes are said as before.
    refusedOnOneLine(
      simProcess(['run', '/dev/zero'], { env: { SIM_MAX_INPUT_MB: '1' } }),
      'larger than the 1 MB limit (SIM_MAX_INPUT_MB raises it)',
    );
  });

  it.runIf(existsSync('/proc/self/mem'))('a special file whose reads fail is named as such (it was "EIO: i/o error, read")', async () => {
    const mem = await sim('run', '/proc/self/mem');
    refusedOnOneLine(mem, '/proc/self/mem: cannot read the scenario: the system refused to read it (EIO): a special file');
    expect(mem.err).not.toContain('i/o error, read');
  });

  it('a path through a file names the problem in words (it was "ENOTDIR: not a directory, open ...")', async () => {
    refusedOnOneLine(await sim('run', join(scenario, 'x.json')), 'cannot read the scenario: a file is in the way where a folder should be');
  });
});

describe("sim sweep --emit slurm holds its shards to Slurm's MaxArraySize", () => {
  const grid = ['--vary', 'seed=1..1100'];
  it('refuses more than 1001 shards, before validating the grid (the script said --array=0-1001, which sbatch refuses)', async () => {
    const r = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '1002');
    refusedOnOneLine(
      r,
      `--shards 1002: --emit slurm puts the shards in one job array (--array=0-1001), and Slurm's MaxArraySize, 1001 unless slurm.conf raises it, allows the indices 0 to 1000: sbatch would refuse it ("Invalid job array specification"). Give --shards 1001 or fewer: each shard then runs at most 2 of the 1100 points, and the merged sweep is the same`,
    );
  });

  it('writes the largest array Slurm takes by default, and Kubernetes is not held to it', async () => {
    const slurm = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '1001', '--json', join(dir, 'out.json'));
    expect(slurm.err).toBe('');
    expect(slurm.out).toContain('\n#SBATCH --array=0-1000\n');
    const kubernetes = await sim('sweep', scenario, ...grid, '--emit', 'kubernetes', '--shards', '1002', '--image', 'sim:1');
    expect(kubernetes.code).toBe(0);
  });

  it('a grid of fewer points is refused at its points, as before', async () => {
    refusedOnOneLine(
      await sim('sweep', scenario, '--vary', 'seed=1..5', '--emit', 'slurm', '--shards', '2000'),
      "--shards 2000: expected at most 5, the grid's points",
    );
  });
});

describe('a sweep keeps little for each point it has finished', () => {
  // Every finished point is held until the sweep ends (its output): with a million points a
  // kilobyte a point is a gigabyte. A point's statusCodes, {"200": n} or {"599": n} built key
  // by key, was kept by V8 as a list with room for every index up to the code: 2.6 kB for a
  // 200, 7 kB for a 599, most of the 4 to 9 kB a point took.
  it('about 2 kB a point of 599s in the heap (it was 9 kB), measured on the build with --expose-gc', () => {
    const script = `
      const { loadScenario } = await import('./dist/scenario/load.js');
      const { runFigures } = await import('./dist/analysis/sweep/runFigures.js');
      const { aggregatePoint } = await import('./dist/analysis/sweep/aggregate.js');
      const scenario = loadScenario(process.argv[1], 'tiny.json');
      const runs = [runFigures({ scenario, name: 'tiny' })];
      if (runs[0].statusCodes['599'] !== 1) throw new Error('expected one 599');
      const n = 20000;
      gc();
      const before = process.memoryUsage().heapUsed;
      const kept = Array.from({ length: n }, (_, index) => aggregatePoint({ index, values: { seed: index } }, 'tiny', scenario, runs));
      gc();
      console.log(Math.round((process.memoryUsage().heapUsed - before) / kept.length));
    `;
    const tiny = JSON.stringify({
      ...base,
      client: { requests: 1, concurrency: 1 },
      app: { status: 599, steps: [{ kind: 'sleep', time: '1ms' }] },
    });
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script, tiny], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    const bytes = Number(r.stdout.trim());
    expect(bytes).toBeGreaterThan(200);
    expect(bytes).toBeLessThan(2500);
  });
});
