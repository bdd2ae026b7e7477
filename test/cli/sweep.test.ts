import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerFile } from '../../src/analysis/sweep/runner.js';
import { gridSize } from '../../src/analysis/sweep/grid.js';
import { heaviestPoint } from '../../src/analysis/sweep/sweep.js';
import { loadSweep } from '../../src/cli/loadSweep.js';
import { sim, simArgv } from '../sim.js';
import { schemaErrors } from '../charts/vegaLiteSchema.js';
import { gthreadSweep } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-sweep-'));
const noisy = join(dir, 'noisy.json');
writeFileSync(
  noisy,
  JSON.stringify(
    gthreadSweep({ description: 'random handler times, random accepts', seed: 3, requests: 40, concurrency: 8, sleep: '10ms' }),
  ),
);
const grid = ['--vary', 'server.workers=1..3', '--vary', 'client.concurrency=4,8', '--replications', '2'];

describe('sim sweep output', () => {
  it("prints the article's curve as a table: one row per point, 500s past 100", async () => {
    const { code, out, err } = await sim('sweep', 'scenarios/sweep-article.json', '--jobs', '1');
    expect(code).toBe(0);
    expect(err).toBe('');
    const rows = out.split('\n');
    expect(rows[2]).toMatch(
      /^client\.concurrency\s+client\.requests\s+Requests\/sec\s+2xx\s+5xx\s+errors\s+p50\s+p90\s+p99\s+DB peak\s+bottleneck/,
    );
    // A point is the run of the same scenario: the article's -c 100 and -c 125 files.
    const rps = async (file: string) => (await sim('run', file)).out.match(/Requests\/sec:\t([\d.]+)/)![1];
    expect(rows.find((r) => r.startsWith('100 '))).toMatch(
      new RegExp(`^100\\s+100\\s+${await rps('scenarios/gevent-100.json')}\\s+100\\s+0\\s+0\\s`),
    );
    expect(rows.find((r) => r.startsWith('125 '))).toMatch(
      new RegExp(
        `^125\\s+125\\s+${await rps('scenarios/gevent-125.json')}\\s+100\\s+25\\s+0\\s.*PostgreSQL max_connections \\(25 refused\\)`,
      ),
    );
  });

  it('writes --csv and --json files atomically and keeps the table on stdout', async () => {
    const csv = join(dir, 'out.csv');
    const json = join(dir, 'out.json');
    const { code, out } = await sim('sweep', noisy, ...grid, '--csv', csv, '--json', json, '--jobs', '1');
    expect(code).toBe(0);
    expect(out).toContain('Requests/sec');
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^server\.workers,client\.concurrency,series,replications,partial,requests_per_sec,requests_per_sec_ci_low,requests_per_sec_ci_high,/,
    );
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^1,4,client\.concurrency=4,2,0,/);
    expect(JSON.parse(readFileSync(json, 'utf8')).points).toHaveLength(6);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('draws a progress bar on stderr only when it is a terminal', async () => {
    const tty = await simArgv(['sweep', noisy, ...grid, '--json', '--jobs', '1'], { errIsTTY: true });
    const pipe = await simArgv(['sweep', noisy, ...grid, '--json', '--jobs', '1'], { errIsTTY: false });
    expect(tty.err).toContain('\rsweep [');
    expect(tty.err).toContain('] 12/12');
    expect(pipe.err).toBe('');
    expect(tty.out).toBe(pipe.out);
  });

  it('refuses the flags of the charts without --plot, which it took and did nothing with', async () => {
    // sim sweep --target-rps 500 printed the table, no line and no check: a target seemingly met.
    for (const [flag, why] of [
      [
        ['--target-rps', '10'],
        '--target-rps: shapes the charts, and there are none without --plot DIR: add --plot (sim plan checks targets)',
      ],
      [['--p99', '1'], '--p99: shapes the charts, and there are none without --plot DIR: add --plot (sim plan checks targets)'],
      [['--log-y'], '--log-y: shapes the charts, and there are none without --plot DIR: add --plot'],
    ]) {
      expect(await sim('sweep', noisy, '--vary', 'server.workers=1,2', ...flag)).toEqual({ code: 2, out: '', err: `sim: ${why}\n` });
    }
    const plan = await sim('plan', noisy, '--vary', 'server.workers=1,2', '--target-rps', '1', '--p99', '1', '--log-y');
    expect(plan).toEqual({ code: 2, out: '', err: 'sim: --log-y: shapes the charts, and there are none without --plot DIR: add --plot\n' });
    expect((await sim('sweep', noisy, '--vary', 'server.workers=1,2', '--log-y=false', '--jobs', '1')).code).toBe(0);
  });
});

