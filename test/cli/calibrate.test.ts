// sim compare and sim fit from the command line: output, the written scenario, and
// errors with exit code 2.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';
import { validateScenario } from '../../src/scenario/load.js';

const SCENARIO = 'calibration/linux-2core.json';
const HEY = 'test/fixtures/hey';
const dir = mkdtempSync(join(tmpdir(), 'sim-calibrate-'));

describe('sim compare', () => {
  it('prints measured and simulated side by side, per run, then Requests/sec of all runs', async () => {
    const { code, out, err } = await sim('compare', SCENARIO, `${HEY}/patched-c10.r1.txt`, `${HEY}/patched-c125.r1.txt`);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`${HEY}/patched-c125.r1.txt: $ hey -n 125 -c 125 -t 0 http://127.0.0.1:8000/`);
    expect(out).toContain(`simulated: ${SCENARIO} with -n 125 -c 125 (from the hey command), -t 0, keep-alive on`);
    expect(out).toMatch(/\n {2}Requests\/sec +75\.2515 +\d+\.\d{4} +[+-]\d+\.\d %\n/);
    expect(out).toMatch(/\n {2}\[500\] +25 +25 +0\.0 %\n/);
    expect(out).toMatch(/\nRequests\/sec\n.*\n {2}test\/fixtures\/hey\/patched-c10\.r1\.txt +9\.4975 /);
    expect(out).toMatch(/mean \|difference\| over 2 runs: \d+\.\d %/);
  });

  it('prints JSON with every row', async () => {
    const { out } = await sim('compare', SCENARIO, `${HEY}/patched-c125.r1.txt`, '--json');
    const [c] = JSON.parse(out);
    expect(c.client).toEqual({ requests: 125, concurrency: 125, rate: null, duration: null, timeout: 0, keepAlive: true });
    expect(c.rows.map((r: { metric: string }) => r.metric)).toEqual([
      'Requests/sec',
      'Total',
      'Slowest',
      'Fastest',
      'Average',
      'p10',
      'p25',
      'p50',
      'p75',
      'p90',
      'p95',
      'p99',
      'responses',
      '[204]',
      '[500]',
      'errors',
    ]);
  });

  it('is deterministic', async () => {
    const args = ['compare', SCENARIO, `${HEY}/actors-c1000.r1.txt`, '--set', 'server.workers=4', '--set', 'server.workerConnections=100'];
    const a = await sim(...args);
    const b = await sim(...args);
    expect(a.out).toBe(b.out);
  });
});

describe('sim fit', () => {
  it('prints the fitted values and residuals and writes a valid calibrated scenario', async () => {
    const out = join(dir, 'fitted.json');
    const r = await sim(
      'fit',
      SCENARIO,
      `${HEY}/patched-c10.r1.txt`,
      `${HEY}/patched-c125.r1.txt`,
      '--free',
      'database.forkTime,database.backendStartTime',
      '--out',
      out,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Fitted 2 parameters to 2 hey runs on requestsPerSec \(\d+ evaluations, converged\):/);
    expect(r.out).toMatch(/\n {2}database\.forkTime +0\.\d+ s +0\.001768 s\n/);
    expect(r.out).toMatch(/patched-c125\.r1\.txt +requestsPerSec +75\.2515 +\d+\.\d{4} +[+-]?\d+\.\d %/);
    expect(r.out).toContain(`Wrote the calibrated scenario to ${out}`);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    const scenario = validateScenario(written, out);
    expect(r.out).toContain(`database.forkTime          ${scenario.database!.forkTime} s`);
    expect(written.$schema).toBe('../scenarios/schema.json'); // the user's file, not a re-serialized default-filled one
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('writes nothing without --out, and says so', async () => {
    const r = await sim('fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.backendStartTime');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Fitted 1 parameter to 1 hey run on requestsPerSec /);
    expect(r.out).toContain('Not written: give --out FILE');
  });

  it('replaces an existing file whole', async () => {
    const out = join(dir, 'existing.json');
    writeFileSync(out, 'old');
    const r = await sim('fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.backendStartTime', '--out', out);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).database.forkTime).toBe(0.001768);
  });
});

describe("sim compare with other load testers' outputs", () => {
  it("simulates wrk's client (its connections for its duration), not hey's", async () => {
    const { code, out } = await sim('compare', 'scenarios/gevent-100.json', 'test/fixtures/wrk/c10-d3s.txt', '--json');
    expect(code).toBe(0);
    const [c] = JSON.parse(out);
    expect(c.client).toMatchObject({ concurrency: 10, duration: 3, requests: null, rate: null, keepAlive: true });
    expect(c.from).toEqual({ requests: 'wrk output', concurrency: 'wrk output' });
    expect(c.rows.map((r: { metric: string }) => r.metric)).toEqual([
      'Requests/sec',
      'Total',
      'Slowest',
      'Average',
      'responses',
      '[2xx/3xx]',
      '[non-2xx/3xx]',
      'errors',
    ]);
  });

  it('prints the open-loop client of a vegeta attack', async () => {
    const { code, out } = await sim('compare', 'scenarios/gevent-100.json', 'test/fixtures/vegeta/rate100-10s.txt');
    expect(code).toBe(0);
    expect(out).toContain('with open-loop arrivals at 100.1/s, for 9.99s (from the vegeta report output)');
  });

  it('fits to an ab run', async () => {
    const { code, out } = await sim(
      'fit',
      'scenarios/gevent-100.json',
      'test/fixtures/ab/n200-c10.txt',
      '--free',
      'app.steps.1.time',
      '--max-evaluations',
      '20',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out).runs[0].source).toBe('test/fixtures/ab/n200-c10.txt');
  });
});

