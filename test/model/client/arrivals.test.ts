// The open-loop arrival process over many rate steps (a ramp on the timeline is one every
// 100 ms): each arrival finds its step from the last one's, not from the first step.
import { describe, expect, it } from 'vitest';
import { Arrivals, type RateStep } from '../../../src/model/client/arrivals.js';
import { RandomStreams } from '../../../src/engine/random.js';

/** Steps of 100 ms at `rate`, and a count of the reads of their elements. */
function countedSteps(n: number, rate: (i: number) => number): { steps: RateStep[]; reads: () => number } {
  const steps = Array.from({ length: n }, (_, i) => ({ from: i * 100_000, rate: rate(i) }));
  let reads = 0;
  const counted = new Proxy(steps, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { steps: counted, reads: () => reads };
}

describe('arrivals over many rate steps', () => {
  it('read each step a bounded number of times over a run, not once per arrival', () => {
    // One arrival in the middle of each 100 ms step, 4,000 steps: a scan from the first step
    // for each arrival reads about 2 x 4,000^2 / 2 = 16 million; from the last arrival's step, a few.
    const n = 4000;
    const { steps, reads } = countedSteps(n, () => 20);
    const arrivals = new Arrivals('constant', steps, () => 0.5);
    let count = 0;
    for (let t = arrivals.next(0); t < n * 100_000; t = arrivals.next(t)) count++;
    expect(count).toBe(n);
    expect(reads()).toBeLessThan(20 * n);
  });

  it('give the same arrivals whatever the order of the times asked', () => {
    const steps = Array.from({ length: 50 }, (_, i) => ({ from: i * 100_000, rate: i % 7 === 3 ? 0 : 5 + ((i * 37) % 23) * 10 }));
    const times = Array.from({ length: 400 }, (_, k) => (k * 7919 * 1013) % 5_200_000);
    const one = new Arrivals('constant', steps, () => 0.5);
    for (const t of times) expect(one.next(t)).toBe(new Arrivals('constant', steps, () => 0.5).next(t));
  });

  it('draw a Poisson process over a ramp as the scan from the first step drew it', () => {
    const steps = Array.from({ length: 300 }, (_, i) => ({ from: i * 100_000, rate: i % 50 === 7 ? 0 : 50 + i }));
    // The process as written before, each arrival's step found from the first.
    const reference = (random: () => number) => {
      const out: number[] = [];
      let now = 0;
      for (;;) {
        let t = now;
        for (;;) {
          let i = 0;
          while (i + 1 < steps.length && steps[i + 1].from <= t) i++;
          const end = i + 1 < steps.length ? steps[i + 1].from : Infinity;
          if (steps[i].rate <= 0) {
            t = end;
            continue;
          }
          const at = t + Math.max(1, Math.round(-(1e6 / steps[i].rate) * Math.log(1 - random())));
          if (at < end) {
            now = at;
            break;
          }
          t = end;
        }
        if (now >= 30_000_000) return out;
        out.push(now);
      }
    };
    const arrivals = new Arrivals('poisson', steps, new RandomStreams(3).stream('a'));
    const drawn: number[] = [];
    for (let t = arrivals.next(0); t < 30_000_000; t = arrivals.next(t)) drawn.push(t);
    expect(drawn.length).toBeGreaterThan(5_000);
    expect(drawn).toEqual(reference(new RandomStreams(3).stream('a')));
  });
});
