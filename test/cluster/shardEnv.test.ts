// --shard auto from each engine's variables, --shard-index i --shards n (0-based), and the
// messages when a variable is missing or wrong. Unit tests on resolveShard, then the real
// command with the variables set by hand: each engine's shards, merged, are the same
// bytes as the sweep run whole.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveShard, type Env } from '../../src/cluster/shardEnv.js';
import { gthreadSweep } from '../helpers.js';

const auto = (env: Env, shards?: string) => resolveShard({ shard: 'auto', shards }, env);

describe('resolveShard', () => {
  it('keeps --shard i/n (1-based) and the whole grid without flags', () => {
    expect(resolveShard({ shard: '2/4' }, {})).toEqual({ index: 2, count: 4 });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '3' })).toBeUndefined();
  });

  it('reads --shard-index i --shards n as 0-based', () => {
    expect(resolveShard({ 'shard-index': '0', shards: '4' }, {})).toEqual({ index: 1, count: 4 });
    expect(resolveShard({ 'shard-index': '3', shards: '4' }, {})).toEqual({ index: 4, count: 4 });
  });

  it('Slurm: the index counted from SLURM_ARRAY_TASK_MIN, the count from SLURM_ARRAY_TASK_COUNT or MIN/MAX', () => {
    const slurm = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' };
    expect(auto(slurm)).toEqual({ index: 3, count: 4 });
    // --array=1-4: task 1 is the first shard.
    expect(auto({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' })).toEqual({ index: 1, count: 4 });
    expect(auto({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 4, count: 4 });
    // A task rerun alone (sbatch --array=2): the array has one task, --shards says how many shards there are.
    expect(
      auto({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_MAX: '2' }, '4'),
    ).toEqual({ index: 3, count: 4 });
  });

  it('Kubernetes: JOB_COMPLETION_INDEX with --shards', () => {
    expect(auto({ JOB_COMPLETION_INDEX: '0' }, '3')).toEqual({ index: 1, count: 3 });
    expect(auto({ JOB_COMPLETION_INDEX: '2' }, '3')).toEqual({ index: 3, count: 3 });
  });

  it('AWS Batch: AWS_BATCH_JOB_ARRAY_INDEX with AWS_BATCH_JOB_ARRAY_SIZE (or --shards)', () => {
    expect(auto({ AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toEqual({ index: 2, count: 2 });
    expect(auto({ AWS_BATCH_JOB_ARRAY_INDEX: '4' }, '5')).toEqual({ index: 5, count: 5 });
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'no engine',
      () => auto({}),
      /^--shard auto: no job array's index in the environment: expected SLURM_ARRAY_TASK_ID \(Slurm\), JOB_COMPLETION_INDEX \(Kubernetes\), AWS_BATCH_JOB_ARRAY_INDEX \(AWS Batch\); outside a job array give --shard i\/n/,
    ],
    [
      'Kubernetes without --shards',
      () => auto({ JOB_COMPLETION_INDEX: '1' }),
      /JOB_COMPLETION_INDEX=1 \(a Kubernetes Indexed Job\) gives this shard's index but not the count: add --shards N, N the Job's spec.completions/,
    ],
    [
      'AWS without the size',
      () => auto({ AWS_BATCH_JOB_ARRAY_INDEX: '1' }),
      /AWS_BATCH_JOB_ARRAY_INDEX=1 is set but AWS_BATCH_JOB_ARRAY_SIZE is missing/,
    ],
    [
      'Slurm without the size',
      () => auto({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '0' }),
      /SLURM_ARRAY_TASK_ID=1 is set but the array's size is not: SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MAX missing/,
    ],
    [
      'Slurm array with a step',
      () => auto({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '2' }),
      /the array has gaps or a step; submit a range \(--array=0-1\) or give the count: --shards N/,
    ],
    [
      'an index past the count',
      () => auto({ JOB_COMPLETION_INDEX: '3' }, '3'),
      /JOB_COMPLETION_INDEX=3 is outside the 3 shards \(--shards 3\): expected 0 to 2/,
    ],
    [
      'not a number',
      () => auto({ AWS_BATCH_JOB_ARRAY_INDEX: 'x1', AWS_BATCH_JOB_ARRAY_SIZE: '2' }),
      /AWS_BATCH_JOB_ARRAY_INDEX="x1": expected a whole number >= 0/,
    ],
    [
      'two engines',
      () => auto({ SLURM_ARRAY_TASK_ID: '0', JOB_COMPLETION_INDEX: '0' }, '2'),
      /both SLURM_ARRAY_TASK_ID=0 and JOB_COMPLETION_INDEX=0 are set/,
    ],
    ['--shard-index without --shards', () => resolveShard({ 'shard-index': '1' }, {}), /--shard-index 1: say how many shards there are/],
    [
      '--shard-index past --shards',
      () => resolveShard({ 'shard-index': '4', shards: '4' }, {}),
      /--shard-index 4: expected 0 to 3 \(0-based\) with --shards 4/,
    ],
    [
      '--shard and --shard-index',
      () => resolveShard({ shard: '1/2', 'shard-index': '0', shards: '2' }, {}),
      /give either --shard 1\/2 or --shard-index i --shards n, not both/,
    ],
    [
      '--shards alone',
      () => resolveShard({ shards: '4' }, {}),
      /--shards 4: say which shard this is: --shard-index i \(0-based, 0 to 3\) or --shard auto/,
    ],
    ['--shards with i/n', () => resolveShard({ shard: '1/2', shards: '2' }, {}), /--shards 2: goes with --shard auto or --shard-index i/],
    [
      'a malformed --shard',
      () => resolveShard({ shard: 'Auto!' }, {}),
      /--shard Auto!: expected i\/n with 1 <= i <= n, e.g. --shard 1\/4; or --shard auto/,
    ],
  ])('%s: a message naming what is missing', (_, f, message) => {
    expect(f).toThrow(message);
  });
});

describe('sim sweep --shard auto, with the variables set by hand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-shard-env-'));
  const scenario = join(dir, 'tiny.json');
  writeFileSync(
    scenario,
    JSON.stringify(gthreadSweep({ description: 'a tiny sweep for the shard tests', seed: 5, requests: 30, concurrency: 6, sleep: '5ms' })),
  );
  const grid = ['--vary', 'server.workers=1..5', '--replications', '2', '--jobs', '1'];
  // The environment without any engine's variable (the test may itself run in a job array).
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLURM_|JOB_COMPLETION_INDEX|AWS_BATCH_)/.test(k)));
  const sim = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [resolve('bin/sim.js'), ...args], { env: { ...clean, ...env }, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const whole = sim(['sweep', scenario, ...grid, '--json']);

  it.each<[string, (i: number) => Record<string, string>, string[]]>([
    [
      'Slurm',
      (i) => ({ SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '2' }),
      [],
    ],
    ['Kubernetes', (i) => ({ JOB_COMPLETION_INDEX: String(i) }), ['--shards', '3']],
    ['AWS Batch', (i) => ({ AWS_BATCH_JOB_ARRAY_INDEX: String(i), AWS_BATCH_JOB_ARRAY_SIZE: '3' }), []],
    ['--shard-index', () => ({}), []],
  ])('%s: three shards, merged, are the whole sweep byte for byte', (engine, env, extra) => {
    expect(whole.code).toBe(0);
    const files = [0, 1, 2].map((i) => join(dir, `${engine}-${i}.json`));
    for (const [i, file] of files.entries()) {
      const shardFlags = engine === '--shard-index' ? ['--shard-index', String(i), '--shards', '3'] : ['--shard', 'auto', ...extra];
      const r = sim(['sweep', scenario, ...grid, ...shardFlags, '--json', file], env(i));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(readFileSync(file, 'utf8'));
      // Shard i (0-based) holds every third point from point i.
      expect(out.shard).toEqual({ index: i + 1, count: 3 });
      expect(out.points.map((p: { index: number }) => p.index)).toEqual([i, i + 3].filter((x) => x < 5));
    }
    const merged = sim(['merge', ...files, '--json']);
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(whole.out);
  });

  it('a missing variable: exit 2, one line naming it, no stack trace', () => {
    const k8s = sim(['sweep', scenario, ...grid, '--shard', 'auto'], { JOB_COMPLETION_INDEX: '1' });
    expect(k8s.code).toBe(2);
    expect(k8s.err).toBe(
      "sim: --shard auto: JOB_COMPLETION_INDEX=1 (a Kubernetes Indexed Job) gives this shard's index but not the count: add --shards N, N the Job's spec.completions\n",
    );
    const none = sim(['sweep', scenario, ...grid, '--shard', 'auto']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(
      /^sim: --shard auto: no job array's index in the environment: expected SLURM_ARRAY_TASK_ID \(Slurm\), JOB_COMPLETION_INDEX \(Kubernetes\), AWS_BATCH_JOB_ARRAY_INDEX \(AWS Batch\);.*\n$/,
    );
    const aws = sim(['sweep', scenario, ...grid, '--shard', 'auto'], { AWS_BATCH_JOB_ARRAY_INDEX: '0' });
    expect(aws.code).toBe(2);
    expect(aws.err).toMatch(/^sim: --shard auto: AWS_BATCH_JOB_ARRAY_INDEX=0 is set but AWS_BATCH_JOB_ARRAY_SIZE is missing/);
    for (const r of [k8s, none, aws]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});