describe('sim compare and sim fit: bad input gets exit code 2 and one clear line', () => {
  const notHey = join(dir, 'not-hey.txt');
  writeFileSync(notHey, 'Summary:\n  Total: 1 s\n');
  // JSON.parse reads both files and keeps a key's second value silently: the strict reader
  // behind it must still refuse them, at the second key's line and column.
  const twice = join(dir, 'twice.json');
  writeFileSync(twice, readFileSync(SCENARIO, 'utf8').replace(/\n(\s*)"workers": (\d+),/, '\n$1"workers": $2,\n$1"workers": $2,'));
  const twiceAt = (() => {
    const lines = readFileSync(twice, 'utf8').split('\n');
    const first = lines.findIndex((l) => l.includes('"workers"'));
    return `${first + 2}:${lines[first + 1].indexOf('"') + 1}`;
  })();
  const locustTwice = join(dir, 'locust-twice.json');
  writeFileSync(
    locustTwice,
    readFileSync('test/fixtures/locust/u10-t3s.json', 'utf8').replace(
      '"num_failures": 47,',
      '"num_failures": 47,\n        "num_failures": 0,',
    ),
  );
  const cases: [string, string[], RegExp][] = [
    ['a missing hey output', ['compare', SCENARIO, join(dir, 'nope.txt')], /nope\.txt: cannot read the load tester's output: no such file/],
    ['a file that is not hey output', ['compare', SCENARIO, notHey], /not-hey\.txt:2: expected a Summary line such as/],
    [
      'an output of no known tool',
      ['compare', SCENARIO, `${HEY}/../wrk/COMMANDS.md`],
      /COMMANDS\.md: not an output of a load tester sim knows; sim reads these formats: hey's text report; hey -o csv; wrk/,
    ],
    [
      'a misspelt free parameter',
      ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.forkTim'],
      /unknown key "forkTim"; did you mean "forkTime"\?/,
    ],
    [
      'an unknown target',
      ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.forkTime', '--target', 'rps'],
      /--target rps: expected one of "requestsPerSec", "total"/,
    ],
    // Bad-input audit: "--target ," fitted nothing and printed the start as fitted, exit 0.
    [
      'a --target of no figure',
      ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.forkTime', '--target', ','],
      /^sim: --target ,: expected at least one figure to match, of requestsPerSec, total, /,
    ],
    // Hardening: was "sim: sim fit: name the free parameters: ...", not naming the flag.
    [
      'a --free of no field',
      ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', ','],
      /^sim: --free ,: expected at least one field to fit, each a number of seconds, e\.g\. --free database\.forkTime\n$/,
    ],
    // Bad-input audit: each way of fitting ignored the other's flags in silence, exit 0.
    [
      '--free with --access-log',
      ['fit', SCENARIO, '--access-log', 'test/fixtures/access-logs/gunicorn-L.log', '--free', 'database.forkTime'],
      /^sim: --free: goes with load testers' outputs, whose costs sim fit fits; --access-log fits a load \(its arrivals and endpoints\): leave --free out\n$/,
    ],
    [
      '--target with --access-log',
      ['fit', SCENARIO, '--access-log', 'test/fixtures/access-logs/gunicorn-L.log', '--target', 'p99'],
      /^sim: --target: goes with load testers' outputs/,
    ],
    [
      "--interval with load testers' outputs",
      ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.forkTime', '--interval', '10'],
      /^sim: --interval: goes with --access-log FILE \(the load of a log\); with load testers' outputs, leave it out\n$/,
    ],
    [
      "--empirical with load testers' outputs",
      ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.forkTime', '--empirical'],
      /^sim: --empirical: goes with --access-log FILE/,
    ],
    ['fit without --free', ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`], /^sim: --free: required, e.g. --free database.forkTime\n$/],
    [
      'a bad --set',
      ['compare', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--set', 'server.workers=-1'],
      /at server\.workers: expected a number > 0, got number -1/,
    ],
    [
      "a key given twice in compare's scenario",
      ['compare', twice, `${HEY}/patched-c10.r1.txt`],
      new RegExp(
        `^sim: ${twice}:${twiceAt}: not valid JSON: the key "workers" appears twice in this object \\(the second would silently win\\)\n$`,
      ),
    ],
    [
      "a key given twice in fit's scenario",
      ['fit', twice, `${HEY}/patched-c10.r1.txt`, '--free', 'database.forkTime'],
      new RegExp(`^sim: ${twice}:${twiceAt}: not valid JSON: the key "workers" appears twice`),
    ],
    [
      'a key given twice in a locust --json output',
      ['compare', SCENARIO, locustTwice],
      new RegExp(`^sim: ${locustTwice}:10:9: not valid JSON: the key "num_failures" appears twice in this object`),
    ],
    [
      'an unwritable --out',
      ['fit', SCENARIO, `${HEY}/patched-c10.r1.txt`, '--free', 'database.forkTime', '--out', join(dir, 'no', 'such', 'dir.json')],
      /dir\.json: cannot write:/,
    ],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      const { code, err, out } = await sim(...argv);
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
      expect(out).toBe('');
    });
  }
  it('leaves no file behind when it cannot write', () => {
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});
