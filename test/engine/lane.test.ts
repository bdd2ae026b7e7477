import { describe, expect, it } from 'vitest';
import { Priority, Simulation } from '../../src/engine/simulation.js';
import { RandomStreams } from '../../src/engine/random.js';

/**
 * A little world of processes that schedule timers of a few fixed lengths (through lanes,
 * or not) and other events of random lengths, at random, and log what ran when.
 */
function world(useLanes: boolean, seed: number): string[] {
  const sim = new Simulation();
  const u = new RandomStreams(seed).stream('lane test');
  const log: string[] = [];
  const delays = [0, 3, 10, 1000];
  const priorities = [Priority.NORMAL, Priority.LATE];
  let id = 0;
  const spawn = (depth: number): void => {
    const name = `e${id++}`;
    const run = () => {
      log.push(`${sim.now} ${name}`);
      if (depth < 6) for (let k = Math.floor(u() * 3); k > 0; k--) spawn(depth + 1);
    };
    if (u() < 0.6) {
      const delay = delays[Math.floor(u() * delays.length)];
      const priority = priorities[Math.floor(u() * priorities.length)];
      if (useLanes) sim.lane(delay, priority).schedule(run, undefined);
      else sim.scheduleWithPriority(delay, run, undefined, undefined, priority);
    } else {
      sim.schedule(Math.floor(u() * 50), run, undefined);
    }
  };
  for (let i = 0; i < 200; i++) spawn(0);
  sim.run();
  return log;
}

describe('a lane of timers of one length', () => {
  it('runs its timers at the times and in the order Simulation.schedule would (random worlds, 20 seeds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const direct = world(false, seed);
      expect(direct.length).toBeGreaterThan(100);
      expect(world(true, seed)).toEqual(direct);
    }
  });

  it('keeps only its first timer in the event heap, and counts the others as pending', () => {
    const sim = new Simulation();
    const lane = sim.lane(1000);
    const fired: number[] = [];
    for (let i = 0; i < 100; i++) lane.schedule((n: number) => fired.push(n), i);
    sim.schedule(5, () => {}, undefined);
    expect(sim.pending).toBe(101);
    sim.run(500);
    expect(sim.pending).toBe(100);
    sim.run();
    expect(fired).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(sim.now).toBe(1000);
  });

  it('is one lane per length and priority, whoever asks', () => {
    const sim = new Simulation();
    expect(sim.lane(10)).toBe(sim.lane(10));
    expect(sim.lane(10)).not.toBe(sim.lane(10, Priority.LATE));
    expect(sim.lane(10)).not.toBe(sim.lane(11));
  });

  it('refuses a delay that is not a whole number of microseconds', () => {
    const sim = new Simulation();
    expect(() => sim.lane(1.5)).toThrow(RangeError);
    expect(() => sim.lane(-1)).toThrow(RangeError);
  });
});