describe('sim sweep --shard and sim merge', () => {
  it('merged shards give the same bytes as the unsharded sweep', async () => {
    const whole = await sim('sweep', noisy, ...grid, '--json', '--jobs', '2');
    const shards = [1, 2, 3, 4].map((i) => join(dir, `shard-${i}.json`));
    for (const [i, file] of shards.entries()) {
      const r = await sim('sweep', noisy, ...grid, '--shard', `${i + 1}/4`, '--json', file, '--jobs', '1');
      expect(r.code).toBe(0);
    }
    expect(JSON.parse(readFileSync(shards[3], 'utf8')).points.map((p: { index: number }) => p.index)).toEqual([3]);
    const merged = await sim('merge', ...shards.reverse(), '--json');
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(whole.out);
    // And so do the table and the CSV.
    expect((await sim('merge', ...shards)).out).toBe((await sim('sweep', noisy, ...grid, '--jobs', '1')).out);
  });

  // Fresh-eyes audit: merge refused the shards of a sweep over a section ("at
  // points[0].values.app.pool: expected a number, string or boolean, got an object"), and
  // the CSV wrote the section as "[object Object]".
  it('joins the shards of a sweep over whole sections (--vary with objects), and writes each as its JSON in the CSV', async () => {
    const pools = [
      '--vary',
      'app.pool={"size":1},{"size":2,"maxOverflow":1}',
      '--set',
      'app.steps=[{"kind":"dbConnect"},{"kind":"dbClose"}]',
    ];
    const pooled = ['scenarios/gevent-10.json', ...pools, '--jobs', '1'];
    const shards = [1, 2].map((i) => join(dir, `pool-shard-${i}.json`));
    for (const [i, file] of shards.entries()) expect((await sim('sweep', ...pooled, '--shard', `${i + 1}/2`, '--json', file)).code).toBe(0);
    const merged = await sim('merge', ...shards, '--json');
    expect(merged.err).toBe('');
    expect(merged.out).toBe((await sim('sweep', ...pooled, '--json')).out);
    const csv = (await sim('sweep', ...pooled, '--csv')).out.split('\r\n');
    expect(csv[1]).toMatch(/^"\{""size"":1\}",gevent-10,1,/);
    expect(csv[2]).toMatch(/^"\{""size"":2,""maxOverflow"":1\}",gevent-10,1,/);
    // And of lists (fleet.down).
    const fleet = [
      'scenarios/fleet-4x4-gevent-pool10.json',
      '--vary',
      'fleet.down=[],[1,2]',
      '--set',
      'client.requests=400',
      '--jobs',
      '1',
    ];
    const halves = [1, 2].map((i) => join(dir, `down-shard-${i}.json`));
    for (const [i, file] of halves.entries()) expect((await sim('sweep', ...fleet, '--shard', `${i + 1}/2`, '--json', file)).code).toBe(0);
    expect((await sim('merge', ...halves, '--json')).out).toBe((await sim('sweep', ...fleet, '--json')).out);
  });

  it("joins the shards of a sweep checked against queueing theory (docs/merge.md's example, mmc-sync)", async () => {
    // Each point carries the M/M/c check: its model, formula, measures and note are words and
    // agrees is true or false; merge refused them as "expected a number".
    const mmc = ['scenarios/mmc-sync.json', '--vary', 'server.workers=2,3', '--set', 'client.requests=300', '--replications', '2'];
    const whole = await sim('sweep', ...mmc, '--json', '--jobs', '1');
    const points = JSON.parse(whole.out).points;
    expect(points[0].queueing.note).toMatch(/no steady state/);
    expect(typeof points[1].queueing.comparisons[0].agrees).toBe('boolean');
    const shards = [1, 2].map((i) => join(dir, `mmc-${i}.json`));
    for (const [i, file] of shards.entries()) expect((await sim('sweep', ...mmc, '--shard', `${i + 1}/2`, '--json', file)).code).toBe(0);
    const merged = await sim('merge', ...shards, '--json');
    expect(merged.err).toBe('');
    expect(merged.out).toBe(whole.out);
    // A comparison's agrees is still checked: a word there is not one of sim sweep's.
    const edited = JSON.parse(readFileSync(shards[1], 'utf8'));
    edited.points[0].queueing.comparisons[0].agrees = 'yes';
    writeFileSync(shards[1], JSON.stringify(edited));
    const refused = await sim('merge', ...shards);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe(
      `sim: ${shards[1]}: at points[0].queueing.comparisons[0].agrees: expected true, false or null, got string "yes" (not a file written by sim sweep --json, or edited since)\n`,
    );
  });

  it.each([
    ['a null mean', (p: any) => (p.requestsPerSec.mean = null), 'at points[0].requestsPerSec.mean: expected a number, got null'],
    ['an object for a mean', (p: any) => (p.littlesLaw.L.mean = {}), 'at points[0].littlesLaw.L.mean: expected a number, got an object'],
    ['a number for a percentile', (p: any) => (p.latency.p50 = 1), 'at points[0].latency.p50: expected an object, got number 1'],
    ['a list for a word', (p: any) => (p.bottleneck = []), 'at points[0].bottleneck: expected a string, got a list'],
    ['a key sim sweep does not write', (p: any) => (p.extra = 1), 'at points[0].extra: expected nothing (sim sweep writes no such key)'],
  ])('refuses a shard with %s where sim sweep writes a figure (it was an internal error)', async (_what, edit, message) => {
    const a = join(dir, 'edited-1.json');
    const b = join(dir, 'edited-2.json');
    await sim('sweep', noisy, ...grid, '--shard', '1/2', '--json', a, '--jobs', '1');
    await sim('sweep', noisy, ...grid, '--shard', '2/2', '--json', b, '--jobs', '1');
    const output = JSON.parse(readFileSync(a, 'utf8'));
    edit(output.points[0]);
    writeFileSync(a, JSON.stringify(output));
    for (const format of [[], ['--csv'], ['--json']]) {
      const r = await sim('merge', a, b, ...format);
      expect(r.err.startsWith(`sim: ${a}: ${message}`)).toBe(true);
      expect(r.err).toMatch(/\(not a file written by sim sweep --json, or edited since\)\n$/);
      expect(r.code).toBe(2);
    }
  });

  it('refuses a shard that is not valid JSON, at its line and column, as for a scenario', async () => {
    const a = join(dir, 'syntax-1.json');
    const b = join(dir, 'syntax-2.json');
    await sim('sweep', noisy, ...grid, '--shard', '1/2', '--json', a, '--jobs', '1');
    await sim('sweep', noisy, ...grid, '--shard', '2/2', '--json', b, '--jobs', '1');
    const text = readFileSync(a, 'utf8');
    const at = (edited: string, offset: number) => {
      const before = edited.slice(0, offset).split('\n');
      return `${before.length}:${before.at(-1)!.length + 1}`;
    };
    const out = join(dir, 'syntax-merged.json');
    // A key twice: JSON.parse alone takes the last one silently, and the merge went through.
    const twice = text.indexOf('"index": 0,') + '"index": 0,'.length;
    const repeatedText = `${text.slice(0, twice)} "index": 0,${text.slice(twice)}`;
    writeFileSync(a, repeatedText);
    const repeated = await sim('merge', a, b, '--json', out);
    expect(repeated.err).toBe(
      `sim: ${a}:${at(repeatedText, twice + 1)}: not valid JSON: the key "index" appears twice in this object (the second would silently win)\n`,
    );
    expect(repeated.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    // Cut short, as by a full disk.
    writeFileSync(a, text.slice(0, 200));
    const cut = await sim('merge', a, b, '--json', out);
    expect(cut.err).toMatch(
      new RegExp(`^sim: ${a.replace(/[.]/g, '\\.')}:${at(text, 200)}: not valid JSON: expected .*, got the end of the file\n$`),
    );
    expect(cut.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses incomplete or mismatched shards', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await sim('sweep', noisy, ...grid, '--shard', '1/2', '--json', a, '--jobs', '1');
    await sim('sweep', noisy, ...grid, '--seed', '4', '--shard', '2/2', '--json', b, '--jobs', '1');
    const missing = await sim('merge', a);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('sim: merge: 3 of 6 points missing (1, 3, 5); expected the outputs of all 2 shards, --shard 1/2 to 2/2\n');
    expect((await sim('merge', a, b)).err).toMatch(/b\.json: from another sweep than .*a\.json/);
    expect((await sim('merge', a, a)).err).toMatch(/point 0 is also in/);
    expect((await sim('merge', noisy)).err).toMatch(/not the JSON output of sim sweep/);
  });
});

describe('bad sweeps get a clear message and exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['--vary', 'client.concurrency=10..x'], /^sim: --vary client\.concurrency=10\.\.x: "10\.\.x" is not a range/],
    [
      ['--vary', 'server.wokers=1,2'],
      /^sim: --vary server\.wokers=1,2 \(server\.wokers=1\): at server\.wokers: unknown key "wokers"; did you mean "workers"\?/m,
    ],
    [
      ['--vary', 'server.workers=0,1'],
      /^sim: --vary server\.workers=0,1 \(server\.workers=0\): at server\.workers: expected a number > 0, got number 0/m,
    ],
    [['--vary', 'client.concurrency=8,80'], /^sim: .*: at client\.concurrency: expected concurrency <= requests/m],
    [[], /sweep: name what to vary: --vary client\.concurrency=10\.\.200:10 \(or give .* a "sweep" block\)/],
    [['--vary', 'server.workers=1', '--json', '--csv'], /--json and --csv cannot both print to stdout/],
    [['--vary', 'server.workers=1', '--jobs', '0'], /--jobs 0: expected a whole number >= 1, got "0"/],
    [['--vary', 'server.workers=1', '--replications', '1.5'], /--replications 1\.5: expected a whole number >= 1, got "1\.5"/],
    [['--vary', 'server.workers=1', '--shard', '3/2'], /--shard 3\/2: expected i\/n/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' ') || 'no --vary', async () => {
      const { code, out, err } = await sim('sweep', noisy, ...args);
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(out).toBe('');
    });
  }

  // Fresh-eyes audit: --plot with words or sections first drew empty charts (exit 0).
  it('--plot against a first field that is not numbers is refused before any run, with no folder made', async () => {
    const plots = join(dir, 'words-plots');
    const { code, out, err } = await sim(
      'sweep',
      noisy,
      '--vary',
      'server.workerClass=gthread,sync',
      '--vary',
      'server.workers=1,2',
      '--plot',
      plots,
    );
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(
      'sim: --plot: the charts draw against the first swept field, server.workerClass, and its values are not numbers: put --vary server.workers=1,2 first; the values of server.workerClass then label the curves\n',
    );
    expect(existsSync(plots)).toBe(false);
  });

  it('a point bad only with the values of other axes is refused when the sweep reaches it, with nothing written', async () => {
    const json = join(dir, 'together.json');
    // Every value is valid alone, and at every corner; the middle point asks for time slices on a shared run queue.
    const vary = ['--vary', 'machine.runQueues=per-core,shared,per-core', '--vary', 'machine.timeSlices=none,eevdf,none'];
    const { code, out, err } = await sim('sweep', noisy, ...vary, '--json', json, '--jobs', '1');
    expect(code).toBe(2);
    expect(err).toMatch(
      /^sim: --vary machine\.timeSlices=none,eevdf,none \(machine\.timeSlices=eevdf\): at machine\.timeSlices: time slices are taken on one core/,
    );
    expect(out).toBe('');
    expect(existsSync(json)).toBe(false);
  });

  it('a bad sweep block names the file and the field', async () => {
    const file = join(dir, 'bad-block.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(noisy, 'utf8')), sweep: { vary: ['server.workers=4..1'] } }));
    const { code, err } = await sim('sweep', file);
    expect(code).toBe(2);
    expect(err).toMatch(/bad-block\.json: at sweep\.vary\[0\]: server\.workers=4\.\.1: the range goes down/);
  });

  it('a missing build is named, with the command that makes it', () => {
    expect(workerFile()).toMatch(/dist\/analysis\/sweep\/pointWorker\.cjs$/); // npm test builds it first
    expect(() => workerFile([new URL('file:///nowhere/dist/analysis/pointWorker.cjs')])).toThrow(
      '--jobs: the worker threads need the compiled simulator, and /nowhere/dist/analysis/pointWorker.cjs is missing; run "npm run build" (or use --jobs 1)',
    );
  });
});

