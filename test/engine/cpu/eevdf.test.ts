// EEVDF on per-core run queues (kernel/sched/fair.c): one task at a time on each core, the
// eligible one with the earliest virtual deadline, kept for its slice, re-picked when it
// blocks, at the 4 ms tick, or when a woken task would preempt it. Every figure below is
// worked out by hand (slices: 700 µs on one core, 1,400 on two).
import { describe, expect, it } from 'vitest';
import { baseSlice, EevdfCore, Entity, pickEevdf } from '../../../src/engine/cpu/eevdf.js';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { eevdf, on } from './perCoreHarness.js';

describe('EEVDF time slices', () => {
  it('take a base slice of 0.70 ms scaled by 1 + log2 of the cores, up to 8 of them', () => {
    expect([1, 2, 4, 8, 64].map(baseSlice)).toEqual([700, 1400, 2100, 2800, 2800]);
  });

  it('run two busy processes on one core a tick at a time, not side by side', () => {
    // a runs first; b's deadline is no earlier and a is protected for its slice, so b waits.
    // Tick 4000: a is past its slice and ahead of V (4000 > 2000): b runs. Tick 8000: both at
    // 4000 with deadlines 4700: the queued one (a) goes first. Tick 12000: a at 8000 is
    // ahead: b. Tick 16000: tie again, a, which ends at 18000 with its last 2000; b then ends
    // at 20000. Processor sharing would end both at 20000.
    expect(
      eevdf(1, [
        ['a', on(0), 0, 10000],
        ['b', on(0), 0, 10000],
      ]),
    ).toEqual({ a: 18000, b: 20000 });
  });

  it('let a woken task preempt one that has used up its slice', () => {
    // a alone from 0: at 1000 it is past its 700 µs slice, its deadline 1000 + 700. b wakes at
    // V = 1000 with the same deadline: the queued one wins a tie against the running one, so
    // b runs at once, 1000-1100, and a ends at 10100.
    expect(
      eevdf(1, [
        ['a', on(0), 0, 10000],
        ['b', on(0), 1000, 100],
      ]),
    ).toEqual({ a: 10100, b: 1100 });
  });

  it('keep the running task through its protected slice when another wakes', () => {
    // a is picked at 0 with a slice to 700; b wakes at 300 and waits until the tick at 4000
    // (a past its slice and ahead of V): b runs 4000-4100, a ends at 10100.
    expect(
      eevdf(1, [
        ['a', on(0), 0, 10000],
        ['b', on(0), 300, 100],
      ]),
    ).toEqual({ a: 10100, b: 4100 });
  });
});

describe('with the woken task as the next buddy (machine.wakeupPreemption "next-buddy")', () => {
  it("a woken task takes the core at once, within the running one's protected slice too", () => {
    // As above, but b runs as it wakes, 300-400, and a ends at 10100.
    expect(
      eevdf(
        1,
        [
          ['a', on(0), 0, 10000],
          ['b', on(0), 300, 100],
        ],
        'next-buddy',
      ),
    ).toEqual({ a: 10100, b: 400 });
  });

  it('a new process preempts nothing: it waits for the pick', () => {
    // a alone from 0, past its slice at 1000. A new process b starts there: by the pick it
    // would run at once (its deadline 1000 + 350, a's 1700), as it does by default; as a
    // fork it waits for the tick at 4000, where a is ahead of V: b runs 4000-4100.
    // (Each run its own records: the cores write a process's core into it.)
    const tasks = (): Parameters<typeof eevdf>[1] => [
      ['a', on(0), 0, 10000],
      ['b', { cpuCore: -1 }, 1000, 100],
    ];
    expect(eevdf(1, tasks())).toEqual({ a: 10100, b: 1100 });
    expect(eevdf(1, tasks(), 'next-buddy')).toEqual({ a: 10100, b: 4100 });
  });
});

