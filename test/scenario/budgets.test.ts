// Issue 17, "What to build": a scenario whose work is predictably beyond the budgets is
// refused before it starts, with the estimate (src/scenario/budgets.ts). The estimates are
// lower bounds: each is checked against the model at its edge (a run exactly at the bound
// is not refused, one just past it is), and no scenario of the repository is refused.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/cli/loadSweep.js';
import { loadScenarioFile } from '../../src/cli/loadScenarioFile.js';
import { simArgv } from '../sim.js';
import { heaviestPoint } from '../../src/analysis/sweep/sweep.js';
import { simulate } from '../../src/model/system.js';
import { beyondBudget, nthConstantArrival } from '../../src/scenario/budgets.js';
import { validateScenario } from '../../src/scenario/load.js';
import { withoutCosts } from '../helpers.js';

const sleep = { steps: [{ kind: 'sleep', time: 0 }] };
const scenario = (client: object, limits: object = {}) =>
  validateScenario(
    withoutCosts({ description: 'budgets', client, server: { workerClass: 'gevent', bootTime: 0 }, app: sleep, limits }),
    'test',
  );

describe("the estimate of a run's work", () => {
  it('counts the requests hey sends (whole rounds of -c) against limits.maxEvents, one event or more each', () => {
    expect(beyondBudget(scenario({ requests: 1001, concurrency: 1 }, { maxEvents: 1000 }))).toMatchObject({
      budget: 'maxEvents',
      estimate: 1001,
    });
    // 1009 requests in rounds of 10: hey sends 1000.
    expect(beyondBudget(scenario({ requests: 1009, concurrency: 10 }, { maxEvents: 1000 }))).toBeUndefined();
    // The bound is reached: with every cost 0, hey's requests take one event each.
    const atBound = scenario({ requests: 1000, concurrency: 1 }, { maxEvents: 1001 });
    expect(beyondBudget(atBound)).toBeUndefined();
    expect(simulate(atBound).events).toBe(1001);
    expect(beyondBudget(scenario({ requests: 1000, arrivals: { rate: 1000 } }, { maxEvents: 999 }))).toMatchObject({
      budget: 'maxEvents',
      estimate: 1000,
    });
  });

  it('hey -z: the duration against limits.maxSimTime', () => {
    expect(beyondBudget(scenario({ requests: 1, concurrency: 1, duration: '61s' }, { maxSimTime: '1m' }))).toMatchObject({
      budget: 'maxSimTime',
      estimate: 61,
    });
    expect(beyondBudget(scenario({ requests: 1, concurrency: 1, duration: '60s' }, { maxSimTime: '1m' }))).toBeUndefined();
  });

  it("hey -q: a worker's last request waits for its last tick, exactly as the model sends it", () => {
    // 10 requests per worker at 2/s: the last is sent at 5 s.
    const client = { requests: 30, concurrency: 3, rate: 2 };
    expect(beyondBudget(scenario(client, { maxSimTime: '4.999999s' }))).toMatchObject({ budget: 'maxSimTime', estimate: 5 });
    const atBound = scenario(client, { maxSimTime: '5s' });
    expect(beyondBudget(atBound)).toBeUndefined();
    const r = simulate(atBound);
    expect(r.complete).toBe(true);
    expect(r.total).toBe(5e6);
  });

  it("evenly spaced arrivals: the last one's time, from the rate steps, as the model sends it", () => {
    // 1/s for 10 s (9 arrivals: 1..9 s), nothing until 20 s, then 10/s: the 20th at 21.1 s.
    const arrivals = {
      process: 'constant',
      steps: [
        { from: 0, rate: 1 },
        { from: '10s', rate: 0 },
        { from: '20s', rate: 10 },
      ],
    };
    expect(
      nthConstantArrival(
        [
          { from: 0, rate: 1 },
          { from: 10e6, rate: 0 },
          { from: 20e6, rate: 10 },
        ],
        20,
      ),
    ).toBe(21.1e6);
    const atBound = scenario({ requests: 20, arrivals }, { maxSimTime: '21.1s' });
    expect(beyondBudget(atBound)).toBeUndefined();
    const r = simulate(atBound);
    expect(r.complete).toBe(true);
    expect(r.total).toBe(21.1e6);
    expect(beyondBudget(scenario({ requests: 21, arrivals }, { maxSimTime: '21.1s' }))).toMatchObject({
      budget: 'maxSimTime',
      estimate: 21.2,
    });
  });

  it('Poisson arrivals: refused only when all of them coming within the budget is all but impossible', () => {
    // 1/s for an hour: 3,600 on average; 3,800 all within the hour is possible (3.3 sigma)...
    expect(beyondBudget(scenario({ requests: 3800, arrivals: { rate: 1 } }))).toBeUndefined();
    // ... 4,000 is not (6.7 sigma; the Chernoff bound is below 1e-9).
    expect(beyondBudget(scenario({ requests: 4000, arrivals: { rate: 1 } }))).toMatchObject({ budget: 'maxSimTime', estimate: 4000 });
    // No arrivals at all before the budget ends: refused, however few.
    const late = {
      steps: [
        { from: 0, rate: 0 },
        { from: '2h', rate: 10 },
      ],
    };
    expect(beyondBudget(scenario({ requests: 5, arrivals: late }))).toMatchObject({ budget: 'maxSimTime', estimate: 7200.5 });
    // With a duration, sending may stop early: no bound.
    expect(beyondBudget(scenario({ requests: 5, duration: '3h', arrivals: late }))).toBeUndefined();
  });
});

