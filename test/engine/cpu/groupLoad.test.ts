// A task group's weight on each core, as calc_group_shares sets it from PELT's load
// averages (src/engine/cpu/groupLoad.ts). Figures worked out by hand: a load halves in 32
// periods of 1024 us (32,768 us).
import { describe, expect, it } from 'vitest';
import { GroupLoad, GroupLoads, PELT_TAU } from '../../../src/engine/cpu/groupLoad.js';
import { eevdf, on } from './perCoreHarness.js';

const HALF_LIFE = 32 * 1024;

/** A group of two cores: p runs on core 0 at 0 and sleeps at once; one half-life later q, new, runs on core 1. */
function sleptThenOther() {
  const loads = new GroupLoads();
  const g = new GroupLoad(2);
  const p = on(0);
  loads.start(g, 0, 0, p);
  loads.stop(g, 0, 0, p);
  loads.start(g, 1, HALF_LIFE, on(1));
  return { loads, g, p };
}

describe("A task group's load on each core (PELT)", () => {
  it('halves in 32 periods of 1024 us', () => {
    expect(Math.exp(-HALF_LIFE / PELT_TAU)).toBeCloseTo(0.5, 12);
  });

  it('starts a new process at its full weight, so a group alone on one core weighs all of its weight there', () => {
    const g = new GroupLoad(2);
    new GroupLoads().start(g, 0, 0, on(0));
    expect(g.share(0)).toBe(1);
    expect(g.share(1)).toBe(0);
  });

  it('keeps the load of a process that slept on another core, decaying, and weighs less where it runs', () => {
    // p runs on core 0 from 0 and sleeps at 0 (its load 1); one half-life later q, new, runs
    // on core 1 (its load 1). Core 1: 1 / (1 + 0.5) = 2/3; core 0, no task, its load 0.5
    // against 1.5 in all: 1/3. Counting runnable tasks would give core 1 the whole weight.
    const { g } = sleptThenOther();
    expect(g.share(1)).toBeCloseTo(2 / 3, 9);
    expect(g.share(0)).toBeCloseTo(1 / 3, 9);
  });

  it('lets a process that leaves the group (setsid) take its load with it', () => {
    const { loads, g, p } = sleptThenOther();
    loads.leave(p, HALF_LIFE);
    expect(g.share(1)).toBe(1);
    expect(g.share(0)).toBe(0);
  });

  it("moves a runnable process's load with it to another core", () => {
    // p and q, both new, runnable on core 0 (load 2); p is pulled to core 1 at once.
    const loads = new GroupLoads();
    const g = new GroupLoad(2);
    const p = on(0);
    loads.start(g, 0, 0, p);
    loads.start(g, 0, 0, on(0));
    loads.migrate(g, 0, 1, 0, p);
    expect(g.runnable).toEqual([1, 1]);
    expect(g.share(0)).toBe(0.5);
    expect(g.share(1)).toBe(0.5);
  });

  it('keeps a runnable process at its full load and lets a sleeping one decay', () => {
    const loads = new GroupLoads();
    const g = new GroupLoad(2);
    const p = on(0);
    const q = on(1);
    loads.start(g, 0, 0, p);
    loads.start(g, 1, 0, q);
    loads.stop(g, 1, 0, q);
    // Two half-lives on: p still 1, q 0.25. Core 0: 1 / 1.25.
    g.advance(2 * HALF_LIFE);
    expect(g.share(0)).toBeCloseTo(0.8, 9);
  });
});

describe("EEVDF with a group's load averages", () => {
  it('gives a lone process more of a core than a group whose other task just slept on the other core', () => {
    // w1 (the session's) runs 0-1000 on core 1 and sleeps, and c (alone) keeps core 1 busy
    // from then on. From 1000, w0 (the session's, queued first) and b (alone) each need
    // 10,000 on core 0. With the session weighed by
    // its runnable tasks it would weigh 1 there, as much as b, and w0, queued first, would
    // end first (as two lone tasks do). Weighed by its load, w1's still on core 1, the
    // session weighs 1 / (1 + 0.60 to 0.98) there, so b gets the larger share and ends
    // first; the core works throughout, so the last ends at 21,000.
    const ends = eevdf(2, [
      ['w1', on(1), 0, 1000, 'session'],
      ['w0', on(0), 1000, 10000, 'session'],
      ['b', on(0), 1000, 10000],
      ['c', on(1), 1000, 30000],
    ]);
    expect(ends.w1).toBe(1000);
    expect(ends.b).toBeLessThan(ends.w0);
    expect(ends.w0).toBe(21000);
  });
});
