// Processor sharing between task groups, then between a group's tasks (Linux's group
// scheduling: autogroup's sessions, cgroups). Every figure below is worked out by hand.
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/engine/cpu/cpu.js';
import { GroupedCpu } from '../../../src/engine/cpu/grouped.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { Simulation } from '../../../src/engine/simulation.js';

type Start = [name: string, group: string | undefined, at: number, work: number];

/** Runs the tasks (group undefined: a process alone in its group); when each ended. */
function ends(cores: number, tasks: Start[], cancels: [string, number][] = []): Record<string, number> {
  const sim = new Simulation();
  const cpu = new GroupedCpu(sim, cores);
  const groups = new Map<string, Cpu>();
  const ids = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const [name, group, at, work] of tasks) {
    if (group !== undefined && !groups.has(group)) groups.set(group, cpu.group());
    const target: Cpu = group === undefined ? cpu : groups.get(group)!;
    sim.schedule(
      at,
      () =>
        ids.set(
          name,
          target.run(work, (n: string) => (out[n] = sim.now), name),
        ),
      undefined,
    );
  }
  for (const [name, at] of cancels) sim.schedule(at, () => cpu.cancel(ids.get(name)!), undefined);
  sim.run();
  return out;
}

describe('grouped cores (task groups)', () => {
  it('share the cores between groups first: four tasks of a session get what one process alone gets', () => {
    // 2 cores, a session of 4 tasks and one process alone: each group gets 1 core, so the
    // lone process runs at full speed (done at 100) and the session's tasks at 1/4 until
    // then (25 each done), then at 2/4 (the 4 share 2 cores): 75 left at 0.5 -> 250.
    expect(
      ends(2, [
        ['s1', 'session', 0, 100],
        ['s2', 'session', 0, 100],
        ['s3', 'session', 0, 100],
        ['s4', 'session', 0, 100],
        ['alone', undefined, 0, 100],
      ]),
    ).toEqual({ alone: 100, s1: 250, s2: 250, s3: 250, s4: 250 });
  });

  it('give a group no more cores than it has tasks: the rest goes to the others (water filling)', () => {
    // 3 cores; group A has 1 task, group B 4. Equal shares would be 1.5 each, but A can use
    // only 1 core: B gets 2, 0.5 per task. A's 60 take 60; B's tasks have done 30 by then
    // and, with 3 cores for 4 tasks (0.75 each), finish their last 30 in 40: at 100.
    expect(
      ends(3, [
        ['a', 'A', 0, 60],
        ['b1', 'B', 0, 60],
        ['b2', 'B', 0, 60],
        ['b3', 'B', 0, 60],
        ['b4', 'B', 0, 60],
      ]),
    ).toEqual({ a: 60, b1: 100, b2: 100, b3: 100, b4: 100 });
  });

  it('run every task at full speed while there are no more tasks than cores', () => {
    expect(
      ends(2, [
        ['a', 'A', 0, 50],
        ['b', 'A', 10, 50],
      ]),
    ).toEqual({ a: 50, b: 60 });
  });

  it('are processor sharing when every process is alone in its group', () => {
    const tasks: Start[] = [
      ['a', undefined, 0, 100],
      ['b', undefined, 0, 100],
      ['c', undefined, 30, 20],
      ['d', undefined, 45, 70],
    ];
    const sim = new Simulation();
    const shared = new SharedCpu(sim, 2);
    const out: Record<string, number> = {};
    for (const [name, , at, work] of tasks) sim.schedule(at, () => shared.run(work, (n: string) => (out[n] = sim.now), name), undefined);
    sim.run();
    expect(ends(2, tasks)).toEqual(out);
  });

  it("give a cancelled task's share back to the others at once", () => {
    // 1 core, groups A (a1, a2) and B (b). Until 40: B gets 0.5 (b: 20 done), a1 and a2
    // 0.25 each (10 done). a1 is cancelled at 40 and a2 gets A's whole 0.5: b's last 80
    // take 160 (done at 200), by when a2 has done 90; alone, its last 10 end at 210.
    expect(
      ends(
        1,
        [
          ['a1', 'A', 0, 100],
          ['a2', 'A', 0, 100],
          ['b', 'B', 0, 100],
        ],
        [['a1', 40]],
      ),
    ).toEqual({ b: 200, a2: 210 });
  });

  it('share out the new number of cores when the host gains or loses some', () => {
    // 1 core, a session of 2 and one lone task, each group 0.5 of a core. At 40 the host
    // gets a second core: each group gets 1, the lone task runs at full speed (20 done, 80
    // left: done at 120), the session's tasks at 0.5 each (10 done, 50 by 120), and then at
    // full speed, with a core each: done at 170.
    const sim = new Simulation();
    const cpu = new GroupedCpu(sim, 1);
    const session = cpu.group();
    const out: Record<string, number> = {};
    const done = (n: string) => (out[n] = sim.now);
    sim.schedule(
      0,
      () => {
        session.run(100, done, 's1');
        session.run(100, done, 's2');
        cpu.run(100, done, 'alone');
      },
      undefined,
    );
    sim.schedule(40, () => cpu.setCores(2), undefined);
    sim.run();
    expect(out).toEqual({ alone: 120, s1: 170, s2: 170 });
  });
});
