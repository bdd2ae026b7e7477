import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/engine/cpu/cpu.js';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { GroupedCpu } from '../../../src/engine/cpu/grouped.js';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { QuotaCpu } from '../../../src/engine/cpu/quota.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { Constant } from '../../../src/engine/distributions.js';
import { CoreSpeeds, SlowSpellsCpu } from '../../../src/engine/cpu/slowSpells.js';
import { Simulation } from '../../../src/engine/simulation.js';

/** Starts tasks [name, start, work], cancels [name, at], and returns when each ended. */
function ends(make: (sim: Simulation) => Cpu, tasks: [string, number, number][], cancels: [string, number][] = []): Record<string, number> {
  const sim = new Simulation();
  const cpu = make(sim);
  const out: Record<string, number> = {};
  const ids = new Map<string, number>();
  for (const [name, start, work] of tasks) {
    sim.schedule(
      start,
      () =>
        ids.set(
          name,
          cpu.run(work, (n: string) => (out[n] = sim.now), name),
        ),
      undefined,
    );
  }
  for (const [name, at] of cancels) sim.schedule(at, () => cpu.cancel(ids.get(name)!), undefined);
  sim.run();
  return out;
}

describe('FIFO cores', () => {
  it('give a task a core until its work is done; others wait in line', () => {
    expect(
      ends(
        (sim) => new FifoCpu(sim, 1),
        [
          ['a', 0, 10],
          ['b', 0, 10],
          ['c', 5, 1],
        ],
      ),
    ).toEqual({ a: 10, b: 20, c: 21 });
    expect(
      ends(
        (sim) => new FifoCpu(sim, 2),
        [
          ['a', 0, 10],
          ['b', 0, 10],
          ['c', 0, 10],
        ],
      ),
    ).toEqual({ a: 10, b: 10, c: 20 });
  });

  it("give a cancelled task's core to the next in line at once, and drop a cancelled waiter", () => {
    // a is cancelled at 4 (its process was killed): b starts then, not at 10; c, cancelled
    // while waiting, never runs; d follows b.
    const out = ends(
      (sim) => new FifoCpu(sim, 1),
      [
        ['a', 0, 10],
        ['b', 0, 10],
        ['c', 0, 10],
        ['d', 0, 1],
      ],
      [
        ['a', 4],
        ['c', 5],
      ],
    );
    expect(out).toEqual({ b: 14, d: 15 });
  });

  it('ignore the cancellation of a task that has ended', () => {
    expect(
      ends(
        (sim) => new FifoCpu(sim, 1),
        [
          ['a', 0, 1],
          ['b', 0, 10],
        ],
        [['a', 5]],
      ),
    ).toEqual({ a: 1, b: 11 });
  });

  it('keep many waiters in order', () => {
    const tasks: [string, number, number][] = Array.from({ length: 100 }, (_, i) => [`t${i}`, 0, 1]);
    const out = ends((sim) => new FifoCpu(sim, 3), tasks);
    expect(out.t0).toBe(1);
    expect(out.t99).toBe(34);
  });
});

describe('shared cores (processor sharing)', () => {
  it('run two tasks on one core at half speed each', () => {
    expect(
      ends(
        (sim) => new SharedCpu(sim, 1),
        [
          ['a', 0, 10],
          ['b', 0, 10],
        ],
      ),
    ).toEqual({ a: 20, b: 20 });
  });

  it('let a short task through a long one', () => {
    // a runs alone for 5; then a and c share: c needs 1 more of work at half speed: ends
    // at 7; a has done 5 + 1 = 6 by then and ends 4 later, at 11.
    expect(
      ends(
        (sim) => new SharedCpu(sim, 1),
        [
          ['a', 0, 10],
          ['c', 5, 1],
        ],
      ),
    ).toEqual({ c: 7, a: 11 });
  });

  it('speed the others up when a task is cancelled', () => {
    // a and b share one core until a is cancelled at 4: b has done 2, does its other 8
    // alone, and ends at 12 (not 20).
    expect(
      ends(
        (sim) => new SharedCpu(sim, 1),
        [
          ['a', 0, 10],
          ['b', 0, 10],
        ],
        [['a', 4]],
      ),
    ).toEqual({ b: 12 });
    expect(
      ends(
        (sim) => new SharedCpu(sim, 1),
        [
          ['a', 0, 1],
          ['b', 0, 10],
        ],
        [['a', 5]],
      ),
    ).toEqual({ a: 2, b: 11 });
  });

  it('run each task at full speed while there are enough cores', () => {
    expect(
      ends(
        (sim) => new SharedCpu(sim, 2),
        [
          ['a', 0, 10],
          ['b', 0, 10],
        ],
      ),
    ).toEqual({ a: 10, b: 10 });
    // Three tasks on two cores: each at 2/3 speed: 15 for 10 of work.
    expect(
      ends(
        (sim) => new SharedCpu(sim, 2),
        [
          ['a', 0, 10],
          ['b', 0, 10],
          ['c', 0, 10],
        ],
      ),
    ).toEqual({ a: 15, b: 15, c: 15 });
  });

  it('does the same total work as FIFO cores (the busy period is the same)', () => {
    const tasks: [string, number, number][] = Array.from({ length: 50 }, (_, i) => [`t${i}`, i * 3, 7 + (i % 5)]);
    const shared = Math.max(...Object.values(ends((sim) => new SharedCpu(sim, 2), tasks)));
    const fifo = Math.max(...Object.values(ends((sim) => new FifoCpu(sim, 2), tasks)));
    expect(Math.abs(shared - fifo)).toBeLessThanOrEqual(2); // whole-microsecond rounding
  });
});