describe('sim run and sim sweep refuse it before anything runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-budgets-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(
    file,
    JSON.stringify({
      description: 'budgets',
      client: { requests: 20, concurrency: 5 },
      app: { steps: [{ kind: 'sleep', time: '20ms' }] },
      server: {},
    }),
  );
  // stderr a terminal, as a user's would be.
  const sim = (...argv: string[]) => simArgv(argv, { errIsTTY: true });

  it('sim run: exit 2, one line with the estimate, the budget and what raises it; nothing on stdout', async () => {
    const r = await sim('run', file, '--set', 'client.requests=20000000');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `sim: ${file}: at limits.maxEvents: the run could not finish within its event budget of 10000000: client.requests = 20000000: at least 20000000 events (one or more each); raise the budget (--max-events, at most 1000000000) or send fewer requests\n`,
    );
    // Raising the budget as it says lets the check pass (the run itself is cut short here).
    expect((await sim('run', file, '--set', 'client.requests=20', '--max-events', '20')).code).toBe(0);
    expect((await sim('run', file, '--set', 'client.requests=20', '--max-events', '19')).code).toBe(2);
  });

  it('sim sweep: a point beyond the budget is named, and no point runs (no progress shown)', async () => {
    const r = await sim('sweep', file, '--vary', 'client.duration=10m,2h');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `sim: ${file} with --vary client.duration=10m,2h (at client.duration=2h): at limits.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client.duration = 7200 s of sending (hey -z): at least 7200 simulated seconds; raise the budget (--set limits.maxSimTime=T) or shorten client.duration\n`,
    );
  });

  it('refuses no scenario of the repository, nor any point of their sweep blocks', () => {
    const files = [
      ...readdirSync('scenarios')
        .filter((f) => f.endsWith('.json') && f !== 'schema.json')
        .map((f) => `scenarios/${f}`),
      ...readdirSync('calibration')
        .filter((f) => f.endsWith('.json'))
        .map((f) => `calibration/${f}`),
    ].filter((f) => JSON.parse(readFileSync(f, 'utf8')).client !== undefined); // not calibration/validation.json, a list of runs
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      expect(() => loadScenarioFile(f), f).not.toThrow();
      if (JSON.parse(readFileSync(f, 'utf8')).sweep !== undefined) {
        expect(() => heaviestPoint(loadSweep({ scenario: f, vary: [], set: [] } as never, 'sweep')), f).not.toThrow();
      }
    }
  });
});
