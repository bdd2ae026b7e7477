// The costs this project ships: for every machine cost, the median over the kit's series
// that measured their own machine, and the leave-one-out pricing that says what they give a
// machine the kit never saw.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  costFigures,
  medianCosts,
  medianOf,
  othersMedians,
  ownSeriesCosts,
  SHIPPED_SCENARIO,
  withShippedCosts,
} from '../../../src/analysis/calibration/shippedCosts.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { MEASURED_COSTS as M } from '../../../src/scenario/measuredCosts.js';

const four = (x: number) => Number(x.toPrecision(4));
const PLAN = 'calibration/validation.json';

describe("a cost's median over the series", () => {
  it("is one series' figure: the lower of the two middle ones of an even count", () => {
    const m = medianOf([
      { value: 0.003, series: 'c' },
      { value: 0.001, series: 'a' },
      { value: 0.004, series: 'd' },
      { value: 0.002, series: 'b' },
    ]);
    expect(m).toEqual({ seconds: 0.002, series: 'b', low: 0.001, high: 0.004 });
  });

  it('counts a distribution as its mean, and gives it as that mean', () => {
    const m = medianOf([
      { value: { dist: 'choice', values: [0.001, 0.005] }, series: 'spread' },
      { value: 0.002, series: 'low' },
      { value: 0.004, series: 'high' },
    ]);
    expect(m.series).toBe('spread');
    expect(m.seconds).toBeCloseTo(0.003, 12);
  });

  it("leaves a series out of its own price: each is priced with the others' median", () => {
    const raw = (postmasterCpu: number, cpu: number) => ({ database: { postmasterCpu }, app: { steps: [{ kind: 'dbConnect', cpu }] } });
    const series = new Map([
      ['a', raw(0.001, 0.01)],
      ['b', raw(0.002, 0.02)],
      ['c', raw(0.009, 0.09)],
    ]);
    expect(medianCosts(series).database.postmasterCpu).toBe(0.002);
    const price = othersMedians(series);
    // a's own 0.001 plays no part: the others are 0.002 and 0.009, the lower middle 0.002.
    expect(price('a').database.postmasterCpu).toBe(0.002);
    expect(price('b').database.postmasterCpu).toBe(0.001);
    expect(price('c').app.steps[0].cpu).toBe(0.01);
  });

  it('replaces the machine costs a series states, and drops those the prices lack (the schema default then)', () => {
    const series = {
      client: { requestCpu: 1, concurrency: 5 },
      machine: { cores: 2, wakeupLatency: 0.00003 },
      database: { postmasterCpu: 1, maxConnections: 100 },
      app: {
        steps: [
          { kind: 'dbConnect', cpu: 1, contendedCpu: 1 },
          { kind: 'dbQuery', time: 1, cpu: 0.5 },
        ],
      },
    };
    const priced = withShippedCosts(series, {
      client: { requestCpu: 2 },
      database: { postmasterCpu: 3 },
      app: { steps: [{ kind: 'dbConnect', cpu: 4 }] },
    });
    expect(priced).toEqual({
      client: { requestCpu: 2, concurrency: 5 },
      machine: { cores: 2 },
      database: { postmasterCpu: 3, maxConnections: 100 },
      app: {
        steps: [
          { kind: 'dbConnect', cpu: 4 },
          { kind: 'dbQuery', time: 1, cpu: 0.5 },
        ],
      },
    });
  });
});

describe('the defaults (src/scenario/measuredCosts.ts)', () => {
  const series = ownSeriesCosts('.', PLAN);

  it("are the median over the kit's series that measured their own machine with scram-sha-256 (calibration/defaults.mjs)", () => {
    expect(series.size).toBeGreaterThanOrEqual(36);
    const medians = Object.fromEntries(costFigures(series).map((c) => [`${c.section}.${c.key}`, four(medianOf(c.figures).seconds)]));
    const connect = {
      'connect.cpu': M.connectCpu['scram-sha-256'],
      'connect.startCpu': M.connectStartCpu,
      'connect.turnCpu': M.connectTurnCpu,
      'connect.backToBackShare': M.connectBackToBackShare,
      'connect.contendedCpu': M.connectContendedCpu,
    };
    const defaults: Record<string, number> = { ...connect, 'database.forkTime': 0, 'database.backendStartTime': 0 };
    for (const section of ['client', 'server', 'database'] as const)
      for (const [k, v] of Object.entries(M[section])) if (k !== 'transactionControlCpu') defaults[`${section}.${k}`] = v;
    expect(medians).toEqual(defaults);
  });

  it("with md5 and trust, libpq's connect is the median of the series that measured their machine with that method", () => {
    for (const auth of ['md5', 'trust'] as const) {
      const cpu = costFigures(ownSeriesCosts('.', PLAN, auth)).find((c) => c.section === 'connect' && c.key === 'cpu')!;
      expect(four(medianOf(cpu.figures).seconds)).toBe(M.connectCpu[auth]);
    }
  });

  it('leave out the series the plan holds out of them, which are priced with the defaults themselves', () => {
    const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
    const heldOut = Object.keys(plan.heldOutOfDefaults ?? {});
    expect(heldOut.length).toBeGreaterThan(0);
    const price = othersMedians(series);
    for (const f of heldOut) {
      expect(JSON.parse(readFileSync(f, 'utf8')).database?.authMethod ?? 'scram-sha-256').toBe('scram-sha-256');
      expect(series.has(f)).toBe(false);
      expect(price(f)).toEqual(medianCosts(series));
    }
  });

  it(`are what ${SHIPPED_SCENARIO} states, with each figure's series`, () => {
    const raw = JSON.parse(readFileSync(SHIPPED_SCENARIO, 'utf8'));
    const stated = validateScenario(raw, SHIPPED_SCENARIO);
    const bare = structuredClone(raw);
    for (const section of ['client', 'server', 'database'])
      for (const k of Object.keys(bare[section])) if (/Cpu$|Time$/.test(k)) delete bare[section][k];
    bare.app.steps[0] = { kind: 'dbConnect' };
    const defaulted = validateScenario(bare, SHIPPED_SCENARIO);
    for (const section of ['client', 'server', 'database', 'app'] as const) expect(stated[section]).toEqual(defaulted[section]);
    for (const path of [...Object.keys(raw.measured), 'app.steps.0.startCpu'])
      expect({ ...raw.measured, ...raw.notes }[path]).toMatch(/^the median over \d+ series: .*calibration\/measured-linux-2core.*\.json's/);
  });
});
