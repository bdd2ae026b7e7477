// Issue 17 ("Hardening"): the defects found by trying sim as a hostile user would, each
// with the case that reproduced it. The ones a table row in cases.ts can show are there
// (and so in docs/errors.md); these need a process of their own, a server, a special file
// or a hand-made input. Every `sim` process runs with a small heap and a timeout, so a
// regression fails the test rather than taking the machine's memory.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { sim } from '../sim.js';
import { scratchScenario, simProcess } from './refusal.js';
import { startSiteServer, type RunningSite } from '../../src/cli/siteServer.js';
import { withoutCosts } from '../helpers.js';

// Several tests start a few `sim` processes each (60 s at most apiece): vitest's default of
// 5 s per test failed item 3's (five processes, one parsing 2 MB) when the suite ran on a
// busy 2-core machine. Each process's own timeout and heap are the ceilings that matter.
vi.setConfig({ testTimeout: 120_000 });

const { dir, scenario, base } = scratchScenario('hardening');

/** A scenario `sim fit` can fit: a connect per request, its fork and start-up as delays. */
const fitScenario = {
  description: 'fit',
  client: { requests: 10, concurrency: 10 },
  server: { workerClass: 'gevent' },
  app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 1 }, { kind: 'dbClose' }] },
  database: { forkTime: 0.002, backendStartTime: 0.01 },
};

/** A one-line message, no stack trace, exit 2. */
function refused(r: { code: number | null; out: string; err: string }, names: string) {
  expect(r.err).toContain(names);
  expect(r.err).not.toMatch(/internal error|\n\s+at |FATAL/);
  expect(
    r.err
      .trimEnd()
      .split('\n')
      .every((l) => l.startsWith('sim: ')),
  ).toBe(true);
  expect(r.out).toBe('');
  expect(r.code).toBe(2);
}

