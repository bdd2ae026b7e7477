// A process's cache refill on per-core run queues: paid when it wakes on a core after
// others with such a cost ran there, by how many. Every figure below is worked out by hand.
import { describe, expect, it } from 'vitest';
import { CacheRefill } from '../../../src/engine/cpu/cacheRefill.js';
import type { OnCore } from '../../../src/engine/cpu/cpu.js';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { eevdf, on, perCore } from './perCoreHarness.js';

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

  it('under EEVDF, charge a process each time its core switches back to it, preempted or not', () => {
    // One core, a and b busy with 10,000 each, 100 to refill after the other ran. The core
    // switches at the ticks as it would without the cost (eevdf.test.ts): a 0-4000, b from
    // 4000 (+100), a from 8000 (+100), b from 12000 (+100), a from 16000 (+100) to its end at
    // 18,200, then b (+100) to 20,500: five switch-ins after the other, none at a's start.
    const flat = new CacheRefill([{ others: 1, cpu: 100 }]);
    const [a, b] = [
      { cpuCore: 0, cacheRefill: flat },
      { cpuCore: 0, cacheRefill: flat },
    ];
    expect(
      eevdf(1, [
        ['a', a, 0, 10000],
        ['b', b, 0, 10000],
      ]),
    ).toEqual({ a: 18200, b: 20500 });
  });
});
