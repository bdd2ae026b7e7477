// The per-core run queues' tests' common set-up (src/engine/cpu/perCore.ts and the files
// it composes): tasks started at given times on given processes, and when each ended.
import type { Cpu, OnCore } from '../../../src/engine/cpu/cpu.js';
import type { WakeupPreemption } from '../../../src/engine/cpu/eevdfTasks.js';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { Simulation } from '../../../src/engine/simulation.js';

export type Start = [name: string, process: OnCore | undefined, at: number, work: number, group?: string];

/** Runs the tasks on `cpu`'s cores; when each ended. */
export function ends(
  sim: Simulation,
  cpu: Cpu & { group?(): Cpu },
  tasks: Start[],
  cancels: [string, number][] = [],
): Record<string, number> {
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

/** Runs the tasks on `cores` cores with per-core run queues; when each ended. */
export function perCore(cores: number, tasks: Start[], cancels: [string, number][] = []): Record<string, number> {
  const sim = new Simulation();
  return ends(sim, new PerCoreCpu(sim, cores), tasks, cancels);
}

/** As `perCore`, under EEVDF (machine.timeSlices "eevdf"), woken tasks preempting as `preemption` says. */
export function eevdf(cores: number, tasks: Start[], preemption: WakeupPreemption = 'pick'): Record<string, number> {
  const sim = new Simulation();
  return ends(sim, new PerCoreCpu(sim, cores, undefined, true, preemption), tasks);
}

/** A process that last ran on `core`. */
export const on = (core: number): OnCore => ({ cpuCore: core });