describe('issue 17, High: small inputs that crashed or took gigabytes', () => {
  it('item 1: synRetries of 1e9 is refused at the kernel limit, in a 256 MB heap', () => {
    refused(simProcess(['run', scenario, '--set', 'machine.synRetries=1000000000']), 'machine.synRetries: expected a number <= 127');
  });

  it('item 1: synRetries at the kernel limit (127) runs, with the accept queue overflowing', () => {
    const r = simProcess([
      'run',
      scenario,
      '--set',
      'machine.synRetries=127',
      '--set',
      'server.backlog=1',
      '--set',
      'machine.somaxconn=1',
      '--set',
      'server.workerClass=sync',
      '--max-events',
      '100000',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('SYNs dropped');
  });

  it('item 2: a cache of 1e15 or 1e8 keys is refused; 10 million run', () => {
    const cache = (keys: number) =>
      `app.steps=[{"kind":"cache","time":0.001,"covers":1,"ttl":1,"keys":${keys}},{"kind":"sleep","time":0.01}]`;
    refused(simProcess(['run', scenario, '--set', cache(1e15)]), 'app.steps[0].keys: expected a number <= 10000000');
    refused(simProcess(['run', scenario, '--set', cache(1e8)]), 'app.steps[0].keys: expected a number <= 10000000');
    expect(simProcess(['run', scenario, '--set', cache(1e7)]).code).toBe(0);
  });

  it('item 3: a file over the size cap is refused before it is parsed (SIM_MAX_INPUT_MB sets the cap)', () => {
    const big = join(dir, 'big.json');
    // Valid JSON of 2 MB: 200,000 unknown keys.
    writeFileSync(big, JSON.stringify({ ...base, ...Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 1])) }));
    refused(simProcess(['run', big], { env: { SIM_MAX_INPUT_MB: '1' } }), 'cannot read the scenario: 2');
    expect(simProcess(['run', big], { env: { SIM_MAX_INPUT_MB: '1' } }).err).toContain(
      'larger than the 1 MB limit (SIM_MAX_INPUT_MB raises it)',
    );
    // Under the default cap it is read, and refused in one line at the bound on an
    // object's keys, before the schema looks at each (a 10 MB file of them took tens of
    // seconds and hundreds of MB that way; now only the parse's time).
    const r = simProcess(['run', big]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`sim: ${big}: at (top level): expected an object with <= 10000 keys, got an object of 200004 keys\n`);
    refused(
      simProcess(['run', scenario], { env: { SIM_MAX_INPUT_MB: 'lots' } }),
      'SIM_MAX_INPUT_MB=lots: expected a number of megabytes > 0',
    );
  });

  it('item 3: a load tester output over the cap is refused too', () => {
    const hey = join(dir, 'hey-big.txt');
    writeFileSync(hey, 'x'.repeat(2 * 1024 * 1024));
    refused(
      simProcess(['compare', scenario, hey], { env: { SIM_MAX_INPUT_MB: '1' } }),
      "cannot read the load tester's output: 2097152 bytes, larger than the 1 MB limit",
    );
  });

  // Input hunt: a UTF-16 output (Windows PowerShell's `hey ... > out.txt`) was "not an
  // output of a load tester sim knows", a UTF-16 shard "not valid JSON: expected a value".
  it('input hunt: a UTF-16 load tester output, access log or shard is named as UTF-16, not as an unknown format', async () => {
    const text = readFileSync('test/fixtures/hey/patched-c10.r1.txt', 'utf8');
    const utf16 = join(dir, 'hey-utf16.txt');
    writeFileSync(utf16, Buffer.from(`\ufeff${text}`, 'utf16le'));
    const run = async (argv: string[]) => {
      let err = '';
      const code = await main(argv, { out: () => {}, err: (t) => (err += t) });
      return { code, out: '', err };
    };
    for (const argv of [
      ['compare', scenario, utf16],
      ['fit', scenario, '--access-log', utf16],
      ['merge', utf16],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      refused(r, `${utf16}: cannot read the `);
      expect(r.err).toContain("UTF-16LE text (as Windows PowerShell's > writes), expected UTF-8");
    }
    // A UTF-8 output cut inside a character (its histogram's bars) is read as before: the
    // message names the line where it was cut, not the byte.
    const cut = join(dir, 'hey-cut.txt');
    const bytes = Buffer.from(text, 'utf8');
    writeFileSync(cut, bytes.subarray(0, bytes.indexOf(Buffer.from('\u25a0', 'utf8')) + 1));
    refused(await run(['compare', scenario, cut]), `${cut}:12: expected a histogram line`);
  });

  // Input hunt: /dev/stdout is a link to /proc/self/fd/1, and that one to "pipe:[123]" when
  // the output is piped: followed as a path, it was "cannot write: no such folder" (exit 2);
  // sim init said "the file exists; ... --force" of it.
  it('input hunt: --out /dev/stdout and --json /dev/stderr write into a pipe', () => {
    const piped = (command: string) => spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { encoding: 'utf8', timeout: 60_000 });
    const run = piped(`node bin/sim.js run ${scenario} --out /dev/stdout | cat`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Requests/sec:');
    const json = piped(`node bin/sim.js run ${scenario} --json /dev/stderr 2>&1 >/dev/null | cat`);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).scenario).toBe('scenario');
    const init = piped('node bin/sim.js init --out /dev/stdout | cat');
    expect(init.status).toBe(0);
    expect(JSON.parse(init.stdout).description).toContain('sim init');
    // A socket (Node's child_process makes standard output one) has no name to open: said so.
    refused(
      simProcess(['run', scenario, '--out', '/dev/stdout']),
      '--out /dev/stdout: cannot write: a socket, which cannot be opened by its name',
    );
  });

  it('item 4: 1e9 and 2^53 replications are refused before anything is allocated', () => {
    refused(
      simProcess(['sweep', scenario, '--vary', 'server.workers=1,2', '--replications', '1000000000']),
      '--replications 1000000000: expected at most 10000',
    );
    refused(
      simProcess(['sweep', scenario, '--vary', 'server.workers=1,2', '--replications', '9007199254740991']),
      '--replications 9007199254740991: expected at most 10000',
    );
    const file = join(dir, 'replications.json');
    writeFileSync(file, JSON.stringify({ ...base, sweep: { vary: ['server.workers=1,2'], replications: 1e9 } }));
    refused(simProcess(['sweep', file]), 'sweep.replications: expected a number <= 10000');
  });
});

