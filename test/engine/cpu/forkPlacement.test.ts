// Where per-core run queues start a new process (find_idlest_group): on its parent's core
// unless another core is lighter, the new process counting on its core at once. Every
// figure below is worked out by hand.
import { describe, expect, it } from 'vitest';
import { on, perCore, type Start } from './perCoreHarness.js';

describe('per-core run queues, for a new process', () => {
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
});
