// Per-core run queues (Linux's per-CPU runqueues): a process wakes on the core it last
// ran on, a new one starts on its parent's core unless another is lighter, and a runnable
// task moves to an idle core only at the busy core's next scheduler tick (every 4 ms).
// Every figure below is worked out by hand.
import { describe, expect, it } from 'vitest';
import type { Cpu, OnCore } from '../../../src/engine/cpu/cpu.js';
import { CacheRefill } from '../../../src/engine/cpu/cacheRefill.js';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { Constant } from '../../../src/engine/distributions.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { Simulation } from '../../../src/engine/simulation.js';

type Start = [name: string, process: OnCore | undefined, at: number, work: number, group?: string];

/** Runs the tasks on `cpu`'s cores; when each ended. */
function ends(sim: Simulation, cpu: Cpu & { group?(): Cpu }, tasks: Start[], cancels: [string, number][] = []): Record<string, number> {
  const groups = new Map<string, Cpu>();
  const ids = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const [name, process, at, work, group] of tasks) {
    if (group !== undefined && !groups.has(group)) groups.set(group, cpu.group!());
    const target = group === undefined ? cpu : groups.get(group)!;
    sim.schedule(
      at,
      () =>
        ids.set(
          name,
          target.run(work, (n: string) => (out[n] = sim.now), name, undefined, process),
        ),
      undefined,
    );
  }
  for (const [name, at] of cancels) sim.schedule(at, () => cpu.cancel(ids.get(name)!), undefined);
  sim.run();
  return out;
}

function perCore(cores: number, tasks: Start[], cancels: [string, number][] = []): Record<string, number> {
  const sim = new Simulation();
  return ends(sim, new PerCoreCpu(sim, cores), tasks, cancels);
}

