import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
function scenarioFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const valid = JSON.parse(
  JSON.stringify({
    description: 'cli test',
    client: { requests: 20, concurrency: 5 },
    server: { workerClass: 'gevent', workers: 2 },
    app: { steps: [{ kind: 'sleep', time: { dist: 'exponential', mean: '20ms' } }] },
  }),
);

describe('sim run', () => {
  it("writes the control characters of the scenario's own strings as \\u escapes, so that its report cannot drive the terminal", async () => {
    const path = scenarioFile('escape.json', JSON.stringify({ ...valid, name: 'evil\u001b]0;retitled\u0007' }));
    const { code, out } = await sim('run', path);
    expect(code).toBe(0);
    expect(out).toContain('Scenario:\tevil\\u001b]0;retitled\\u0007 (seed 1)');
    expect(out).not.toMatch(/[\u001b\u0007]/);
  });

  it('prints a hey-style report', async () => {
    const { code, out } = await sim('run', 'scenarios/gevent-100.json');
    expect(code).toBe(0);
    for (const heading of ['Summary:', 'Requests/sec:', 'Response time histogram:', 'Latency distribution:', 'Status code distribution:']) {
      expect(out).toContain(heading);
    }
    expect(out).toContain('[204]\t100 responses');
  });

  it('prints JSON with the documented fields, in seconds', async () => {
    const { out } = await sim('run', 'scenarios/gevent-101.json', '--json');
    const report = JSON.parse(out);
    expect(Object.keys(report.summary)).toEqual(expect.arrayContaining(['total', 'requestsPerSec', 'slowest', 'fastest', 'average']));
    expect(report.statusCodes).toEqual({ '204': 100, '500': 1 });
    expect(report.errors).toEqual({});
    expect(Object.keys(report.latency)).toEqual(['p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99']);
    expect(report.summary.total).toBeGreaterThan(1);
    expect(report.summary.total).toBeLessThan(2);
  });

  it('gives byte-identical JSON for the same scenario and seed', async () => {
    const path = scenarioFile('random.json', JSON.stringify(valid));
    const a = await sim('run', path, '--json', '--seed', '9');
    const b = await sim('run', path, '--json', '--seed', '9');
    const c = await sim('run', path, '--json', '--seed', '10');
    expect(a.out).toBe(b.out);
    expect(a.out).not.toBe(c.out);
  });

  it('applies --set overrides to any field', async () => {
    const { out } = await sim(
      'run',
      'scenarios/gevent-100.json',
      '--json',
      '--set',
      'client.concurrency=125',
      '--set',
      'client.requests=125',
    );
    expect(JSON.parse(out).statusCodes).toEqual({ '204': 100, '500': 25 });
  });
});

describe('bad input gets a short error and exit code 2', () => {
  const cases: [string, string, RegExp][] = [
    ['broken JSON', '{\n  "description": "x",\n  "client": { "requests": 10, }\n}', /broken\.json:3:\d+: not valid JSON/],
    [
      'a missing field',
      JSON.stringify({ ...valid, client: { concurrency: 5 } }),
      /at client\.requests: expected "requests" \(hey -n\) or "duration" \(hey -z\)/,
    ],
    ['a wrong type', JSON.stringify({ ...valid, server: { workers: 'two' } }), /at server\.workers: expected a number, got string "two"/],
    [
      'a negative count',
      JSON.stringify({ ...valid, client: { requests: -1, concurrency: 1 } }),
      /at client\.requests: expected a number > 0, got number -1/,
    ],
    [
      'an unknown key',
      JSON.stringify({ ...valid, server: { workerConnection: 10 } }),
      /at server\.workerConnection: unknown key "workerConnection"; did you mean "workerConnections"\?/,
    ],
    [
      'a bad duration',
      JSON.stringify({ ...valid, app: { steps: [{ kind: 'sleep', time: '10 parsecs' }] } }),
      /at app\.steps\[0\]\.time: expected a duration/,
    ],
    [
      'an unknown step',
      JSON.stringify({ ...valid, app: { steps: [{ kind: 'redis' }] } }),
      /at app\.steps\[0\]\.kind: expected a step whose kind is one of "cpu", .*got string "redis"/,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      const path = scenarioFile(what === 'broken JSON' ? 'broken.json' : `${what.replace(/ /g, '-')}.json`, text);
      const { code, err, out } = await sim('run', path);
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(err).toContain(path);
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
      expect(out).toBe('');
    });
  }

  it('warns on stderr, and still runs, when --set switches the authentication under a connect the file priced', async () => {
    const switched = await sim('run', 'calibration/measured-linux-2core.json', '-n', '10', '-c', '10', '--set', 'database.authMethod=md5');
    expect(switched.code).toBe(0);
    expect(switched.out).toContain('Requests/sec:');
    expect(switched.err).toMatch(
      /^sim: warning: --set database\.authMethod=md5 .* app\.steps\[0\]\.cpu is still the file's price of a scram-sha-256 connect/,
    );
    const same = await sim('run', 'calibration/measured-linux-2core.json', '-n', '10', '-c', '10');
    expect(same.err).toBe('');
  });

  it('a missing file', async () => {
    const { code, err } = await sim('run', 'scenarios/nope.json');
    expect(code).toBe(2);
    expect(err).toBe('sim: scenarios/nope.json: cannot read the scenario: no such file\n');
  });

  it('a bad --set expression and an unknown flag', async () => {
    expect((await sim('run', 'scenarios/gevent-100.json', '--set', 'client.concurrency')).err).toMatch(/expected path=value/);
    expect((await sim('run', 'scenarios/gevent-100.json', '--set', 'client.concurency=5')).err).toMatch(/did you mean "concurrency"/);
    const unknown = await sim('run', 'scenarios/gevent-100.json', '--jsn');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe('sim: unknown option --jsn; did you mean --json?\n');
  });

  it('the installed command exits 2 without a stack trace', () => {
    const path = scenarioFile('unknown-key.json', JSON.stringify({ ...valid, clinet: {} }));
    const r = spawnSync(process.execPath, ['bin/sim.js', 'run', path], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown key "clinet"; did you mean "client"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

describe('output into a pipe that the reader closes early (sim ... | head)', () => {
  it('stops quietly, without a stack trace', () => {
    // The schema is more than a pipe holds, so sim is still writing when head exits.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" bin/sim.js schema | head -c 10 > /dev/null`], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});

describe('sim schema', () => {
  it('is what scenarios/schema.json holds (regenerate with: npx sim schema > scenarios/schema.json)', () => {
    const printed = execFileSync(process.execPath, ['bin/sim.js', 'schema'], { encoding: 'utf8' });
    expect(printed).toBe(readFileSync('scenarios/schema.json', 'utf8'));
  });
});

describe('a required field that is missing', () => {
  it('names the field and what was expected', async () => {
    const path = scenarioFile('no-steps.json', JSON.stringify({ ...valid, app: {} }));
    const { code, err } = await sim('run', path);
    expect(code).toBe(2);
    expect(err).toMatch(/no-steps\.json:1:\d+: at app\.steps: expected either "steps" or "endpoints"/);
  });
});
