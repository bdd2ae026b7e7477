// The timeline's client.rate changes folded into the open-loop rate steps.
import { describe, expect, it } from 'vitest';
import { applyRateChanges, RAMP_STEP } from '../../src/scenario/resolveIncidents.js';

const S = 1_000_000;

describe('client.rate on the timeline', () => {
  it('a spike multiplies the rate over [at, until) and gives it back after', () => {
    const steps = applyRateChanges([{ from: 0, rate: 100 }], [{ at: 10, until: 12, change: 'client.rate', multiply: 3 }]);
    expect(steps).toEqual([
      { from: 0, rate: 100 },
      { from: 10 * S, rate: 300 },
      { from: 12 * S, rate: 100 },
    ]);
  });

  it('set replaces the rate of every step it covers, across their boundaries', () => {
    const steps = applyRateChanges(
      [
        { from: 0, rate: 100 },
        { from: 5 * S, rate: 200 },
      ],
      [{ at: 4, until: 6, change: 'client.rate', set: 0 }],
    );
    expect(steps).toEqual([
      { from: 0, rate: 100 },
      { from: 4 * S, rate: 0 },
      { from: 6 * S, rate: 200 },
    ]);
  });

  it('a ramp moves in 100 ms steps at the line through their middles, then keeps its rate', () => {
    const steps = applyRateChanges([{ from: 0, rate: 100 }], [{ at: 1, until: 1.3, change: 'client.rate', rampTo: 400 }]);
    expect(RAMP_STEP).toBe(100_000);
    expect(steps).toEqual([
      { from: 0, rate: 100 },
      { from: 1_000_000, rate: 150 },
      { from: 1_100_000, rate: 250 },
      { from: 1_200_000, rate: 350 },
      { from: 1_300_000, rate: 400 },
    ]);
  });
});
