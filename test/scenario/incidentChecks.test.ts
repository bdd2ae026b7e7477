// The timeline's client.rate changes, checked before the open-loop rate schedule is built
// (src/scenario/incidentChecks.ts): the schedule a scenario of a few lines asks for stays
// within MAX_RATE_STEPS steps, and folding the changes into it within MAX_RATE_STEP_WORK.
import { describe, expect, it, vi } from 'vitest';
import { validateScenario } from '../../src/scenario/load.js';
import { resolve } from '../../src/scenario/resolve.js';
import { MAX_RATE_STEP_WORK, MAX_RATE_STEPS } from '../../src/scenario/resolveIncidents.js';
import { UserError } from '../../src/scenario/errors.js';

// Every change the checks apply to the schedule is counted: a refused change must come
// before its work, not after (the work it would have cost is the refusal's reason).
const applied = vi.hoisted(() => ({ changes: 0 }));
vi.mock('../../src/scenario/resolveIncidents.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/scenario/resolveIncidents.js')>();
  return {
    ...actual,
    applyRateChange: (...args: Parameters<typeof actual.applyRateChange>) => {
      applied.changes++;
      return actual.applyRateChange(...args);
    },
  };
});

const base = (timeline: object[], client: object = {}, limits: object = {}) => ({
  description: 'rate schedule',
  client: { requests: 100, arrivals: { rate: 100 }, ...client },
  server: { workerClass: 'gevent', workers: 2 },
  app: { steps: [{ kind: 'sleep', time: '20ms' }] },
  timeline,
  limits,
});
const ramp = (at: number, until: number) => ({ at, until, change: 'client.rate', rampTo: 1000 });
const spike = (at: number) => ({ at, until: at + 0.001, change: 'client.rate', multiply: 1.01 });

/** The message validation refuses `raw` with, and how many rate changes it applied before. */
function refusal(raw: object): { message: string; applied: number } {
  applied.changes = 0;
  try {
    validateScenario(raw, 's.json');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return { message: (e as Error).message, applied: applied.changes };
  }
  throw new Error('not refused');
}

describe("the timeline's client.rate changes and the schedule they build", () => {
  it('refuses a ramp whose 100 ms steps up to the time budget would be more than MAX_RATE_STEPS, before building them', () => {
    // A ramp to 1e8 s under a time budget of 1e7 s was 1e8 steps: the process ran out of memory (exit 134, V8's trace).
    const { message, applied } = refusal(base([ramp(0, 1e8)], {}, { maxSimTime: 1e7 }));
    expect(message).toBe(
      `s.json: at timeline[0].until: expected a rate schedule of at most ${MAX_RATE_STEPS} steps (a ramp moves the open-loop rate in 100 ms steps up to its "until" or the end of sending, limits.maxSimTime = 10000000 s, whichever comes first), got 100000002 with this ramp: end it sooner (until), or lower limits.maxSimTime`,
    );
    expect(applied).toBe(0);
  });

  it("counts the steps up to the client's duration when it ends sending first, and names it", () => {
    // 30 hours of sending under a budget of 100 hours: the ramp's steps stop at the duration.
    const long = refusal(base([ramp(0, 1e8)], { requests: undefined, duration: 108_000 }, { maxSimTime: 360_000 }));
    expect(long.message).toContain('the end of sending, client.duration = 108000 s, whichever comes first), got 1080002 with this ramp');
    expect(long.message).toMatch(/or lower client\.duration$/);
    // An hour of sending under the same budget: the 36,001 steps to the one holding the hour, then the ramp's end.
    const hour = validateScenario(base([ramp(0, 1e8)], { requests: undefined, duration: 3600 }, { maxSimTime: 360_000 }), 's.json');
    const c = resolve(hour).client;
    expect(c.kind === 'openLoop' ? c.steps.length : 0).toBe(36_001 + 1);
  });

  it('refuses changes that would go over more than MAX_RATE_STEP_WORK steps in all, naming the change, before applying it', () => {
    // An hour's ramp (36,000 steps), then 9,999 spikes, each over the whole schedule: a minute and a half before the run.
    const timeline = [ramp(0, 3600), ...Array.from({ length: 9999 }, (_, i) => spike(i * 0.01 + 0.005))];
    const { message, applied } = refusal(base(timeline));
    // The ramp builds its 36,001 steps (the step it starts at gives way); spike k goes over
    // the 36,001 + 2 (k - 1) steps the changes before it left, and adds two.
    let work = 36_001;
    let at = 0;
    while (work <= MAX_RATE_STEP_WORK) work += 36_001 + 2 * at++ + 2;
    expect(message).toMatch(
      new RegExp(
        `^s\\.json: at timeline\\[${at}\\]: expected client\\.rate changes that cost at most ${MAX_RATE_STEP_WORK} rate steps in all to apply \\(a ramp builds one per 100 ms; a multiply or a set goes over the whole schedule the changes before it left, \\d+ steps for this one, change ${at + 1} of the rate\\), got more: fewer client\\.rate changes, or ramps that end sooner$`,
      ),
    );
    // Every change before the refused one was applied, and none from it on.
    expect(applied).toBe(at);
    // 10,000 ramps to the end of the hour, each after the one before: over two minutes before.
    const ramps = refusal(base(Array.from({ length: 10_000 }, (_, i) => ramp(i * 0.001, 1e8))));
    expect(ramps.message).toContain('expected client.rate changes that cost at most');
    expect(ramps.applied).toBe(Number(/^s\.json: at timeline\[(\d+)\]/.exec(ramps.message)![1]));
  });

  it('takes a hundred spikes on an hour-long ramp, and gives the schedule they always gave', () => {
    const timeline = [ramp(0, 3600), ...Array.from({ length: 100 }, (_, i) => spike(i * 10 + 0.05))];
    const c = resolve(validateScenario(base(timeline), 's.json')).client;
    const steps = c.kind === 'openLoop' ? c.steps : [];
    // Each spike cuts one 100 ms step of the ramp in three: 1 ms at 1.01 times its rate.
    expect(steps).toHaveLength(36_001 + 200);
    const first = 100 + (900 * 0.05) / 3600;
    expect(steps.slice(0, 4)).toEqual([
      { from: 0, rate: first },
      { from: 50_000, rate: first * 1.01 },
      { from: 51_000, rate: first },
      { from: 100_000, rate: 100 + (900 * 0.15) / 3600 },
    ]);
  });

  it('still refuses a rate the timeline leaves at 0 for a client that counts requests', () => {
    const { message } = refusal(base([{ at: 1, change: 'client.rate', set: 0 }]));
    expect(message).toContain('s.json: at timeline[0].set: expected the open-loop rate above 0 once the timeline is over');
  });
});
