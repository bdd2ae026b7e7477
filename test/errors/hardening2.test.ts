// The second hardening round: each case with the input that showed it. In-process (`sim`)
// where the message is all there is to check.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { MAX_FIT_FREE } from '../../src/analysis/calibration/fit.js';
import { figuresOf } from '../../src/analysis/sweep/runFigures.js';
import { heaviestPoint, pointBytes, type SweepOutput } from '../../src/analysis/sweep/sweep.js';
import { sweepJson } from '../../src/analysis/sweep/sweepJson.js';
import { loadSweep } from '../../src/cli/loadSweep.js';
import { memoryFor, SHARD_MEMORY_MB } from '../../src/cluster/jobPlan.js';
import { simulate } from '../../src/model/system.js';
import { sim } from '../sim.js';
import { refusedOnOneLine, scratchScenario } from './refusal.js';

const { dir, scenario, base } = scratchScenario('hardening2');

describe('a malformed --vary path is named by the --vary typed', () => {
  const why = '"app.steps[x" is not a field path such as server.workers or app.steps[0].time';
  it('sim sweep, --emit and sim plan (it was "--set app.steps[x=1: ...", a --set never typed)', async () => {
    for (const argv of [
      ['sweep', scenario, '--vary', 'app.steps[x=1'],
      ['sweep', scenario, '--vary', 'app.steps[x=1', '--emit', 'slurm', '--shards', '1'],
      ['plan', scenario, '--vary', 'app.steps[x=1', '--target-rps', '10', '--p99', '1s'],
    ]) {
      const r = await sim(...argv);
      refusedOnOneLine(r, `sim: --vary app.steps[x=1: ${why}`);
      expect(r.err).not.toContain('--set');
    }
    // One path of several moved together.
    refusedOnOneLine(
      await sim('sweep', scenario, '--vary', 'server.workers,app.steps]0=1,2'),
      '--vary server.workers,app.steps]0=1,2: "app.steps]0" is not a field path',
    );
  });

  it("a file's sweep.vary item is named where it is written", async () => {
    const file = join(dir, 'swept.json');
    writeFileSync(file, JSON.stringify({ ...base, sweep: { vary: ['app.steps[x=1'] } }));
    const r = await sim('sweep', file);
    refusedOnOneLine(r, `${file}: at sweep.vary[0]: app.steps[x=1: ${why}`);
    expect(r.err).not.toContain('--set');
  });
});

