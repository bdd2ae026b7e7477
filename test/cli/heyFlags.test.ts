// hey's flags on sim run, sim sweep and sim plan: shorthands for the client's fields.
import { describe, expect, it } from 'vitest';
import { sim, simArgv } from '../sim.js';
import { HEY_FLAGS_HELP, translateHeyFlags } from '../../src/cli/heyFlags.js';

describe('translateHeyFlags', () => {
  it("rewrites -n, -c, -z, -q, -t and -disable-keepalive as --set expressions, after the user's own", () => {
    expect(
      translateHeyFlags([
        'run',
        's.json',
        '--set',
        'seed=2',
        '-n',
        '101',
        '-c=101',
        '-z',
        '1m30s',
        '-q',
        '2.5',
        '-t',
        '0',
        '-disable-keepalive',
      ]),
    ).toEqual([
      'run',
      's.json',
      '--set',
      'seed=2',
      '--set',
      'client.requests=101',
      '--set',
      'client.concurrency=101',
      '--set',
      'client.duration=90',
      '--set',
      'client.rate=2.5',
      '--set',
      'client.timeout=0',
      '--set',
      'client.keepAlive=false',
    ]);
  });

  it('takes --disable-keepalive with two dashes, and =false', () => {
    expect(translateHeyFlags(['sweep', 's.json', '--disable-keepalive'])).toEqual(['sweep', 's.json', '--set', 'client.keepAlive=false']);
    expect(translateHeyFlags(['plan', 's.json', '--disable-keepalive=false'])).toEqual([
      'plan',
      's.json',
      '--set',
      'client.keepAlive=true',
    ]);
  });

  it('reads -q and -t as Go reads a float: 1e-3 is one (was "expected a number ... > 0")', () => {
    expect(translateHeyFlags(['run', 's.json', '-q', '1e-3', '-t', '2.5E1'])).toEqual([
      'run',
      's.json',
      '--set',
      'client.rate=0.001',
      '--set',
      'client.timeout=25',
    ]);
    expect(() => translateHeyFlags(['run', 's.json', '-n', '1e3'])).toThrow('-n 1e3: expected a whole number >= 1');
  });

  // Fresh-eyes audit: -n 1e12 said "expected a whole number >= 1", which 1e12 is.
  it('says why -n and -c in exponent notation are refused: hey reads them as integers', () => {
    expect(() => translateHeyFlags(['run', 's.json', '-n', '1e12'])).toThrow(
      '-n 1e12: expected a whole number >= 1 in digits (hey reads -n and -c as integers) (hey -n: requests to send (client.requests)), e.g. -n 200',
    );
    expect(() => translateHeyFlags(['run', 's.json', '-c', '1.5'])).toThrow('-c 1.5: expected a whole number >= 1 (hey -c:');
  });

  // Hardening 6: -q 1e400 became --set client.rate=Infinity, refused as 'got string "Infinity"'.
  it("refuses a number beyond range, as Go's flag parsing does, naming what was typed", () => {
    expect(() => translateHeyFlags(['run', 's.json', '-q', '1e400'])).toThrow(
      '-q 1e400: expected a number within range (hey refuses it: "value out of range") (hey -q:',
    );
    expect(() => translateHeyFlags(['run', 's.json', '-t', '1e400'])).toThrow('-t 1e400: expected a number within range');
    expect(() => translateHeyFlags(['run', 's.json', '-n', '9'.repeat(400)])).toThrow('expected a number within range');
    expect(() => translateHeyFlags(['run', 's.json', '-z', `${'9'.repeat(400)}h`])).toThrow('expected a duration within range');
  });

  it('leaves other commands, and everything after --, alone', () => {
    expect(translateHeyFlags(['compare', 's.json', 'out.txt', '-c', '5'])).toEqual(['compare', 's.json', 'out.txt', '-c', '5']);
    expect(translateHeyFlags(['run', 's.json', '--', '-n', '5'])).toEqual(['run', 's.json', '--', '-n', '5']);
  });

  it.each([
    [['run', 's.json', '-n'], /^-n: expected a value, e.g. -n 200$/],
    [['run', 's.json', '-n', '-c', '4'], /^-n: expected a value, e.g. -n 200$/],
    [
      ['run', 's.json', '-c', 'ten'],
      /^-c ten: expected a whole number >= 1 \(hey -c: workers sending at once \(client\.concurrency\)\), e\.g\. -c 50$/,
    ],
    [['run', 's.json', '-c', '0'], /^-c 0: expected a whole number >= 1/],
    [['run', 's.json', '-z', '10'], /^-z 10: expected a duration > 0 such as 10s, 1m30s or 500ms/],
    [['run', 's.json', '-q', '0'], /^-q 0: expected a number of requests per second > 0; without -q there is no limit/],
    [['run', 's.json', '-t', '-1'], /^-t -1: expected a number of seconds >= 0/],
    [['run', 's.json', '-n', '5', '-n', '6'], /^-n: given twice; give it once$/],
    [['run', 's.json', '-disable-keepalive=yes'], /^-disable-keepalive=yes: /],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => translateHeyFlags(argv)).toThrow(message);
  });
});

