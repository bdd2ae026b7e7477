// When open-loop requests arrive: at a constant rate, or as a Poisson process, with the
// rate possibly changing in steps over time. A Poisson process with a piecewise-constant
// rate is sampled exactly: a gap drawn at one rate that crosses a step boundary is
// discarded and drawn again from the boundary at the new rate (memorylessness).
import type { Uniform } from '../../engine/random.js';
import type { Time } from '../../engine/time.js';
import type { RateStep } from '../../scenario/resolve.js';

export type { RateStep };

export class Arrivals {
  /** Evenly spaced arrivals (else Poisson): decided once, not by comparing strings per arrival. */
  private readonly constant: boolean;
  /** Each step's mean gap (µs), divided out once rather than per arrival (the same double either way). */
  private readonly meanGaps: Float64Array;
  /** The step of the last lookup: arrivals only move forward, so the next one starts there. */
  private cursor = 0;

  constructor(
    process: 'poisson' | 'constant',
    /** Sorted by `from`, the first from 0. */
    private readonly steps: readonly RateStep[],
    private readonly random: Uniform,
  ) {
    this.constant = process === 'constant';
    this.meanGaps = Float64Array.from(steps, (s) => 1e6 / s.rate);
  }

  /** Time of the arrival after one at `now`; Infinity when the rate stays 0. */
  next(now: Time): Time {
    let t = now;
    for (;;) {
      const i = this.stepAt(t);
      const rate = this.steps[i].rate;
      const end = i + 1 < this.steps.length ? this.steps[i + 1].from : Infinity;
      if (rate <= 0) {
        if (end === Infinity) return Infinity;
        t = end;
        continue;
      }
      const meanGap = this.meanGaps[i];
      const gap = this.constant ? meanGap : -meanGap * Math.log(1 - this.random());
      const at = t + Math.max(1, Math.round(gap));
      if (at < end) return at;
      t = end;
    }
  }

  /**
   * The last step starting at or before `t`. From the step of the last lookup, not from the
   * first: a ramp on the timeline is a step every 100 ms (36,000 in an hour), and a scan
   * from the first step for each arrival made a run quadratic in its length (an hour's
   * ramp from 20 to 60 requests/s: 13 s, now 1.4).
   */
  private stepAt(t: Time): number {
    const steps = this.steps;
    // Earlier than the last lookup (arrivals do not go back; kept correct if they did).
    let i = steps[this.cursor].from <= t ? this.cursor : 0;
    while (i + 1 < steps.length && steps[i + 1].from <= t) i++;
    this.cursor = i;
    return i;
  }
}
