// Per-core run queues (Linux's per-CPU runqueues): a process wakes on the core it last
// ran on, and a runnable task waits for its own core even while another is idle. Where a
// new process starts, how an idle core takes work, which cores are idle and the wake-up
// latency have tests of their own, as their code has files of its own. Every figure below
// is worked out by hand.
import { describe, expect, it } from 'vitest';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { SideSteps } from '../../../src/engine/sideSteps.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { ends, on, perCore } from './perCoreHarness.js';

describe('per-core run queues', () => {
  it('keep two processes that last ran on one core together there, while the other core idles until the next tick', () => {
    // Both on core 0: each at half speed, 100 each -> 200, before the first tick (4000).
    // One shared queue would run them side by side on the two cores: 100.
    expect(
      perCore(2, [
        ['a', on(0), 0, 100],
        ['b', on(0), 0, 100],
      ]),
    ).toEqual({ a: 200, b: 200 });
    const sim = new Simulation();
    expect(
      ends(sim, new SharedCpu(sim, 2), [
        ['a', on(0), 0, 100],
        ['b', on(0), 0, 100],
      ]),
    ).toEqual({ a: 100, b: 100 });
  });

  it('wake a process on the core it last ran on: the core it was placed on stays its own', () => {
    // p starts on an idle machine: core 0. q, already on core 0, comes back at 150 and finds p's
    // second task there (from 150): both at half speed. p's 100 left at 150 -> done at 350
    // (q's 100: 150 + 200 = 350 as well).
    const p = { cpuCore: -1 };
    const out = perCore(2, [
      ['p1', p, 0, 100],
      ['p2', p, 150, 100],
      ['q', on(0), 150, 100],
    ]);
    expect(p.cpuCore).toBe(0);
    expect(out).toEqual({ p1: 100, p2: 350, q: 350 });
  });

  it("split a task group's weight between the cores its tasks are on", () => {
    // Group g has one task on each core, so each carries half of g's weight. On core 0 the
    // lone task weighs 1 against g's 1/2: it runs at 2/3, g's task at 1/3. g's task on core 1
    // is alone there: full speed, done at 100; then g has one task, on core 0, with all of g's
    // weight: 1 against 1, half speed each. By 100 the lone task did 66.7 and g0 33.3; then
    // both at 1/2: the lone task's 33.3 left ends at 166.7 (rounded up: 167), g0 has 33.3 left
    // at full speed: 200, and one more for the rounding: the lone task's end waited for the
    // whole microsecond 167, a third of a microsecond more at half speed for g0.
    const out = perCore(2, [
      ['lone', on(0), 0, 100],
      ['g0', on(0), 0, 100, 'g'],
      ['g1', on(1), 0, 100, 'g'],
    ]);
    expect(out).toEqual({ g1: 100, lone: 167, g0: 201 });
  });

  it('give the core of a cancelled task to the others on it at once', () => {
    // a and b share core 0; b is cancelled at 50 (25 done each): a's 75 left at full speed -> 125.
    expect(
      perCore(
        2,
        [
          ['a', on(0), 0, 100],
          ['b', on(0), 0, 100],
        ],
        [['b', 50]],
      ),
    ).toEqual({ a: 125 });
  });

  it('count the runnable tasks each change goes over, and stop the run once they are past their budget', () => {
    // Three tasks of 100 on core 0, given at 0, 1 and 2: the changes go over 1, 2 and 3
    // tasks, then the ends (all three at 300, 301 and 302 at a third of the core each,
    // then faster) 2, 1 and 0. With a budget of 5 the third start (6 in all) is past it:
    // the run stops after that event, the three tasks unfinished.
    const sim = new Simulation();
    const steps = new SideSteps(sim);
    steps.limit = 5;
    const cpu = new PerCoreCpu(sim, 2, undefined, false, 'pick', steps);
    const done: number[] = [];
    for (const at of [0, 1, 2]) sim.schedule(at, () => cpu.run(100, () => done.push(sim.now), undefined, undefined, on(0)), undefined);
    expect(sim.run()).toBe('stopped');
    expect(steps.exhausted).toBe(true);
    expect(steps.count).toBe(3);
    expect(sim.now).toBe(2);
    expect(done).toEqual([]);
  });
});
