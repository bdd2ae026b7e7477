// A cooperative connect (psycogreen) costs the gevent worker psycogreen's wait callback at
// each of its turns (the dbConnect step's turnCpu): six with scram-sha-256 (the connected
// socket's 2, 2 before the backend takes its slot, 2 of authentication). A blocking
// connect waits inside libpq and pays none.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { applyOverride } from '../../src/scenario/overrides.js';
import { validateScenario } from '../../src/scenario/load.js';

function workerCpu(extra: string[], concurrency = 1): number {
  const raw = JSON.parse(readFileSync('calibration/measured-linux-2core.json', 'utf8'));
  // One request at a time: the connect's every turn is the worker's, nothing else runs.
  for (const o of ['client.requests=20', `client.concurrency=${concurrency}`, 'app.steps.0.cpu=0.004', ...extra]) applyOverride(raw, o);
  return simulate(validateScenario(raw, 'turns')).cpu.workers;
}

describe("a connect's turns", () => {
  it('charge turnCpu six times a connect when psycogreen makes it cooperative', () => {
    const without = workerCpu(['app.steps.0.turnCpu=0']);
    const withTurns = workerCpu(['app.steps.0.turnCpu=0.001']);
    expect(withTurns - without).toBe(20 * 6 * 1000);
  });

  it('charge every turn in full one connect at a time, whatever the back-to-back share', () => {
    const without = workerCpu(['app.steps.0.turnCpu=0', 'app.steps.0.backToBackShare=0.5']);
    const withTurns = workerCpu(['app.steps.0.turnCpu=0.001', 'app.steps.0.backToBackShare=0.5']);
    expect(withTurns - without).toBe(20 * 6 * 1000);
  });

  it('charge turns that follow one another at the back-to-back share (twenty connects at once)', () => {
    // The first turn after each sleep of the loop pays in full, the others half: between the two.
    const cost = (share: number) =>
      workerCpu([`app.steps.0.turnCpu=0.001`, `app.steps.0.backToBackShare=${share}`], 20) -
      workerCpu([`app.steps.0.turnCpu=0`, `app.steps.0.backToBackShare=${share}`], 20);
    expect(cost(1)).toBe(20 * 6 * 1000);
    expect(cost(0.5)).toBeLessThan(0.9 * 20 * 6 * 1000);
    expect(cost(0.5)).toBeGreaterThanOrEqual(0.5 * 20 * 6 * 1000);
  });

  it('charge nothing when the connect blocks (no psycogreen)', () => {
    const without = workerCpu(['app.psycogreen=false', 'app.steps.0.turnCpu=0']);
    const withTurns = workerCpu(['app.psycogreen=false', 'app.steps.0.turnCpu=0.001']);
    expect(withTurns).toBe(without);
  });
});
