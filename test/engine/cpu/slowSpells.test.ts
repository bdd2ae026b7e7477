// Each core alternates fast and slow spells (machine.slowSpells); a piece of work is priced
// when it is given, at the mean of the cores' speeds, scaled so that the long-run mean speed
// is 1 (the work as stated). The figures with constant spells are worked out by hand.
import { describe, expect, it } from 'vitest';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { CoreSpeeds, SlowSpellsCpu } from '../../../src/engine/cpu/slowSpells.js';
import { SideSteps } from '../../../src/engine/sideSteps.js';
import { Constant, LogNormal } from '../../../src/engine/distributions.js';
import { RandomStreams } from '../../../src/engine/random.js';
import { Simulation } from '../../../src/engine/simulation.js';

// Slow 100 µs, fast 300: slow a quarter of the time; at half speed then, the long-run mean
// speed is 0.875 of a fast core's, so a fast core prices work at 0.875 and a slow one 1.75.
const SPELLS = { slowdown: 2, slow: new Constant(100), fast: new Constant(300) };

/**
 * Each core's draws (its first spell's, then where in a cycle its run-in starts): 0.5, fast,
 * and 0, at the start of a cycle. Every core so drawn starts its run-in fast at -20,000.
 */
function fastFromCycleStart(): () => number {
  let n = 0;
  return () => (n++ % 2 === 0 ? 0.5 : 0);
}

/** Ends of pieces of `work` given at each time, on `cores` cores at SPELLS' speeds (fastFromCycleStart's draws). */
function ends(cores: number, given: [string, number, number][]): Record<string, number> {
  const sim = new Simulation();
  const cpu = new SlowSpellsCpu(new SharedCpu(sim, cores), new CoreSpeeds(sim, cores, SPELLS, fastFromCycleStart()));
  const out: Record<string, number> = {};
  for (const [name, at, work] of given) sim.schedule(at, () => cpu.run(work, () => (out[name] = sim.now), undefined), undefined);
  sim.run();
  return out;
}

