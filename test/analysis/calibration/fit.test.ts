// sim fit on measurements whose true parameters are known (made by the simulator), and
// its errors for parameters it cannot fit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fit } from '../../../src/analysis/calibration/fit.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { applyOverride } from '../../../src/scenario/overrides.js';
import { measuredBySimulation } from '../measured.js';

const start = JSON.parse(readFileSync('calibration/linux-2core.json', 'utf8'));
const truth = structuredClone(start);
applyOverride(truth, 'database.forkTime=0.0065');
applyOverride(truth, 'database.backendStartTime=0.0052');
const FREE = ['database.forkTime', 'database.backendStartTime'];

describe('fit', () => {
  // Total(C) = C * forkTime + backendStartTime + 1 s: two concurrencies pin both costs.
  const measured = [measuredBySimulation(truth, 10), measuredBySimulation(truth, 100)];
  const result = fit(start, measured, [], { free: FREE }, 'linux-2core.json');

  it('recovers the costs behind the measurements from the article values as a start', () => {
    expect(result.parameters.map((p) => p.start)).toEqual([0.001768, 0.0141]);
    expect(result.parameters[0].fitted).toBeCloseTo(0.0065, 4);
    expect(result.parameters[1].fitted).toBeCloseTo(0.0052, 3);
    expect(result.converged).toBe(true);
  });

  it('explains every measurement, and says so run by run', () => {
    expect(result.runs.map((r) => r.source)).toEqual(['truth-c10', 'truth-c100']);
    for (const r of result.runs) expect(Math.abs(r.residuals[0].relative!)).toBeLessThan(0.002);
    expect(result.rmsRelativeError).toBeLessThan(0.002);
  });

  it('rounds fitted values to the microsecond the simulator counts in', () => {
    for (const p of result.parameters) expect(Math.round(p.fitted * 1e6) / 1e6).toBe(p.fitted);
  });

  it('returns a valid scenario holding the fitted values, with the fit in its description', () => {
    const calibrated = validateScenario(result.calibrated, 'calibrated');
    expect(calibrated.database?.forkTime).toBe(result.parameters[0].fitted);
    expect(calibrated.database?.backendStartTime).toBe(result.parameters[1].fitted);
    expect(calibrated.description).toMatch(
      /Calibrated by sim fit on 2 hey run\(s\) \(truth-c10, truth-c100\), fitting requestsPerSec: database\.forkTime = /,
    );
    expect(start.database.forkTime).toBe(0.001768); // the input is left alone
  });

  it('fits latency percentiles too when asked', () => {
    const r = fit(start, measured, [], { free: FREE, targets: ['requestsPerSec', 'p50'] }, 's.json');
    expect(r.runs[0].residuals.map((x) => x.target)).toEqual(['requestsPerSec', 'p50']);
    expect(r.parameters[0].fitted).toBeCloseTo(0.0065, 4);
  });

  it('keeps --set overrides in the calibrated scenario, and starts a free parameter from its --set value', () => {
    const r = fit(start, measured, ['machine.cores=4', 'database.forkTime=0.003'], { free: FREE }, 's.json');
    expect(r.parameters[0].start).toBe(0.003);
    expect((r.calibrated.machine as { cores: number }).cores).toBe(4);
    expect(r.parameters[0].fitted).toBeCloseTo(0.0065, 4);
  });
});

describe('fit refuses what it cannot fit', () => {
  const measured = [measuredBySimulation(truth, 10)];
  const cases: [string, string[], string[], RegExp][] = [
    ['a misspelt field', ['database.forkTim'], [], /at database\.forkTim: unknown key "forkTim"; did you mean "forkTime"\?/],
    [
      'a field that is not a number',
      ['server.workerClass'],
      [],
      /--free server\.workerClass: holds "gevent"; sim fit fits plain numbers of seconds/,
    ],
    ['a field starting at zero', ['database.forkTime'], ['database.forkTime=0'], /starts at 0; sim fit needs a starting value > 0/],
    ['no free parameter', [], [], /name the free parameters/],
  ];
  for (const [what, free, sets, message] of cases) {
    it(what, () => {
      expect(() => fit(start, measured, sets, { free }, 's.json')).toThrow(message);
    });
  }
});

// Input hunt: from the longest start a field takes, the search stepped to twice it, and
// the scenario refused the fit's own value as if the file had said it ("at
// database.forkTime: expected a number <= 1000000000, got number 1999999999.999995").
describe('fit from the longest duration a field takes', () => {
  it('keeps every value it tries within the field, and ends', () => {
    const r = fit(
      start,
      [measuredBySimulation(truth, 10)],
      ['database.forkTime=1000000000'],
      {
        free: ['database.forkTime'],
        maxEvaluations: 20,
      },
      's.json',
    );
    expect(r.parameters[0].start).toBe(1e9);
    expect(r.parameters[0].fitted).toBeLessThanOrEqual(1e9);
  });
});
