// Which cores are idle, for a woken process that asks where it can run at once and for
// whoever must hear when a core goes idle (uvicorn's accept race).
import { describe, expect, it } from 'vitest';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { on } from './perCoreHarness.js';

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
