import { describe, expect, it } from 'vitest';
import { QuotaCpu } from '../../../src/engine/cpu/quota.js';
import { Simulation } from '../../../src/engine/simulation.js';

/** Starts tasks [name, start, work] on a group with `quota` per `period` on `cores`; returns when each ended, and the group. */
function run(cores: number, quota: number, period: number, tasks: [string, number, number][]) {
  const sim = new Simulation();
  const cpu = new QuotaCpu(sim, cores, quota, period);
  const ends: Record<string, number> = {};
  for (const [name, start, work] of tasks) sim.schedule(start, () => cpu.run(work, (n: string) => (ends[n] = sim.now), name), undefined);
  sim.run();
  return { ends, cpu };
}

describe('a CFS quota on a process group', () => {
  it('stops one process on one core for the rest of the period once it has used its quota', () => {
    // 20 ms per 100 ms; 50 ms of work from 0: runs 0-20, throttled 20-100, runs 100-120,
    // throttled 120-200, runs 200-210.
    const { ends, cpu } = run(1, 20_000, 100_000, [['a', 0, 50_000]]);
    expect(ends).toEqual({ a: 210_000 });
    expect(cpu.nrThrottled).toBe(2);
    expect(cpu.throttledTime).toBe(160_000);
  });

  it('does nothing to work that fits in the quota', () => {
    const { ends, cpu } = run(1, 20_000, 100_000, [
      ['a', 0, 10_000],
      ['b', 150_000, 20_000],
    ]);
    expect(ends).toEqual({ a: 10_000, b: 170_000 });
    expect(cpu.nrThrottled).toBe(0);
  });

  it('refills the quota at each period boundary, wherever the work started', () => {
    // 30 ms of work from 90 ms: 10 ms in the first period (90-100), then a fresh quota at
    // 100 ms covers the other 20 (100-120): never throttled, though 30 ms > the quota.
    const { ends, cpu } = run(1, 20_000, 100_000, [['a', 90_000, 30_000]]);
    expect(ends).toEqual({ a: 120_000 });
    expect(cpu.nrThrottled).toBe(0);
  });

  it("counts the quota over all the group's tasks, which share the cores", () => {
    // Two tasks on 2 cores use 2 ms of quota per ms: 20 ms of quota lasts 10 ms.
    // Each needs 15 ms: 0-10 both run (10 each), throttled 10-100, 100-105 both end.
    const { ends, cpu } = run(2, 20_000, 100_000, [
      ['a', 0, 15_000],
      ['b', 0, 15_000],
    ]);
    expect(ends).toEqual({ a: 105_000, b: 105_000 });
    expect(cpu.throttledTime).toBe(90_000);
  });

  it('is processor sharing when the quota is the whole of the cores', () => {
    const { ends, cpu } = run(1, 100_000, 100_000, [
      ['a', 0, 100_000],
      ['b', 0, 50_000],
    ]);
    expect(ends).toEqual({ b: 100_000, a: 150_000 });
    expect(cpu.nrThrottled).toBe(0);
  });
});