describe('scenario files with a sweep block', () => {
  it('expand into valid grids', () => {
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.json') && f !== 'schema.json');
    const withBlock = files.filter((f) => JSON.parse(readFileSync(`scenarios/${f}`, 'utf8')).sweep !== undefined);
    expect(withBlock).toEqual(expect.arrayContaining(['sweep-article.json', 'mmc-sync.json', 'plan-800.json']));
    for (const f of withBlock) {
      const def = loadSweep({ scenario: `scenarios/${f}`, vary: [], set: [] }, 'sweep');
      expect(gridSize(def.axes)).toBeGreaterThan(1);
      expect(() => heaviestPoint(def), f).not.toThrow(); // every point validated
    }
  });
});

describe('the installed command', () => {
  it('runs points on worker threads from the bundled CLI, with the same output', async () => {
    const args = ['sweep', noisy, ...grid, '--json'];
    const r = spawnSync(process.execPath, ['bin/sim.js', ...args, '--jobs', '2'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe((await sim(...args, '--jobs', '1')).out);
  });
});

describe('sim sweep --plot', () => {
  it("writes the article's curve as valid Vega-Lite charts and an HTML report", async () => {
    const plots = join(dir, 'plots');
    const { code, err } = await sim('sweep', 'scenarios/sweep-article.json', '--jobs', '1', '--plot', plots);
    expect(code).toBe(0);
    expect(err).toMatch(/^Wrote 7 files to /);
    expect(readdirSync(plots).sort()).toEqual([
      'report.html',
      'sweep-latency.png',
      'sweep-latency.svg',
      'sweep-latency.vl.json',
      'sweep-throughput.png',
      'sweep-throughput.svg',
      'sweep-throughput.vl.json',
    ]);
    const spec = JSON.parse(readFileSync(join(plots, 'sweep-throughput.vl.json'), 'utf8'));
    expect(schemaErrors(spec)).toEqual([]);
    // The 5xx curve starts past 100 clients: at 125, 25 refused to 100 answered.
    const at = (x: number, key: string) => spec.data.values.find((v: { x: number; key: string }) => v.x === x && v.key === key).value;
    expect(at(100, '5xx')).toBe(0);
    expect(at(125, '5xx')).toBeCloseTo(at(125, '2xx') / 4, 6);
    expect(at(100, '2xx')).toBeCloseTo(83.97, 2); // the article's 83.9704, fitted
  });
});
