// A task woken onto an idle core waits for the core to wake (machine.wakeupLatency); a
// core that is busy, or went idle this instant, has not slept. Every figure below is
// worked out by hand.
import { describe, expect, it } from 'vitest';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { Constant } from '../../../src/engine/distributions.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { ends, on } from './perCoreHarness.js';

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