/** Every CPU discipline, on one core. */
const ONE_CORE_DISCIPLINES: [string, (sim: Simulation) => Cpu][] = [
  ['FIFO', (sim) => new FifoCpu(sim, 1)],
  ['processor sharing', (sim) => new SharedCpu(sim, 1)],
  ['task groups', (sim) => new GroupedCpu(sim, 1)],
  ['a CPU quota', (sim) => new QuotaCpu(sim, 1, 1_000_000, 1_000_000)],
  ['per-core run queues', (sim) => new PerCoreCpu(sim, 1)],
  ['EEVDF', (sim) => new PerCoreCpu(sim, 1, undefined, true)],
  ['slow spells (one speed)', (sim) => new SlowSpellsCpu(new SharedCpu(sim, 1), slowSpellsOfOneSpeed(sim))],
];

describe('a cancelled task, on every discipline', () => {
  // What a cancel answers: the share of the task's work it had not done, so that what it
  // used can be told from what it was given (a query cancelled by statement_timeout).
  for (const [name, make] of ONE_CORE_DISCIPLINES) {
    it(`says how much of its work it had left: ${name}`, () => {
      // a alone on the core from 0, cancelled at 40 of its 100: 60 % left. b, given 0 and
      // cancelled after it ended, has none; c, cancelled before it started (at once), all.
      const sim = new Simulation();
      const cpu = make(sim);
      const left: Record<string, number> = {};
      sim.schedule(
        0,
        () => {
          const a = cpu.run(100, () => undefined, undefined);
          const b = cpu.run(0, () => undefined, undefined);
          sim.schedule(40, () => (left.a = cpu.cancel(a)), undefined);
          sim.schedule(50, () => (left.b = cpu.cancel(b)), undefined);
        },
        undefined,
      );
      sim.schedule(60, () => (left.c = cpu.cancel(cpu.run(100, () => undefined, undefined))), undefined);
      sim.run();
      expect(left.a).toBeCloseTo(0.6, 6);
      expect(left.b).toBe(0);
      expect(left.c).toBeCloseTo(1, 6);
    });
  }
});

describe('the tasks not done when a run stops, on every discipline', () => {
  // What the cores list when a run stops at a budget: each task not done, with the share of
  // its work left, so that the report counts the CPU that ran (model/unfinishedCpu.ts).
  // a (100) from 0 and c (100) from 30 on one core, the run stopped at 40: the core was
  // busy all along, so the work done adds up to 40, however the discipline shared it.
  for (const [name, make] of ONE_CORE_DISCIPLINES) {
    it(`lists each with the share of its work left, and changes nothing: ${name}`, () => {
      const start = (sim: Simulation, cpu: Cpu, ended: Record<string, number>) => {
        sim.schedule(0, () => cpu.run(100, () => (ended.a = sim.now), undefined), undefined);
        sim.schedule(30, () => cpu.run(100, () => (ended.c = sim.now), undefined), undefined);
      };
      const sim = new Simulation();
      const cpu = make(sim);
      const ended: Record<string, number> = {};
      start(sim, cpu, ended);
      sim.run(40);
      const left: number[] = [];
      cpu.unfinished!((_fn, _a, _b, share) => left.push(share));
      expect(left).toHaveLength(2);
      for (const share of left) expect(share).toBeGreaterThan(0);
      expect(left.reduce((done, share) => done + 100 * (1 - share), 0)).toBeCloseTo(40, 6);
      // Listed, the run goes on as one never listed.
      sim.run();
      const alone = new Simulation();
      const untouched: Record<string, number> = {};
      start(alone, make(alone), untouched);
      alone.run();
      expect(ended).toEqual(untouched);
    });
  }

  it('lists a task waiting for a core with all its work left (FIFO)', () => {
    const sim = new Simulation();
    const cpu = new FifoCpu(sim, 1);
    cpu.run(100, () => undefined, 'a');
    cpu.run(100, () => undefined, 'c');
    sim.run(40);
    const left: Record<string, number> = {};
    cpu.unfinished((_fn, a, _b, share) => (left[a as string] = share));
    expect(left).toEqual({ a: 0.6, c: 1 });
  });
});

/** Spells that never slow a core (slowdown 1): the host's speed stays 1. */
function slowSpellsOfOneSpeed(sim: Simulation): CoreSpeeds {
  return new CoreSpeeds(sim, 1, { slowdown: 1, slow: new Constant(1000), fast: new Constant(1000) }, () => 0.5);
}