describe('a host whose cores switch between a fast and a slow speed (machine.slowSpells)', () => {
  it('price a piece at the speed of the moment it is given, scaled so that the long-run mean is the stated work', () => {
    // The run-in (50 cycles of 400 µs) starts fast at -20,000, so a fast spell starts at 0:
    // fast 0-300, slow 300-400, fast 400-700. 100 given at 0 costs 87.5, 88 in whole
    // microseconds -> 88; 100 given at 350 costs 175; 100 given at 450 costs 88 and shares
    // the core with the second from 450 (75 of its 175 left): both at half speed, the
    // second ends at 450 + 2 x 75 = 600, the third's 13 left alone -> 613.
    expect(
      ends(1, [
        ['a', 0, 100],
        ['b', 350, 100],
        ['c', 450, 100],
      ]),
    ).toEqual({ a: 88, b: 600, c: 613 });
  });

  it('price a piece at the mean of the cores, each switching on its own', () => {
    // Two cores with the same draws switch together: at 350 both are slow, x1.75. A piece
    // given then has a core to itself: 350 + 175 -> 525.
    expect(ends(2, [['b', 350, 100]])).toEqual({ b: 525 });
  });

  it('start each core at a moment of its own within a cycle, so that spells of one length do not keep the cores in step', () => {
    // Two cores, slow and fast 10 ms each, at a tenth of the speed. From one start every
    // core would switch on one grid, in step (both slow, then both fast) or in opposition
    // (one slow throughout, the price x1 for ever: the setting would do nothing). With a
    // moment of its own, each seed's cores are apart by a fraction of a cycle: looked at
    // every 100 µs for 100 ms, the price moves and all three counts of slow cores come
    // (in opposition but for less than 100 µs, a seed in a hundred would miss one).
    const spells = { slowdown: 10, slow: new Constant(10_000), fast: new Constant(10_000) };
    let moved = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const sim = new Simulation();
      const speeds = new CoreSpeeds(sim, 2, spells, new RandomStreams(seed).stream('machine.slowSpells'));
      const counts = new Set<number>();
      for (let t = 0; t < 100_000; t += 100) sim.schedule(t, () => counts.add(speeds.slowCores()), undefined);
      sim.run();
      if (counts.size === 3) moved++;
    }
    expect(moved).toBeGreaterThanOrEqual(19);
  });

  it('average the stated speed over a long run, whatever the spells', () => {
    const sim = new Simulation();
    const uniform = new RandomStreams(7).stream('machine.slowSpells');
    const speeds = new CoreSpeeds(
      sim,
      2,
      { slowdown: 1.87, slow: new LogNormal(150_000, 1.12), fast: new LogNormal(334_000, 1.55) },
      uniform,
    );
    let sum = 0;
    let n = 0;
    let slowSeen = 0;
    // A sample every 10 ms over 10,000 simulated seconds.
    const sample = (): void => {
      sum += 1 / speeds.factor();
      slowSeen += speeds.slowCores();
      n++;
      if (n < 1_000_000) sim.schedule(10_000, sample, undefined);
    };
    sim.schedule(0, sample, undefined);
    sim.run();
    expect(sum / n).toBeGreaterThan(0.98);
    expect(sum / n).toBeLessThan(1.02);
    // The slow share is the spells' mean over the cycle's: 150 e^(1.12²/2) / (that + 334 e^(1.55²/2)).
    const slow = 150 * Math.exp(1.12 ** 2 / 2);
    const share = slow / (slow + 334 * Math.exp(1.55 ** 2 / 2));
    expect(slowSeen / n / 2).toBeGreaterThan(share - 0.03);
    expect(slowSeen / n / 2).toBeLessThan(share + 0.03);
  });

  it('give a task group of the host the host’s speeds, not a second set of its own', () => {
    const sim = new Simulation();
    const host = new SlowSpellsCpu(new SharedCpu(sim, 1), new CoreSpeeds(sim, 1, SPELLS, fastFromCycleStart()));
    const group = host.around(new SharedCpu(sim, 1));
    expect(group.speeds).toBe(host.speeds);
  });

  it("count the slow share of the cores' time so far", () => {
    // One core, fast 0-300, slow 300-400: at 350, 50 of 350 µs; at 400, 100 of 400.
    const sim = new Simulation();
    const speeds = new CoreSpeeds(sim, 1, SPELLS, fastFromCycleStart());
    const seen: number[] = [];
    sim.schedule(350, () => seen.push(speeds.slowShare()), undefined);
    sim.schedule(400, () => seen.push(speeds.slowShare()), undefined);
    sim.run();
    expect(seen).toEqual([50 / 350, 100 / 400]);
  });

  it('leave work of 0 as it is: a piece of no work is still no work', () => {
    expect(ends(1, [['z', 350, 0]])).toEqual({ z: 350 });
  });

  it('stop the run once the switches, which no event counts, have spent their budget', () => {
    // One core, fast 300 and slow 100: a switch every 200 µs on average, 50,000 in the
    // 10 s before the second piece. With a budget of 10 switches, the core stops
    // switching at its 10th (at 2,000: five cycles of 400) and the run stops after the
    // event that asked, the piece at 10 s never given; the slow share counts up to the
    // last switch drawn (5 x 100 of 2,000 µs), not over the 10 s the clock stands at.
    const sim = new Simulation();
    const switches = new SideSteps(sim);
    switches.limit = 10;
    const speeds = new CoreSpeeds(sim, 1, SPELLS, fastFromCycleStart(), switches);
    const cpu = new SlowSpellsCpu(new SharedCpu(sim, 1), speeds);
    const given: number[] = [];
    for (const at of [10, 10_000_000, 20_000_000]) sim.schedule(at, () => cpu.run(100, () => given.push(sim.now), undefined), undefined);
    expect(sim.run()).toBe('stopped');
    expect(switches.exhausted).toBe(true);
    expect(switches.count).toBe(10);
    expect(sim.now).toBe(10_000_000);
    expect(given).toEqual([98]);
    expect(speeds.slowShare()).toBe(500 / 2000);
  });
});
