import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { COSTS, canonicalCostPath, costsOf, hasCost, isZeroDuration, scaleDuration } from '../../src/scenario/costs.js';
import { UserError } from '../../src/scenario/errors.js';
import { validateScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { scenario } from '../helpers.js';

describe('the cost registry', () => {
  it('lists every cost field, each with a one-line description', () => {
    const paths = COSTS.map((c) => (c.stepKind === undefined ? c.path : `${c.stepKind}: ${c.path}`));
    expect(paths).toEqual(
      expect.arrayContaining([
        'database.forkTime',
        'database.backendStartTime',
        'database.backendStartCpu',
        'database.backendExitTime',
        'database.pgbouncer.loginTime',
        'dbConnect: app.steps.N.cpu',
        'dbConnect: app.steps.N.turnCpu',
        'dbQuery: app.steps.N.cpu',
        'dbQuery: app.steps.N.decodeCpu',
        'cpu: app.steps.N.time',
        'client.requestCpu',
        'client.dialCpu',
        'server.requestCpu',
        'server.acceptCpu',
        'server.errorCpu',
        'server.bootCpu',
        'database.postmasterCpu',
        'database.postmasterWakeCpu',
        'database.backendStartupCpu',
        'database.backendBeforeSetsidCpu',
        'database.backendExitCpu',
        'database.refusedCpu',
        'database.transactionControlCpu',
        'database.transactionControlCpu',
      ]),
    );
    expect(new Set(paths).size).toBe(paths.length);
    for (const c of COSTS) expect(c.description).toMatch(/^[^\n]{10,120}$/);
  });

  it("finds a scenario's costs: fields given or defaulted, step fields by kind, in endpoints too", () => {
    const s = scenario({
      app: {
        endpoints: [
          {
            name: 'a',
            weight: 1,
            steps: [
              { kind: 'cpu', time: '2ms' },
              { kind: 'sleep', time: 1 },
            ],
          },
          { name: 'b', weight: 1, steps: [{ kind: 'dbConnect', cpu: 0.001 }, { kind: 'dbQuery', time: 1 }, { kind: 'dbClose' }] },
        ],
      },
      database: { pgbouncer: {} },
    });
    const costs = costsOf(s);
    expect(costs.map((c) => c.path)).toEqual([
      'client.requestCpu',
      'client.dialCpu',
      'server.acceptCpu',
      'server.requestCpu',
      'server.switchCpu',
      'server.errorCpu',
      'app.endpoints.0.steps.0.time',
      'app.endpoints.1.steps.0.cpu',
      'app.endpoints.1.steps.0.turnCpu',
      'app.endpoints.1.steps.0.backToBackShare',
      'app.endpoints.1.steps.0.contendedCpu',
      'app.endpoints.1.steps.1.cpu',
      'app.endpoints.1.steps.1.decodeCpu',
      'machine.wakeupLatency',
      'database.forkTime',
      'database.postmasterCpu',
      'database.postmasterWakeCpu',
      'database.backendStartTime',
      'database.backendStartCpu',
      'database.backendBeforeAuthCpu',
      'database.backendStartupCpu',
      'database.backendBeforeSetsidCpu',
      'database.backendExitTime',
      'database.backendExitCpu',
      'database.refusedCpu',
      'database.transactionControlCpu',
      'database.pgbouncer.loginTime',
      'database.pgbouncer.loginCpu',
      'database.pgbouncer.queryCpu',
      'database.pgbouncer.serverCpu',
    ]);
    expect(costs.find((c) => c.path === 'app.endpoints.0.steps.0.time')).toMatchObject({
      keys: ['app', 'endpoints', 0, 'steps', 0, 'time'],
      value: 0.002,
    });
    // Absent from the file, moved from its default.
    expect(costs.find((c) => c.path === 'database.pgbouncer.loginCpu')?.value).toBe(0.0003363);
  });

  it('skips a path the scenario does not have: no database, or a field the schema does not define yet', () => {
    const s = scenario({ app: { steps: [{ kind: 'sleep', time: 1 }] } });
    const noDatabase: Scenario = { ...s, database: undefined };
    expect(costsOf(noDatabase).map((c) => c.path)).toEqual([
      'client.requestCpu',
      'client.dialCpu',
      'server.acceptCpu',
      'server.requestCpu',
      'server.switchCpu',
      'server.errorCpu',
      'machine.wakeupLatency',
    ]);
    // A field the schema does not define (here one removed, as an older schema would lack it) is not a cost.
    const { errorCpu: _, ...olderServer } = noDatabase.server;
    expect(costsOf({ ...noDatabase, server: olderServer } as Scenario).map((c) => c.path)).not.toContain('server.errorCpu');
  });

  it('reads app.steps[1].cpu as app.steps.1.cpu', () => {
    expect(canonicalCostPath('app.steps[1].cpu')).toBe('app.steps.1.cpu');
    expect(canonicalCostPath('app.endpoints[0].steps[2].time')).toBe('app.endpoints.0.steps.2.time');
  });
});

describe('hasCost: whether a path is one of costsOf, without listing them', () => {
  // checkCostNotes asks it of every key of measured and fitted; it used to list every cost
  // of the scenario (costsOf) for each validation, a sixth of its time.
  it("answers as costsOf's list does, for every shipped scenario's costs and paths near them", () => {
    const files = ['scenarios', 'calibration'].flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.json') && !['schema.json', 'article-rows.json', 'validation.json'].includes(f))
        .map((f) => `${d}/${f}`),
    );
    let checked = 0;
    for (const file of files) {
      const raw = JSON.parse(readFileSync(file, 'utf8'));
      if (raw?.client === undefined) continue;
      const s = validateScenario(raw, file);
      const known = costsOf(s).map((c) => c.path);
      const fields = [...new Set(COSTS.map((c) => c.path.split('.').at(-1)!))];
      const candidates = new Set([...known, ...Object.keys(s.measured ?? {}).map(canonicalCostPath), ...Object.keys(s.fitted ?? {})]);
      for (const path of known) {
        const keys = path.split('.');
        // Another index, a non-canonical one, every other field name, a step list's siblings.
        for (let i = 0; i < keys.length; i++) {
          if (/^\d+$/.test(keys[i])) {
            for (const other of [String(Number(keys[i]) + 1), `0${keys[i]}`, '-1', '99999'])
              candidates.add([...keys.slice(0, i), other, ...keys.slice(i + 1)].join('.'));
          }
        }
        for (const field of fields) candidates.add([...keys.slice(0, -1), field].join('.'));
        candidates.add(`${path}.x`);
        candidates.add(keys.slice(0, -1).join('.'));
      }
      for (const step of ['app.steps.0', 'app.endpoints.0.steps.0', 'app.endpoints.1.steps.2'])
        for (const field of fields) candidates.add(`${step}.${field}`);
      for (const path of candidates) {
        expect(hasCost(s, path), `${file}: ${path}`).toBe(known.includes(path));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('scaling a cost', () => {
  it('scales seconds and every distribution by its durations', () => {
    expect(scaleDuration(0.004, 1.5)).toBeCloseTo(0.006, 12);
    expect(scaleDuration({ dist: 'constant', value: 0.002 }, 0.5)).toEqual({ dist: 'constant', value: 0.001 });
    expect(scaleDuration({ dist: 'exponential', mean: 0.01 }, 0.5)).toEqual({ dist: 'exponential', mean: 0.005 });
    expect(scaleDuration({ dist: 'uniform', min: 0.002, max: 0.004 }, 0.5)).toEqual({ dist: 'uniform', min: 0.001, max: 0.002 });
    expect(scaleDuration({ dist: 'choice', values: [0.002, 0.004], weights: [3, 1] }, 0.5)).toEqual({
      dist: 'choice',
      values: [0.001, 0.002],
      weights: [3, 1],
    });
    expect(scaleDuration({ dist: 'choice', values: [0.002] }, 0.5)).toEqual({ dist: 'choice', values: [0.001] });
    // lognormal: the median moves, the spread (sigma) stays.
    expect(scaleDuration({ dist: 'lognormal', median: 0.01, sigma: 0.8 }, 0.5)).toEqual({ dist: 'lognormal', median: 0.005, sigma: 0.8 });
  });

  it('keeps a scaled value within the longest duration a file may state', () => {
    expect(scaleDuration(1e9, 1.5, 1e9)).toBe(1e9);
  });

  it('knows a duration that is always 0', () => {
    expect(isZeroDuration(0)).toBe(true);
    expect(isZeroDuration({ dist: 'constant', value: 0 })).toBe(true);
    expect(isZeroDuration({ dist: 'uniform', min: 0, max: 0 })).toBe(true);
    expect(isZeroDuration({ dist: 'choice', values: [0, 0] })).toBe(true);
    expect(isZeroDuration({ dist: 'uniform', min: 0, max: 0.001 })).toBe(false);
    expect(isZeroDuration({ dist: 'choice', values: [0, 0.001] })).toBe(false);
    expect(isZeroDuration(0.001)).toBe(false);
  });

  it('moves the cost inside the parsed duration, whatever way the file wrote it', () => {
    const s = scenario({ app: { steps: [{ kind: 'cpu', time: { dist: 'uniform', min: '1ms', max: '3ms' } }] }, database: undefined });
    expect(costsOf(s).find((c) => c.path === 'app.steps.0.time')!.value).toEqual({ dist: 'uniform', min: 0.001, max: 0.003 });
  });
});

describe('measured and fitted', () => {
  const raw = (extra: Record<string, unknown>) => ({
    description: 'x',
    client: { requests: 10, concurrency: 5 },
    server: { workerClass: 'gevent' },
    app: { steps: [{ kind: 'cpu', time: '1ms' }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.01 }, { kind: 'dbClose' }] },
    database: { forkTime: 0.002, backendStartTime: 0.01 },
    ...extra,
  });
  const problem = (extra: Record<string, unknown>) => {
    try {
      validateScenario(raw(extra), 's.json');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return (e as Error).message;
    }
    return undefined;
  };

  it('accept cost paths, with dots or brackets, and costs left at their default', () => {
    const s = validateScenario(
      raw({
        measured: { 'app.steps[0].time': 'py-spy', 'database.backendExitTime': 'strace' },
        fitted: { 'database.forkTime': 'sim fit' },
      }),
      's.json',
    );
    expect(s.measured).toEqual({ 'app.steps[0].time': 'py-spy', 'database.backendExitTime': 'strace' });
    expect(s.fitted).toEqual({ 'database.forkTime': 'sim fit' });
  });

  it('refuse a key that is not a cost of the scenario, naming the JSON path', () => {
    expect(problem({ measured: { 'database.forkTim': 'x' } })).toBe(
      's.json: at measured["database.forkTim"]: "database.forkTim" is not a cost of this scenario; did you mean "database.forkTime"?',
    );
    // A step field of the wrong kind of step, or a step that is not there.
    expect(problem({ fitted: { 'app.steps.2.decodeCpu': 'x', 'app.steps.9.cpu': 'y' } })).toMatch(
      /at fitted\["app\.steps\.9\.cpu"\]: "app\.steps\.9\.cpu" is not a cost/,
    );
    expect(problem({ measured: { 'client.concurrency': 'x' } })).toMatch(
      /at measured\["client\.concurrency"\]: .* is not a cost of this scenario; expected one of "client\.requestCpu"/,
    );
  });

  it('refuse a cost that is both', () => {
    expect(problem({ measured: { 'database.forkTime': 'a' }, fitted: { 'database.forkTime': 'b' } })).toMatch(
      /at fitted\["database\.forkTime"\]: .* both "measured" and "fitted"/,
    );
  });

  it('refuse a value that is not a line of text', () => {
    expect(problem({ measured: { 'database.forkTime': 3 } })).toMatch(
      /at measured\["database\.forkTime"\]: expected a string, got number 3/,
    );
  });
});