describe("HEY_FLAGS_HELP (the epilogue of the three commands' help)", () => {
  it('names each flag with the field it sets', () => {
    for (const line of ['-n 200', '-c 50', '-z 10s', '-q 10', '-t 20', '-disable-keepalive'])
      expect(HEY_FLAGS_HELP).toContain(`  ${line} `);
    expect(HEY_FLAGS_HELP).toContain('(client.keepAlive=false)');
  });

  it('is in the help of every command that takes the flags: run, sweep, plan and init', async () => {
    for (const command of ['run', 'sweep', 'plan', 'init'])
      expect((await sim('help', command)).out).toContain(HEY_FLAGS_HELP.split('\n')[0]);
  });

  it('wraps a description too long for the terminal under the description, not under the flags', async () => {
    const help = (await simArgv(['help', 'run'], { columns: 80 })).out.split('\n');
    const z = help.findIndex((l) => l.startsWith('  -z 10s '));
    expect(help[z]).toMatch(/^ {2}-z 10s {16}send for this long/);
    expect(help[z + 1]).toMatch(/^ {24}\S/);
  });
});

describe('hey flags on the commands', () => {
  it('sim run scenarios/gevent-100.json -c 101 -n 101 equals --set client.concurrency=101 --set client.requests=101', async () => {
    const flags = await sim('run', 'scenarios/gevent-100.json', '-c', '101', '-n', '101', '--json');
    const sets = await sim('run', 'scenarios/gevent-100.json', '--set', 'client.concurrency=101', '--set', 'client.requests=101', '--json');
    expect(flags.code).toBe(0);
    expect(flags.out).toBe(sets.out);
    expect(JSON.parse(flags.out).summary.responses + JSON.parse(flags.out).summary.errors).toBe(101);
  });

  it('win over --set, as --seed does', async () => {
    const a = await sim('run', 'scenarios/gevent-100.json', '--set', 'client.requests=5', '-n', '20', '-c', '10', '--json');
    expect(JSON.parse(a.out).summary.responses).toBe(20);
  });

  it('a bad value exits 2 with one line naming the flag', async () => {
    const { code, err, out } = await sim('run', 'scenarios/gevent-100.json', '-c', 'lots');
    expect(code).toBe(2);
    expect(err).toBe('sim: -c lots: expected a whole number >= 1 (hey -c: workers sending at once (client.concurrency)), e.g. -c 50\n');
    expect(out).toBe('');
  });

  it('a value the scenario refuses names the field', async () => {
    const { code, err } = await sim('run', 'scenarios/gevent-100.json', '-c', '200', '-n', '100');
    expect(code).toBe(2);
    expect(err).toMatch(/client\.concurrency/);
  });

  it('sim sweep takes them for its base scenario', async () => {
    const { code, out } = await sim(
      'sweep',
      'scenarios/gevent-100.json',
      '-n',
      '20',
      '-c',
      '10',
      '--vary',
      'server.workers=1,2',
      '--jobs',
      '1',
      '--json',
    );
    expect(code).toBe(0);
    const points = JSON.parse(out).points;
    // gevent-100's every request answers 204: 20 of them at each point, not the file's 100.
    expect(points.map((p: { statusCodes: Record<string, number> }) => p.statusCodes)).toEqual([{ '204': 20 }, { '204': 20 }]);
  });

  it('sim plan takes them too', async () => {
    // 200 requests: a p99 needs at least 100 responses, and a target without its figure is not met.
    const { code } = await sim(
      'plan',
      'scenarios/gevent-100.json',
      '-n',
      '200',
      '-c',
      '10',
      '--vary',
      'server.workers=1,2',
      '--target-rps',
      '1',
      '--p99',
      '30s',
      '--jobs',
      '1',
      '--json',
    );
    expect(code).toBe(0);
  });
});
