import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';
import { cpuBound, withoutCosts } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-sensitivity-'));
function scenarioFile(name: string, scenario: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(withoutCosts(scenario), null, 2));
  return path;
}

describe('sim run --sensitivity', () => {
  const file = scenarioFile('cpu-bound.json', cpuBound);

  it('adds one line to the text report, after the rest', async () => {
    const plain = await sim('run', file);
    const moved = await sim('run', file, '--sensitivity');
    expect(moved.code).toBe(0);
    expect(moved.out.startsWith(plain.out)).toBe(true);
    expect(moved.out.slice(plain.out.length)).toMatch(
      /^\nSensitive to: app\.steps\.0\.time \(-50 %: 199\.\d+ req\/s, 0 x 500; \+50 %: 66\.\d+ req\/s, 0 x 500\)\n$/,
    );
  });

  it('changes nothing without the flag', async () => {
    const plain = await sim('run', file, '--json');
    expect(plain.out).not.toContain('sensitivity');
    expect((await sim('run', file)).out).not.toContain('Sensitive to');
  });

  it('adds the sensitive costs, the costs moved and the base figures to the JSON report', async () => {
    const { code, out } = await sim('run', file, '--sensitivity', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.sensitivity).toEqual([
      {
        path: 'app.steps.0.time',
        description: expect.any(String),
        fitted: false,
        low: { requestsPerSec: expect.any(Number), status500: 0 },
        high: { requestsPerSec: expect.any(Number), status500: 0 },
      },
    ]);
    expect(report.sensitivity[0].low.requestsPerSec).toBeGreaterThan(report.summary.requestsPerSec * 1.1);
    expect(report.sensitivity[0].high.requestsPerSec).toBeLessThan(report.summary.requestsPerSec * 0.9);
    expect(report.sensitivityChecked).toEqual([
      'app.steps.0.time',
      'database.forkTime',
      'database.backendStartTime',
      'database.backendExitTime',
    ]);
    expect(report.sensitivityBase).toMatchObject({
      requestsPerSec: report.summary.requestsPerSec,
      status500: 0,
      change: 0.5,
      threshold: 0.1,
      measured: [],
    });
  });

  it('is deterministic', async () => {
    const a = await sim('run', file, '--sensitivity', '--json');
    const b = await sim('run', file, '--sensitivity', '--json');
    expect(a.out).toBe(b.out);
  });

  it('moves a cost from the value --set gave it', async () => {
    const { out } = await sim('run', file, '--sensitivity', '--json', '--set', 'app.steps[0].time=20ms');
    const [cpu] = JSON.parse(out).sensitivity;
    expect(cpu.low.requestsPerSec).toBeCloseTo(99.8, 0);
    expect(cpu.high.requestsPerSec).toBeLessThan(40);
  });

  it('does not move a measured cost, and says so', async () => {
    const measured = scenarioFile('measured.json', { ...cpuBound, measured: { 'app.steps.0.time': 'py-spy on the handler' } });
    const { code, out } = await sim('run', measured, '--sensitivity');
    expect(code).toBe(0);
    expect(out).toMatch(/\nSensitive to: nothing beyond 10 % \(moved 3 costs by ±50 %; 1 measured, not moved\)\n$/);
  });

  it('checks the invariants of every moved run with --check', async () => {
    expect((await sim('run', file, '--sensitivity', '--check')).code).toBe(0);
  });

  it('refuses a measured key that is not a cost, with exit code 2 and the JSON path', async () => {
    const bad = scenarioFile('bad.json', { ...cpuBound, measured: { 'database.forkTim': 'strace' } });
    const { code, out, err } = await sim('run', bad, '--sensitivity');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(
      /^sim: .*bad\.json:\d+:\d+: at measured\["database\.forkTim"\]: "database\.forkTim" is not a cost of this scenario; did you mean "database\.forkTime"\?\n$/,
    );
  });

  it("tries the machine's task groups when the scenario does not state them, and lists them when they matter", async () => {
    // The kit's actors storm with every cost measured, and no machine.taskGroups: no cost
    // is moved, but the grouping decides how many connects are refused.
    const raw = JSON.parse(readFileSync('calibration/measured-linux-2core.json', 'utf8'));
    delete raw.machine.taskGroups;
    raw.server = { ...raw.server, workers: 4, workerConnections: 100 };
    raw.client = { ...raw.client, requests: 1000, concurrency: 1000 };
    raw.app.steps[1] = { kind: 'dbQuery', time: 0, cpu: 0.001086 };
    raw.measured['app.steps.1.cpu'] = "the actors query's backend CPU (calibration/validation.json)";
    const storm = join(dir, 'storm.json');
    writeFileSync(storm, JSON.stringify(raw));
    const report = JSON.parse((await sim('run', storm, '--sensitivity', '--json')).out);
    expect(report.sensitivity).toEqual([]);
    expect(report.sensitivitySettingsChecked).toEqual(['machine.taskGroups']);
    const [groups] = report.sensitivitySettings;
    expect(groups.path).toBe('machine.taskGroups');
    // On Linux (machine.os linux) unstated means autogroup's sessions; every process alike
    // gives the postmaster less of the cores, and PostgreSQL refuses fewer.
    expect(groups.assumed).toBe('session');
    const none = groups.alternatives.find((a: { value: string }) => a.value === 'none');
    expect(none.figures.status500 * 1.1).toBeLessThan(report.statusCodes['500']);
    expect((await sim('run', storm, '--sensitivity')).out).toMatch(
      /\nSensitive to: machine\.taskGroups \(assumed session; none: .* x 500; service: .* x 500\)\n$/,
    );

    // Stated, it is the user's: not tried.
    raw.machine.taskGroups = 'none';
    writeFileSync(storm, JSON.stringify(raw));
    expect(JSON.parse((await sim('run', storm, '--sensitivity', '--json')).out).sensitivitySettingsChecked).toEqual([]);
  });

  it('refuses a value on the switch', async () => {
    const { code, err } = await sim('run', file, '--sensitivity=3');
    expect(code).toBe(2);
    expect(err).toContain('--sensitivity: expected no value');
  });
});