const on = (core: number): OnCore => ({ cpuCore: core });

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

  it('start a new process on an idle core: its parent is running on its own core as it forks', () => {
    // The parent (core 1) has no task in the model at the fork, but the kernel places the
    // child while the parent runs the fork: core 1 is busy, core 0 idle.
    const parent = on(1);
    const child = { cpuCore: -1, parent };
    perCore(2, [['child', child, 0, 100]]);
    expect(child.cpuCore).toBe(0);
  });

  it("start a new process on an idle core when its parent's is busy (spare capacity, an idle CPU)", () => {
    // The parent's core 0 runs w; core 1 is idle: the child goes there and runs at full speed.
    const parent = on(0);
    const child = { cpuCore: -1, parent };
    const out = perCore(2, [
      ['w', on(0), 0, 1000],
      ['child', child, 10, 100],
    ]);
    expect(child.cpuCore).toBe(1);
    expect(out).toEqual({ child: 110, w: 1000 });
  });

  it("keep a new process on its parent's busy core when no core is lighter", () => {
    // Both cores busy with one task each since 0, equally loaded: the child stays with its parent
    // (core 1) and shares it: y and the child at half speed from 10 -> the child's 100 at 210.
    const parent = on(1);
    const child = { cpuCore: -1, parent };
    const out = perCore(2, [
      ['x', on(0), 0, 1000],
      ['y', on(1), 0, 1000],
      ['child', child, 10, 100],
    ]);
    expect(child.cpuCore).toBe(1);
    expect(out.child).toBe(210);
  });

  it('count a new process on its core at once, so that a parent forking in a burst sends the later children to the other core', () => {
    // The parent runs on core 0, x on core 1; the machine was idle (PELT averages 0). Each child
    // starts with its core's util over its load, at most half the spare capacity: core 0 goes
    // 0 -> 0.5 -> 0.75 -> 0.875 (runnable the same, load one a child). The first three find
    // both cores with spare capacity and stay; the fourth finds core 0 with four tasks and
    // 0.875 x 1.17 > 1 (overloaded) against core 1's spare capacity, and goes there.
    const parent = on(0);
    const children = [1, 2, 3, 4].map(() => ({ cpuCore: -1, parent }));
    perCore(2, [['parent', parent, 0, 1000], ['x', on(1), 0, 1000], ...children.map((c, i): Start => [`c${i + 1}`, c, 0, 100])]);
    expect(children.map((c) => c.cpuCore)).toEqual([0, 0, 0, 1]);
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

  it("let an idle core pull, at the busy core's next tick, the task that has been there longest", () => {
    // a and b on core 0 from 0, 10000 each, at half speed; the tick at 4000 (2000 done each)
    // moves a, the older, to core 1: both at full speed, 8000 left -> 12000. a's process
    // runs on core 1 from then on.
    const a = on(0);
    expect(
      perCore(2, [
        ['a', a, 0, 10_000],
        ['b', on(0), 0, 10_000],
      ]),
    ).toEqual({ a: 12_000, b: 12_000 });
    expect(a.cpuCore).toBe(1);
    // The ticks are on a 4 ms grid: b joins a at 5000, the next tick is at 8000. By then a
    // did 5000 + 1500 (3500 left: ends at 11500), b 1500 (8500 left: ends at 16500).
    expect(
      perCore(2, [
        ['a', on(0), 0, 10_000],
        ['b', on(0), 5000, 10_000],
      ]),
    ).toEqual({ a: 11_500, b: 16_500 });
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
});

describe('per-core run queues, for a woken process that asks where it can run at once (uvicorn accept race)', () => {
  it('answer its previous core if idle, else an idle one (select_idle_sibling), else -1: it waits on its own', () => {
    const sim = new Simulation();
    const cpu = new PerCoreCpu(sim, 3);
    expect(cpu.idleCoreFor(on(1))).toBe(1);
    // Cores 1 and 2 busy: the scan goes from the core after the previous one, wrapping.
    cpu.run(100, () => {}, undefined, undefined, on(1));
    cpu.run(100, () => {}, undefined, undefined, on(2));
    expect(cpu.idleCoreFor(on(1))).toBe(0);
    cpu.run(100, () => {}, undefined, undefined, on(0));
    expect(cpu.idleCoreFor(on(1))).toBe(-1);
    // Not run yet: the first idle core.
    const fresh = new PerCoreCpu(sim, 2);
    fresh.run(100, () => {}, undefined, undefined, on(0));
    expect(fresh.idleCoreFor({ cpuCore: -1 })).toBe(1);
  });

  it("tell a watcher when a core goes idle: not when the ended task's callback starts more work there, and on a cancel", () => {
    const sim = new Simulation();
    const cpu = new PerCoreCpu(sim, 2);
    const idle: string[] = [];
    cpu.watchIdle((core) => {
      idle.push(`${sim.now} core ${core}`);
      return false;
    });
    // Core 0: a (0-100), whose end starts b there at once (100-150). Core 1: c (0-80), cancelled at 20.
    sim.schedule(0, () => cpu.run(100, () => cpu.run(50, () => {}, undefined, undefined, on(0)), undefined, undefined, on(0)), undefined);
    let c = 0;
    sim.schedule(0, () => (c = cpu.run(80, () => {}, undefined, undefined, on(1))), undefined);
    sim.schedule(20, () => cpu.cancel(c), undefined);
    sim.run();
    expect(idle).toEqual(['20 core 1', '150 core 0']);
  });
});

describe('per-core run queues with a wake-up latency (machine.wakeupLatency)', () => {
  const LATENCY = 30;
  const waking = (sim: Simulation, cores: number) =>
    new PerCoreCpu(sim, cores, { distribution: new Constant(LATENCY), uniform: () => 0.5 });

  it('start a task woken onto an idle core only once the core has woken, and one woken there meanwhile with it', () => {
    // a at 10 wakes core 0: runs from 40. b at 20 finds it waking: starts at 40 too. From 40
    // they share core 0: b's 50 at half speed -> 140; a has done 50 of 100 by then -> 190.
    // Core 1 is idle since 0, and c woken there at 25 runs from 55: 55 + 10 = 65.
    const sim = new Simulation();
    expect(
      ends(sim, waking(sim, 2), [
        ['a', on(0), 10, 100],
        ['b', on(0), 20, 50],
        ['c', on(1), 25, 10],
      ]),
    ).toEqual({ a: 190, b: 140, c: 65 });
  });

  it('add nothing for a task woken onto a busy core, nor for the next task of a process whose task just ended there', () => {
    // a wakes core 0 at 10: 40 -> 140; b at 100 finds a running: they share from 100, b's 20
    // at half speed -> 140, a's 40 left -> 20 done by 140, 20 more -> 160. a's callback runs
    // its next piece at 160 on a core that has not slept: 160 + 5 = 165.
    const sim = new Simulation();
    const cpu = waking(sim, 1);
    const out: Record<string, number> = {};
    const p = on(0);
    sim.schedule(
      10,
      () =>
        cpu.run(
          100,
          () => {
            out.a = sim.now;
            cpu.run(5, () => (out.next = sim.now), undefined, undefined, p);
          },
          undefined,
          undefined,
          p,
        ),
      undefined,
    );
    sim.schedule(100, () => cpu.run(20, () => (out.b = sim.now), undefined, undefined, on(0)), undefined);
    sim.run();
    expect(out).toEqual({ a: 160, b: 140, next: 165 });
  });

  it('wake the core again after it slept, and drop a task cancelled while its core wakes', () => {
    // a: 10 -> 40 + 10 = 50; the core sleeps from 50. b at 60: 90 + 10 = 100. c at 200 is
    // cancelled at 210, before its core has woken (230): it never runs; d at 220 joins that
    // wake-up and runs from 230: 240.
    const sim = new Simulation();
    expect(
      ends(
        sim,
        waking(sim, 1),
        [
          ['a', on(0), 10, 10],
          ['b', on(0), 60, 10],
          ['c', on(0), 200, 10],
          ['d', on(0), 220, 10],
        ],
        [['c', 210]],
      ),
    ).toEqual({ a: 50, b: 100, d: 240 });
  });
});

describe('a cache refill on per-core run queues', () => {
  // A process pays cost(d) when it wakes on a core after d distinct others with a refill
  // cost ran there since it last did: here nothing after one other, 100 after two or more.
  const refill = new CacheRefill([
    { others: 1, cpu: 0 },
    { others: 2, cpu: 100 },
  ]);
  const worker = (): OnCore => ({ cpuCore: 0, cacheRefill: refill });

  it('charge a process by how many others ran on its core since it did', () => {
    // One core. a at 0 (nobody ran there): 100. b at 200 (a ran): 1 other, 0 -> 300.
    // c at 400 (a and b ran): 2 others, +100 -> 600. a at 700 (c and b since): +100 -> 900.
    // a at 1000 (nobody since): 1100. A process without the cost (pg, at 1120) neither pays
    // nor counts: b at 1200 finds c and a since it ran, 2 others, +100 -> 1400.
    const [a, b, c] = [worker(), worker(), worker()];
    expect(
      perCore(1, [
        ['a1', a, 0, 100],
        ['b1', b, 200, 100],
        ['c1', c, 400, 100],
        ['a2', a, 700, 100],
        ['a3', a, 1000, 100],
        ['pg', on(0), 1120, 10],
        ['b2', b, 1200, 100],
      ]),
    ).toEqual({ a1: 100, b1: 300, c1: 600, a2: 900, a3: 1100, pg: 1130, b2: 1400 });
  });

  it('charge nothing for the next piece of a run: a task that starts as its process’s last one ends', () => {
    // Each wake after another costs 100 here. a at 0: 100. b at 200 (a ran): 200 -> 400.
    // a2 and b2 at 500, each after the other ran: 200 each, side by side at half speed ->
    // 900. Their callbacks start a3 and b3 at once: no wake, nothing more, 50 each side by
    // side -> 1000. a4 at 1100 wakes after b (b3 started after a3): 150 -> 1250.
    const sim = new Simulation();
    const cpu = new PerCoreCpu(sim, 1);
    const flat = new CacheRefill([{ others: 1, cpu: 100 }]);
    const [a, b] = [
      { cpuCore: 0, cacheRefill: flat },
      { cpuCore: 0, cacheRefill: flat },
    ];
    const out: Record<string, number> = {};
    const run = (name: string, p: OnCore, work: number, then?: () => void) =>
      cpu.run(
        work,
        () => {
          out[name] = sim.now;
          then?.();
        },
        undefined,
        undefined,
        p,
      );
    run('a1', a, 100);
    sim.schedule(200, () => run('b1', b, 100), undefined);
    sim.schedule(
      500,
      () => {
        run('a2', a, 100, () => run('a3', a, 50));
        run('b2', b, 100, () => run('b3', b, 50));
      },
      undefined,
    );
    sim.schedule(1100, () => run('a4', a, 50), undefined);
    sim.run();
    expect(out).toEqual({ a1: 100, b1: 400, a2: 900, b2: 900, a3: 1000, b3: 1000, a4: 1250 });
  });
});