describe('a process preempted by the task it woke, before it blocked', () => {
  // w sends (its piece ends) and the send wakes b, which takes the core at once as the next
  // buddy; b's answer is w's next piece. Until w runs again it has not blocked (the kernel
  // preempts it on its way out of the send, still runnable): the answer finds it queued, so
  // it is no wake-up and preempts nothing.
  function exchange(): Record<string, number> {
    const sim = new Simulation();
    const cpu = new PerCoreCpu(sim, 1, undefined, true, 'next-buddy');
    const out: Record<string, number> = {};
    const [c, w, b] = [on(0), on(0), on(0)];
    const done = (name: string) => () => (out[name] = sim.now);
    sim.schedule(
      0,
      () => {
        cpu.run(20000, done('c'), undefined, undefined, c);
        cpu.run(
          300,
          () => {
            out.send = sim.now;
            cpu.run(200, () => cpu.run(300, done('answer read'), undefined, undefined, w), undefined, undefined, b);
          },
          undefined,
          undefined,
          w,
        );
      },
      undefined,
    );
    sim.run();
    return out;
  }

  it('waits its turn behind the others when the answer comes, as a runnable task does', () => {
    // c and w start at 0, both placed at V = 0; w, woken second, runs at once as the next
    // buddy, 0-300. Its send wakes b, which runs 300-500; its answer finds w still queued.
    // Then c (virtual runtime 0) against w (300): V = 150, so c, the eligible one, runs from
    // 500 with a slice to 700. At the tick at 4000 c (3500) is past it and ahead of V (1900):
    // w reads the answer, 4000-4300. c ends at 20000 + 800.
    expect(exchange()).toEqual({ send: 300, 'answer read': 4300, c: 20800 });
  });
});

describe('the pick (__pick_eevdf)', () => {
  const entity = (seq: number, vruntime: number, deadline: number, weight = 1): Entity => {
    const e = new Entity(seq);
    e.vruntime = vruntime;
    e.deadline = deadline;
    e.weight = weight;
    return e;
  };

  it('takes the eligible entity with the earliest deadline, never one ahead of the average', () => {
    const core = new EevdfCore(0, 700);
    const x = entity(0, 0, 5000);
    const y = entity(1, 100, 800);
    const z = entity(2, 3000, 3100); // ahead of V: not eligible, though its deadline is earliest... of the rest
    for (const e of [x, y, z]) {
      e.rq = core.root;
      core.root.queued.push(e);
    }
    // V = (0 + 100 + 3000) / 3 = 1033: x and y are eligible, y's deadline is earlier.
    expect(pickEevdf(core.root)).toBe(y);
  });

  it('weighs the average by weight: a heavy entity far behind pulls V down', () => {
    const core = new EevdfCore(0, 700);
    const heavy = entity(0, 0, 10000, 9);
    const light = entity(1, 1000, 1500, 1);
    for (const e of [heavy, light]) {
      e.rq = core.root;
      core.root.queued.push(e);
    }
    // V = (9 * 0 + 1 * 1000) / 10 = 100: only the heavy one is eligible.
    expect(core.root.avg()).toBe(100);
    expect(pickEevdf(core.root)).toBe(heavy);
  });

  it('places a woken entity at V less its lag, and a new process with half a slice to its deadline', () => {
    const core = new EevdfCore(0, 700);
    const running = new Entity(0);
    core.enqueue(running, core.root, false);
    core.pick(0);
    core.charge(1000);
    const old = new Entity(1);
    old.vlag = 200; // it went to sleep 200 behind V: it comes back ahead, by its lag scaled for the weight it adds (x 2 / 1)
    core.enqueue(old, core.root, false);
    expect(old.vruntime).toBe(1000 - 400);
    expect(old.deadline).toBe(600 + 700);
    const child = new Entity(2);
    core.enqueue(child, core.root, true);
    expect(child.deadline - child.vruntime).toBe(350);
  });

  it('keeps a task that blocks while ahead of V queued, not runnable, and lets it go with no lag once picked', () => {
    const core = new EevdfCore(0, 700);
    const a = new Entity(0);
    const b = new Entity(1);
    core.enqueue(a, core.root, false);
    core.enqueue(b, core.root, false);
    expect(core.pick(0)).toBe(a);
    core.charge(2000); // a at 2000, b at 0: V = 1000
    a.task = undefined;
    core.sleep(a);
    expect(a.delayed).toBe(true);
    expect(core.root.queued).toContain(a);
    // b runs until both are level: a, picked as the earliest deadline, leaves with no lag.
    b.task = {};
    expect(core.pick(1)).toBe(b);
    core.charge(2000);
    expect(core.pick(2)).toBe(b);
    expect(a.rq).toBeUndefined();
    expect(a.vlag).toBe(0);
  });
});
