// The timeline's client.rate changes folded into the open-loop rate steps.
import { describe, expect, it } from 'vitest';
import { applyRateChanges, RAMP_STEP } from '../../src/scenario/resolveIncidents.js';
import { validateScenario } from '../../src/scenario/load.js';
import { resolve } from '../../src/scenario/resolve.js';
import type { TimelineEvent } from '../../src/scenario/incidentSchema.js';
import { readFileSync } from 'node:fs';

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

  it("a ramp past the run's horizon stops its 100 ms steps at the one holding it and keeps its last rate from until", () => {
    const ramp = [{ at: 10, until: 20_000, change: 'client.rate' as const, rampTo: 1000 }];
    const whole = applyRateChanges([{ from: 0, rate: 100 }], ramp);
    expect(whole).toHaveLength(1 + 199_900 + 1);
    const horizon = 60 * S;
    const cut = applyRateChanges([{ from: 0, rate: 100 }], ramp, horizon);
    // Every step a run to the horizon can reach is the same; then the ramp's last rate.
    expect(cut.slice(0, -1)).toEqual(whole.filter((s) => s.from < horizon + RAMP_STEP));
    expect(cut.at(-1)).toEqual({ from: 20_000 * S, rate: 1000 });
    expect(cut).toHaveLength(1 + 501 + 1);
    // A ramp that ends before the horizon is whole; one that starts after it keeps one step.
    expect(applyRateChanges([{ from: 0, rate: 100 }], [{ ...ramp[0], until: 40 }], horizon)).toEqual(
      applyRateChanges([{ from: 0, rate: 100 }], [{ ...ramp[0], until: 40 }]),
    );
    expect(applyRateChanges([{ from: 0, rate: 100 }], [{ ...ramp[0], at: 100 }], horizon)).toEqual([
      { from: 0, rate: 100 },
      { from: 100 * S, rate: 100 + (900 * 50_000) / 19_900_000_000 },
      { from: 20_000 * S, rate: 1000 },
    ]);
  });

  it('a spike over a ramp of 100,000 steps takes one pass over them, not one per step', () => {
    // One lookup of the rate per step was 100,000^2 reads: half a minute (an hour's ramp, 36,000 steps, then a spike took 4 s).
    const steps = applyRateChanges(
      [{ from: 0, rate: 100 }],
      [
        { at: 0, until: 10_000, change: 'client.rate', rampTo: 300 },
        { at: 2_000, until: 2_001.05, change: 'client.rate', multiply: 2 },
      ],
    );
    expect(steps).toHaveLength(100_002);
    const at = (t: number) => steps.find((s) => s.from === t)?.rate;
    // The ramp's rate at 2,000.05 s (the middle of its step from 2,000 s) and 2,001.05 s.
    expect(at(2_000 * S)).toBeCloseTo(2 * (100 + (200 * 2_000.05) / 10_000), 9);
    expect(at(2_001 * S)).toBeCloseTo(2 * (100 + (200 * 2_001.05) / 10_000), 9);
    expect(at(2_001_050_000)).toBeCloseTo(100 + (200 * 2_001.05) / 10_000, 9);
    expect(at(2_001_100_000)).toBeCloseTo(100 + (200 * 2_001.15) / 10_000, 9);
  });

  it('multiply and set give the steps a lookup of the rate at each bound gives', () => {
    // The splice as written before: every bound of the steps, at and until, at rateAt's rate.
    const reference = (steps: { from: number; rate: number }[], e: TimelineEvent) => {
      const at = Math.round(e.at * S);
      const until = e.until === undefined ? Infinity : Math.round(e.until * S);
      const bounds = [...new Set([...steps.map((x) => x.from), at, ...(until === Infinity ? [] : [until])])].sort((a, b) => a - b);
      const rateAt = (t: number) => {
        let rate = steps[0].rate;
        for (const x of steps) if (x.from <= t) rate = x.rate;
        return rate;
      };
      const out = bounds.map((from) => ({
        from,
        rate: from >= at && from < until ? (e.multiply !== undefined ? rateAt(from) * e.multiply : e.set!) : rateAt(from),
      }));
      return out.filter((x, i) => i === 0 || x.rate !== out[i - 1].rate);
    };
    const base = [
      { from: 0, rate: 100 },
      { from: 2 * S, rate: 200 },
      { from: 3 * S, rate: 200 },
      { from: 5 * S, rate: 0 },
      { from: 8 * S, rate: 50 },
    ];
    const events: TimelineEvent[] = [];
    for (const at of [0, 1, 2, 2.5, 5, 8, 9]) {
      for (const until of [undefined, 2, 3, 5.5, 8, 12]) {
        if (until !== undefined && until <= at) continue;
        events.push({ at, until, change: 'client.rate', multiply: 3 }, { at, until, change: 'client.rate', set: 200 });
        events.push({ at, until, change: 'client.rate', set: 0 }, { at, until, change: 'client.rate', multiply: 0.5 });
      }
    }
    for (const e of events) expect(applyRateChanges(base, [e]), JSON.stringify(e)).toEqual(reference(base, e));
    // And in a row, each on the steps the ones before left.
    let steps = base;
    for (const e of events) {
      const next = applyRateChanges(steps, [e]);
      expect(next).toEqual(reference(steps, e));
      steps = next;
    }
  });

  it("an open-loop client's steps stop at its duration or the run's budget, whichever comes first", () => {
    const file = JSON.parse(readFileSync('scenarios/open-loop-poisson.json', 'utf8'));
    const scenario = (client: object) =>
      validateScenario(
        {
          ...file,
          client: { arrivals: { rate: 100 }, timeout: 20, ...client },
          timeline: [{ at: 1, until: 3_000, change: 'client.rate', rampTo: 400 }],
        },
        'ramp.json',
      );
    const steps = (client: object) => {
      const c = resolve(scenario(client)).client;
      return c.kind === 'openLoop' ? c.steps : [];
    };
    // 60 s: the steps of the ramp to the one holding 60 s, then its last rate from 3,000 s.
    expect(steps({ duration: 60 })).toHaveLength(1 + 591 + 1);
    expect(steps({ duration: 60 }).slice(0, -1)).toEqual(steps({ requests: 10 }).filter((x) => x.from < 60.1 * S));
    // Without a duration, up to limits.maxSimTime (an hour by default): the whole ramp.
    expect(steps({ requests: 10 })).toHaveLength(1 + 29_990 + 1);
  });
});