describe('sim sweep --emit kubernetes holds its shards to what an Indexed Job takes', () => {
  // (An axis holds at most 100000 values: two axes.)
  const grid = ['--vary', 'seed=1..50001', '--vary', 'server.workers=1,2'];
  it('refuses more than 100000 shards, before validating the grid (the API server refused the Job at kubectl apply)', async () => {
    refusedOnOneLine(
      await sim('sweep', scenario, ...grid, '--emit', 'kubernetes', '--shards', '100001', '--image', 'sim:1'),
      `--shards 100001: --emit kubernetes runs the shards as one Indexed Job (completions, parallelism and maxFailedIndexes 100001), and the API server refuses an Indexed Job's parallelism and maxFailedIndexes beyond 100000 ("must be less than or equal to 100000"): kubectl apply would fail. Give --shards 100000 or fewer: each shard then runs at most 2 of the 100002 points, and the merged sweep is the same`,
    );
  });

  it('a grid of fewer points is refused at its points, as before', async () => {
    refusedOnOneLine(
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
    refusedOnOneLine(
      r,
      `: ${MAX_FIT_FREE + 1} fields; at most ${MAX_FIT_FREE}: a simplex search has taken about 130 evaluations a field to converge`,
    );
    expect(r.err).toMatch(/^sim: --free app\.steps\[0\]\.time,app\.steps\[1\]\.time,.*\.\.\..* \(\d+ characters\): 65 fields/);
  });

  it('refuses --max-evaluations below the starting simplex (it spent n + 1 evaluations whatever it said)', async () => {
    refusedOnOneLine(
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

describe('sim merge reads a shard over the input-size limit, as sim sweep --json wrote it, point by point', () => {
  // Six points of a real sweep in two shards of three.
  const shards = [join(dir, 'shard-0.json'), join(dir, 'shard-1.json')];
  const whole = join(dir, 'whole.json');
  /** sim with SIM_MAX_INPUT_MB set (in this test's process), restored after. */
  const withLimit = async (mb: string | undefined, ...argv: string[]) => {
    const before = process.env.SIM_MAX_INPUT_MB;
    if (mb === undefined) delete process.env.SIM_MAX_INPUT_MB;
    else process.env.SIM_MAX_INPUT_MB = mb;
    try {
      return await sim(...argv);
    } finally {
      if (before === undefined) delete process.env.SIM_MAX_INPUT_MB;
      else process.env.SIM_MAX_INPUT_MB = before;
    }
  };
  // 2 kB: each shard (three points, about 4 kB) is over it, the points one by one are not.
  const SMALL = String(2048 / 1048576);

  it('makes the shards', async () => {
    for (const [i, file] of shards.entries())
      expect((await sim('sweep', scenario, '--vary', 'seed=1..6', '--shard', `${i + 1}/2`, '--json', file)).code).toBe(0);
    expect((await sim('sweep', scenario, '--vary', 'seed=1..6', '--json', whole)).code).toBe(0);
    for (const file of shards) expect(readFileSync(file).length).toBeGreaterThan(2048);
  });

  it('merges them into the bytes of the whole sweep (they were refused: "larger than the limit")', async () => {
    const r = await withLimit(SMALL, 'merge', ...shards, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(whole, 'utf8'));
  });

  it('a shard of 8,000 points, past the 10 MB default (about 7,000), as a large grid cut in few shards makes', async () => {
    const one = JSON.parse(readFileSync(whole, 'utf8')) as SweepOutput;
    const n = 8000;
    const big: SweepOutput = {
      // The grid of seed=1..n, as its points say (the merge checks them against it).
      sweep: { ...one.sweep, vary: [`seed=1..${n}`], points: n },
      points: Array.from({ length: n }, (_, index) => ({ ...one.points[index % 6], index, values: { seed: index + 1 } })),
    };
    const file = join(dir, 'big.json');
    writeFileSync(file, [...sweepJson(big)].join(''));
    expect(readFileSync(file).length).toBeGreaterThan(10 * 1048576);
    const r = await withLimit(undefined, 'merge', file, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(file, 'utf8'));
  });

  // The same file, edited, read whole (the default limit) and point by point: the same message.
  const edits: [string, (text: string) => string | Buffer, string][] = [
    [
      'a syntax error in a point',
      (t) => t.replace('"requestsPerSec": {\n        "mean"', '"requestsPerSec": {,\n        "mean"'),
      '.json:25:26: not valid JSON: expected a key in double quotes, got ","',
    ],
    [
      'a key twice in a point',
      (t) => t.replace('"series": "', '"series": "x",\n      "series": "'),
      'not valid JSON: the key "series" appears twice',
    ],
    [
      'a figure that is not one',
      (t) => t.replace(/"mean": [\d.]+/, '"mean": "x"'),
      'at points[0].requestsPerSec.mean: expected a number, got string "x"',
    ],
    [
      'a byte that is not UTF-8',
      (t) => {
        const b = Buffer.from(t);
        b[b.indexOf('"series": "') + 11] = 0xff;
        return b;
      },
      'not valid JSON: the byte 0xFF is not UTF-8',
    ],
    ['a point cut short', (t) => `${t.slice(0, t.lastIndexOf('\n    }'))}\n  ]\n}\n`, 'not valid JSON'],
    [
      'the list of the missing points, of an interrupted sweep',
      (t) => t.replace(/\n {2}\]\n\}\n$/, '\n  ],\n  "missing": [\n    5\n  ]\n}\n'),
      'merge: 3 of 6 points missing (1, 3, 5); expected the outputs of all 2 shards',
    ],
  ];
  for (const [what, edit, names] of edits) {
    it(`${what}: the message of the whole file's reading`, async () => {
      const file = join(dir, `edited-${what.replace(/\W+/g, '-')}.json`);
      const text = edit(readFileSync(shards[0], 'utf8'));
      expect(Buffer.from(text).equals(readFileSync(shards[0]))).toBe(false);
      writeFileSync(file, text);
      const read = await withLimit(undefined, 'merge', file, '--json');
      const streamed = await withLimit(SMALL, 'merge', file, '--json');
      refusedOnOneLine(read, names);
      expect(streamed).toEqual(read);
    });
  }

  it('refuses a file over the limit that is not laid out as a shard, saying where', async () => {
    const compact = join(dir, 'compact.json');
    writeFileSync(compact, JSON.stringify(JSON.parse(readFileSync(shards[0], 'utf8'))));
    refusedOnOneLine(
      await withLimit(SMALL, 'merge', compact),
      `${compact}:1:1: cannot read the shard: ${readFileSync(compact).length} bytes, larger than the limit of 2048 bytes (SIM_MAX_INPUT_MB raises it), which a shard passes only laid out as sim sweep --json writes one (it is then read point by point): expected "{" on the first line and "sweep" on the second, as a shard begins, got "{\\"sweep\\":{\\"scenario\\":\\"scenario\\",\\"digest\\"..."`,
    );
    const notJson = join(dir, 'log.txt');
    writeFileSync(notJson, 'x'.repeat(5000));
    refusedOnOneLine(
      await withLimit(SMALL, 'merge', notJson),
      `${notJson}:1:1: cannot read the shard: 5000 bytes, larger than the limit of 2048 bytes`,
    );
    // A trailing comma after the last point.
    const trailing = join(dir, 'trailing.json');
    writeFileSync(trailing, readFileSync(shards[0], 'utf8').replace(/\n {4}\}\n {2}\]/, '\n    },\n  ]'));
    const whole = await withLimit(undefined, 'merge', trailing);
    refusedOnOneLine(whole, 'not valid JSON: expected a value, got "]" (JSON allows no comma before a closing bracket)');
    expect(await withLimit(SMALL, 'merge', trailing)).toEqual(whole);
    // A line that is neither a point nor the end of the points.
    const odd = join(dir, 'odd.json');
    writeFileSync(odd, readFileSync(shards[0], 'utf8').replace('\n    },\n    {\n', '\n    },\n      {\n'));
    refusedOnOneLine(await withLimit(SMALL, 'merge', odd), 'expected "    {" (a point) or "  ]" (the end of the points), got "      {"');
  });
});

describe('sim sweep --emit sizes memory from the points a shard and the merge hold', () => {
  const grid = ['--vary', 'seed=1..50000'];
  const held = (out: string) => Number(/Points held until the end, (\d+) bytes each in the JSON/.exec(out)![1]);

  it('the merge of 50,000 points asks for more than 512 MB and sets Node heap for them (it asked 512 MB whatever the grid)', async () => {
    const json = join(dir, 'big-sweep.json');
    const r = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '10', '--json', json);
    expect(r.err).toBe('');
    const bytes = held(r.out);
    const merge = memoryFor(50000, bytes);
    expect(merge.memoryMb).toBeGreaterThan(SHARD_MEMORY_MB);
    expect(r.out).toContain(` --mem=${merge.memoryMb}M --time=0:10:00 \\\n`);
    expect(r.out).toContain(`--wrap "NODE_OPTIONS=--max-old-space-size=${merge.heapMb} $SIM "'merge `);
    // A shard's 5,000 fit in Node's own heap of 512 MB: as before.
    expect(memoryFor(5000, bytes)).toEqual({ memoryMb: SHARD_MEMORY_MB });
    expect(r.out).toContain(`\n#SBATCH --mem=${SHARD_MEMORY_MB}M\n`);
    expect(r.out).not.toContain('export NODE_OPTIONS');
    expect(r.out).toContain(
      `# a shard's 5000 within 512 MB; the merge's 50000 in ${merge.memoryMb} MB, Node's heap set to ${merge.heapMb} MB (NODE_OPTIONS=--max-old-space-size=${merge.heapMb}), time 0:10:00.\n`,
    );
    const file = join(dir, 'big.sbatch');
    writeFileSync(file, r.out);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
  });

  it('one shard of them all: its pods and the merge get the memory and the heap, valid by the Kubernetes schemas', async () => {
    const r = await sim('sweep', scenario, ...grid, '--emit', 'kubernetes', '--shards', '1', '--image', 'sim:1');
    expect(r.err).toBe('');
    const [, claim, shards, merge] = JSON.parse(r.out).items;
    const bytes = Number(/Points held until the end, (\d+) bytes/.exec(shards.metadata.annotations['gunicorn-sim/about'])![1]);
    const want = memoryFor(50000, bytes);
    for (const job of [shards, merge]) {
      new Job(job).validate();
      const c = job.spec.template.spec.containers[0];
      expect(c.resources.limits.memory).toBe(`${want.memoryMb}Mi`);
      expect(c.env).toEqual([{ name: 'NODE_OPTIONS', value: `--max-old-space-size=${want.heapMb}` }]);
    }
    expect(claim.spec.resources.requests.storage).toBe('1Gi');
  });

  it("the point's bytes are those of the points the sweep writes, and the heap set holds the merge of them", async () => {
    const def = loadSweep({ scenario, vary: ['seed=1..6'], set: [] }, 'sweep');
    const heaviest = heaviestPoint(def);
    const bytes = pointBytes(def, heaviest, figuresOf(heaviest.scenario, simulate(heaviest.scenario), def.name));
    const out = join(dir, 'six.json');
    expect((await sim('sweep', scenario, '--vary', 'seed=1..6', '--json', out)).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const written = (Buffer.byteLength(text) - Buffer.byteLength(text.slice(0, text.indexOf('\n    {\n') + 1))) / 6;
    expect(Math.abs(bytes - written) / written).toBeLessThan(0.1);
    // 50,000 such points merged within the heap the job sets, in a process of its own.
    const one = JSON.parse(text) as SweepOutput;
    const n = 50000;
    const file = join(dir, 'fifty-thousand.json');
    writeFileSync(
      file,
      [
        ...sweepJson({
          sweep: { ...one.sweep, vary: [`seed=1..${n}`], points: n },
          points: Array.from({ length: n }, (_, index) => ({ ...one.points[index % 6], index, values: { seed: index + 1 } })),
        }),
      ].join(''),
    );
    const { heapMb } = memoryFor(n, bytes);
    const merged = spawnSync(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, 'bin/sim.js', 'merge', file, '--json', join(dir, 'fifty-merged.json')],
      {
        encoding: 'utf8',
        // (The table: 50,000 rows on stdout.)
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);
  });
});

describe("the emitted merge names the shards' folder, not every shard file", () => {
  it('Kubernetes: the merge command is as long for 2,000 shards as for 2, and its container can start (it was 158 kB: E2BIG)', async () => {
    const script = async (shards: number) => {
      const r = await sim(
        'sweep',
        scenario,
        '--vary',
        `seed=1..${shards}`,
        '--emit',
        'kubernetes',
        '--shards',
        String(shards),
        '--image',
        'sim:1',
      );
      expect(r.err).toBe('');
      return JSON.parse(r.out).items[3].spec.template.spec.containers[0].command as string[];
    };
    const [few, many] = [await script(2), await script(2000)];
    // The same but for the count's digits (in the sweep's folder's name too).
    expect(many[2].replace(/\b2000\b/g, '2').length).toBe(few[2].length);
    // exec'd as the kubelet would (the script stops at once): one argument may be at most 128 kB.
    const started = spawnSync(many[0], [many[1], `exit 0\n${many[2]}`]);
    expect(started.error).toBeUndefined();
    expect(started.status).toBe(0);
  });

  it('Slurm: 1,001 shards in a folder of a long path submit their merge (sbatch said "Argument list too long")', async () => {
    const long = join(dir, 'a'.repeat(60), 'b'.repeat(60));
    const bin = join(dir, 'fake-sbatch');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'sbatch'), '#!/bin/sh\necho 42\n');
    chmodSync(join(bin, 'sbatch'), 0o755);
    const r = await sim(
      'sweep',
      scenario,
      '--vary',
      'seed=1..1001',
      '--emit',
      'slurm',
      '--shards',
      '1001',
      '--json',
      join(long, 'study.json'),
    );
    expect(r.err).toBe('');
    const id = /--sweep-id ([0-9a-f]{16}) /.exec(r.out)?.[1];
    expect(r.out).toContain(
      `--wrap "$SIM "'merge ${join(long, 'study.shards')} --sweep-id ${id} --shards 1001 --json ${join(long, 'study.json')}'\n`,
    );
    const file = join(dir, 'long.sbatch');
    writeFileSync(file, r.out);
    const run = spawnSync('bash', [file], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('sim merge FOLDER merges its shard-<i>.json files, in the order of i, and nothing else in it', async () => {
    const folder = join(dir, 'eleven.shards');
    mkdirSync(folder);
    for (let i = 0; i < 11; i++)
      expect(
        (
          await sim(
            'sweep',
            scenario,
            '--vary',
            'seed=1..11',
            '--shard-index',
            String(i),
            '--shards',
            '11',
            '--json',
            join(folder, `shard-${i}.json`),
          )
        ).code,
      ).toBe(0);
    writeFileSync(join(folder, 'shard-3.log'), 'a log');
    writeFileSync(join(folder, 'merge.txt'), 'a table');
    const whole = await sim('sweep', scenario, '--vary', 'seed=1..11', '--json');
    const merged = await sim('merge', folder, '--json');
    expect(merged.err).toBe('');
    expect(merged.out).toBe(whole.out);
    // The order of i, as a message naming two shows.
    // (Read in the order of the names, shard-12 would come before shard-2.)
    writeFileSync(join(folder, 'shard-12.json'), readFileSync(join(folder, 'shard-2.json')));
    refusedOnOneLine(await sim('merge', folder), `${join(folder, 'shard-12.json')}: point 2 is also in ${join(folder, 'shard-2.json')}`);
    const empty = join(dir, 'empty.shards');
    mkdirSync(empty);
    refusedOnOneLine(await sim('merge', empty), `${empty}: a folder without shard-<i>.json files in it`);
  });

  it('--emit kubernetes refuses a --json named as a shard output, which its merge would take for one', async () => {
    refusedOnOneLine(
      await sim('sweep', scenario, '--vary', 'seed=1..4', '--emit', 'kubernetes', '--shards', '2', '--json', 'shard-1.json'),
      '--json shard-1.json: the Kubernetes job writes it beside the shard outputs (shard-<i>.json)',
    );
  });
});