describe('issue 17, Medium', () => {
  it('item 8: a full device as stdout is one line and exit 2, not a stack trace', () => {
    const full = openSync('/dev/full', 'w');
    const r = simProcess(['run', scenario], { stdout: full });
    expect(r.err).toBe('sim: cannot write the output (stdout): no space left on the device\n');
    expect(r.code).toBe(2);
  });

  it('item 15: an output path is checked before the run, so no work is done and lost', async () => {
    // A partial run says so on stderr before its report is written: here nothing runs.
    const r = await sim('run', scenario, '--max-events', '30', '--out', join(dir, 'no/such/folder/report.txt'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`sim: --out ${join(dir, 'no/such/folder/report.txt')}: cannot write: no such folder\n`);
    // A sweep draws its progress on a terminal while it runs: here it never starts.
    let err = '';
    const code = await main(
      ['sweep', scenario, '--vary', 'server.workers=1,2', '--jobs', '1', '--csv', join(dir, 'no/such/folder/sweep.csv')],
      {
        out: () => {},
        err: (t) => (err += t),
        errIsTTY: true,
      },
    );
    expect(code).toBe(2);
    expect(err).toBe(`sim: --csv ${join(dir, 'no/such/folder/sweep.csv')}: cannot write: no such folder\n`);
  });

  it('item 12: sim merge of a shard holding a string where a figure belongs names it', async () => {
    const shard = join(dir, 'shard.json');
    const s = await sim('sweep', scenario, '--vary', 'server.workers=1,2', '--json', shard);
    expect(s.code).toBe(0);
    const output = JSON.parse(readFileSync(shard, 'utf8'));
    output.points[1].requestsPerSec.mean = 'fast';
    writeFileSync(shard, JSON.stringify(output));
    refused(await sim('merge', shard), 'at points[1].requestsPerSec.mean: expected a number, got string "fast"');
    output.points[1].requestsPerSec.mean = 1;
    output.sweep.points = 1e15;
    writeFileSync(shard, JSON.stringify(output));
    refused(await sim('merge', shard), 'at sweep.points: expected a whole number from 1 to 1000000');
  });

  it('item 13: sim fit refuses a field named twice, and a field that is no duration', async () => {
    const db = join(dir, 'db.json');
    writeFileSync(db, JSON.stringify(fitScenario));
    const hey = 'test/fixtures/hey/patched-c10.r1.txt';
    refused(await sim('fit', db, hey, '--free', 'database.forkTime,database.forkTime'), 'database.forkTime is named twice');
    refused(await sim('fit', db, hey, '--free', 'client.requests'), '--free client.requests: holds 10, not a duration in seconds');
  });
});

describe('issue 17, Low', () => {
  it('item 16: a message quotes at most a few hundred characters of a huge input', async () => {
    const r = await sim('run', scenario, '--set', `server.workerClass=${'g'.repeat(200_000)}`);
    expect(r.code).toBe(2);
    expect(r.err.length).toBeLessThan(2000);
    expect(r.err).toContain('(200000 characters)');
  });

  it('item 16: control characters in a key of the file are escaped, not sent to the terminal', async () => {
    const file = join(dir, 'escape.json');
    writeFileSync(file, JSON.stringify({ ...base, server: { ...base.server, '\u001b[2J\u001b]0;owned\u0007': 1 } }));
    const r = await sim('run', file);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.err).toContain('\\u001b[2J');
  });

  // Input hunt: sim run's report escaped them, but the text of sim sweep, plan, compare and
  // fit printed the scenario's name (or file name) as it was: "Sweep of <ESC>[2J..." cleared the screen.
  it('input hunt: a name with an escape code is escaped in every text output, not sent to the terminal', async () => {
    const file = join(dir, 'named-\u001b[2J.json');
    writeFileSync(file, JSON.stringify({ ...base, name: 'x\u001b]0;owned\u0007' }));
    const hey = 'test/fixtures/hey/patched-c10.r1.txt';
    for (const argv of [
      ['sweep', file, '--vary', 'server.workers=1,2'],
      ['plan', file, '--vary', 'server.workers=1,2', '--target-rps', '10', '--p99', '1'],
      ['compare', file, hey],
      ['fit', file, hey, '--free', 'app.steps[0].time', '--max-evaluations', '5'],
    ]) {
      const r = await sim(...argv);
      expect(r.code, argv[0]).toBeLessThanOrEqual(1);
      expect(r.out, argv[0]).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      // fit's text names the hey outputs, not the scenario.
      if (argv[0] !== 'fit') expect(r.out, argv[0]).toMatch(/\\u001b/);
    }
  });

  describe('item 19: sim compare refuses hey outputs that cannot be', () => {
    const original = readFileSync('test/fixtures/hey/patched-c10.r1.txt', 'utf8');
    const compare = async (text: string) => {
      const file = join(dir, 'hey.txt');
      writeFileSync(file, text);
      return sim('compare', scenario, file);
    };
    it('a negative or infinite Requests/sec', async () => {
      refused(await compare(original.replace('Requests/sec:\t9.4975', 'Requests/sec:\t-9.4975')), 'expected Requests/sec >= 0');
      refused(await compare(original.replace('Requests/sec:\t9.4975', 'Requests/sec:\t+Inf')), 'expected Requests/sec >= 0');
    });
    it('histogram counts that do not add up to the responses', async () => {
      refused(await compare(original.replace('1.039 [1]', '1.039 [7]')), "hey's histogram counts add up to 16, expected 10");
    });
    it('an unbalanced quote in the $ hey line', async () => {
      refused(await compare(original.replace('$ hey -n 10', '$ hey -H "Accept: x -n 10')), 'an unbalanced quote in the hey command line');
    });
  });

  it('item 21: serve --host "" and --port abc are refused with what would be right', async () => {
    refused(await sim('serve', '--host', '', '--port', '0'), '--host');
    refused(await sim('serve', '--port', 'abc'), '--port abc: expected a whole number >= 0, got "abc"');
  });

  describe('item 23: --out keeps a symbolic link a link, and writes into a named pipe', () => {
    it('a symbolic link', async () => {
      const target = join(dir, 'real-report.txt');
      const link = join(dir, 'link-report.txt');
      writeFileSync(target, 'old');
      symlinkSync(target, link);
      expect((await sim('run', scenario, '--out', link)).code).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(target);
      expect(readFileSync(target, 'utf8')).toContain('Summary:');
    });
    it('a named pipe', async () => {
      const fifo = join(dir, 'report.fifo');
      execFileSync('mkfifo', [fifo]);
      // The reader is a process of its own: spawnSync below holds this one's event loop.
      const copy = join(dir, 'from-fifo.txt');
      const reader = new Promise<string>((done) => {
        spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', fifo, copy]).on('exit', () => done(readFileSync(copy, 'utf8')));
      });
      const r = simProcess(['run', scenario, '--out', fifo]);
      expect(r.code).toBe(0);
      expect(await reader).toContain('Summary:');
      expect(lstatSync(fifo).isFIFO()).toBe(true);
    });
  });

  it('item 17: a valid number of 500 digits is read (it was refused with a wrong message)', async () => {
    const file = join(dir, 'digits.json');
    writeFileSync(file, JSON.stringify(withoutCosts(base)).replace('"20ms"', `0.02${'0'.repeat(496)}1`));
    const r = await sim('run', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Fastest:\t0.0200 secs');
  });

  it('item 24: a file of 380,000 steps is refused at the list bound, not validated item by item', () => {
    const file = join(dir, 'steps.json');
    writeFileSync(file, JSON.stringify({ ...base, app: { steps: Array.from({ length: 380_000 }, () => ({ kind: 'cpu', time: 0 })) } }));
    refused(simProcess(['run', file]), 'at app.steps: expected a list with <= 10000 items, got a list of 380000 items');
  });
});

describe('issue 17, item 11 and 22: sim serve', () => {
  const root = join(dir, 'serve');
  const siteDir = join(root, 'site');
  const scenariosDir = join(root, 'scenarios');
  let site: RunningSite;

  beforeAll(async () => {
    mkdirSync(siteDir, { recursive: true });
    mkdirSync(scenariosDir);
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(root, 'secret.json'), '{"secret": true}');
    writeFileSync(join(scenariosDir, 'ok.json'), JSON.stringify(base));
    symlinkSync(join(root, 'secret.json'), join(scenariosDir, 'escape.json'));
    symlinkSync(join(root, 'secret.json'), join(siteDir, 'escape.json'));
    writeFileSync(join(scenariosDir, 'huge.json'), `{"description": "${'x'.repeat(2 * 1024 * 1024)}"}`);
    site = await startSiteServer({ siteDir, scenariosDir, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await site?.close();
  });

  const get = (path: string, host?: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done, fail) => {
      const url = new URL(path, site.url);
      const req = request(url, { headers: host === undefined ? {} : { Host: host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', fail);
      req.end();
    });

  it("answers only to its own address: another site's name in Host is refused (DNS rebinding)", async () => {
    expect((await get('/', 'evil.example:8080')).status).toBe(421);
    expect((await get('/', 'localhost')).status).toBe(200);
    expect((await get('/')).status).toBe(200);
  });

  it('sends a Content-Security-Policy, X-Content-Type-Options and X-Frame-Options', async () => {
    const r = await get('/');
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('follows no symbolic link out of its folders', async () => {
    expect((await get('/scenarios/escape.json')).status).toBe(404);
    expect((await get('/escape.json')).status).toBe(404);
    expect((await get('/scenarios/ok.json')).status).toBe(200);
  });

  it('item 22: does not read a file over the input cap, so it blocks no one', async () => {
    process.env.SIM_MAX_INPUT_MB = '1';
    try {
      expect((await get('/scenarios/huge.json')).status).toBe(413);
      const index = JSON.parse((await get('/scenarios/index.json')).body);
      expect(index.scenarios.map((s: { name: string }) => s.name)).toContain('huge');
    } finally {
      delete process.env.SIM_MAX_INPUT_MB;
    }
  });
});

describe('hardening audit', () => {
  it('--jobs beyond 4 threads a core is refused: a sweep of 200 points started 200 threads (50 took 850 MB)', () => {
    const max = 4 * availableParallelism();
    refused(
      simProcess(['sweep', scenario, '--vary', 'server.workers=1..200', '--jobs', '100000']),
      `--jobs 100000: expected at most ${max} (4 x the ${availableParallelism()} core`,
    );
    expect(simProcess(['sweep', scenario, '--vary', 'server.workers=1,2', '--jobs', String(max)]).code).toBe(0);
  });

  describe('sim fit --free with an index in brackets, as --set writes it', () => {
    const db = join(dir, 'fit-db.json');
    writeFileSync(db, JSON.stringify(fitScenario));
    const hey = 'test/fixtures/hey/patched-c10.r1.txt';
    const fitJson = async (...argv: string[]) => {
      const r = await sim('fit', db, hey, '--max-evaluations', '20', '--json', ...argv);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.out).parameters[0];
    };
    it('fits app.steps[1].time (was "the scenario has no value there")', async () => {
      expect(await fitJson('--free', 'app.steps[1].time')).toMatchObject({ path: 'app.steps[1].time', start: 1 });
    });
    it('names the --free typed for an index past the end (was a --set never typed)', async () => {
      refused(
        await sim('fit', db, hey, '--free', 'app.steps[5].time'),
        '--free app.steps[5].time: app.steps has 3 items: expected an index from 0 to 2',
      );
    });
    it('sees one field in app.steps[1].time and app.steps.1.time', async () => {
      refused(await sim('fit', db, hey, '--free', 'app.steps[1].time,app.steps.1.time'), 'app.steps.1.time is named twice');
      // A --set of the free field is its start, not re-applied over the fitted value in every run.
      const p = await fitJson('--free', 'app.steps.1.time', '--set', 'app.steps[1].time=0.5');
      expect(p.start).toBe(0.5);
      expect(p.fitted).toBeGreaterThan(0.9);
    });
  });

  it('no output replaces an input of the command; sim fit --out may update its scenario in place', async () => {
    const own = join(dir, 'own.json');
    const text = JSON.stringify(base);
    writeFileSync(own, text);
    const hey = join(dir, 'own-hey.txt');
    writeFileSync(hey, readFileSync('test/fixtures/hey/patched-c10.r1.txt', 'utf8'));
    refused(await sim('run', own, '--out', own), `--out ${own}: cannot write: that is`);
    // Through a symbolic link, or another spelling of the path, it is the same file.
    const link = join(dir, 'own-link.json');
    symlinkSync(own, link);
    refused(await sim('run', own, '--json', link), `--json ${link}: cannot write: that is "${own}"`);
    refused(await sim('run', own, '--json', `${dir}/./own.json`), 'cannot write: that is');
    refused(await sim('compare', own, hey, '--json', hey), `--json ${hey}: cannot write: that is "${hey}"`);
    const shard = join(dir, 'own-shard.json');
    expect((await sim('sweep', own, '--vary', 'server.workers=1,2', '--json', shard)).code).toBe(0);
    const merged = readFileSync(shard, 'utf8');
    refused(await sim('merge', shard, '--json', shard), `--json ${shard}: cannot write: that is`);
    expect(readFileSync(shard, 'utf8')).toBe(merged);
    expect(readFileSync(own, 'utf8')).toBe(text);
    refused(await sim('fit', own, hey, '--free', 'app.steps[0].time', '--out', hey), `--out ${hey}: cannot write: that is`);
    const fitted = await sim('fit', own, hey, '--free', 'app.steps[0].time', '--max-evaluations', '5', '--out', own);
    expect(fitted.code).toBe(0);
    expect(JSON.parse(readFileSync(own, 'utf8')).description).toContain('Calibrated by sim fit');
  });
});
