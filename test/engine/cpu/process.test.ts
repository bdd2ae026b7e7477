import { describe, expect, it } from 'vitest';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { ProcessCpu } from '../../../src/engine/cpu/process.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { Simulation } from '../../../src/engine/simulation.js';

/** Runs the named pieces of work on `p`, in that order, all at time 0: when each ended. */
function endTimes(sim: Simulation, p: ProcessCpu, pieces: Record<string, number>): string[] {
  const out: string[] = [];
  for (const [name, work] of Object.entries(pieces)) p.run(work, () => out.push(`${sim.now} ${name}`), undefined);
  sim.run();
  return out;
}

describe("a process's CPU work on its host", () => {
  it('runs one piece at a time with one thread, first come first served, however many cores the host has', () => {
    const sim = new Simulation();
    expect(endTimes(sim, new ProcessCpu(new SharedCpu(sim, 8), 1), { a: 300, b: 100, c: 200 })).toEqual(['300 a', '400 b', '600 c']);
  });

  it('runs as many pieces at once as it has threads', () => {
    const sim = new Simulation();
    // a and b start at once; c takes b's thread at 100.
    expect(endTimes(sim, new ProcessCpu(new FifoCpu(sim, 8), 2), { a: 300, b: 100, c: 200 })).toEqual(['100 b', '300 a', '300 c']);
  });

  it('competes for the host with other processes: two single-threaded processes on one shared core each run at half speed', () => {
    const sim = new Simulation();
    const host = new SharedCpu(sim, 1);
    const ends: string[] = [];
    new ProcessCpu(host, 1).run(100, () => ends.push(`${sim.now} p`), undefined);
    new ProcessCpu(host, 1).run(100, () => ends.push(`${sim.now} q`), undefined);
    sim.run();
    expect(ends).toEqual(['200 p', '200 q']);
  });

  it('is isolated from another host: the same two processes on two hosts of one core each do not slow each other', () => {
    const sim = new Simulation();
    const ends: string[] = [];
    new ProcessCpu(new SharedCpu(sim, 1), 1).run(100, () => ends.push(`${sim.now} p`), undefined);
    new ProcessCpu(new SharedCpu(sim, 1), 1).run(100, () => ends.push(`${sim.now} q`), undefined);
    sim.run();
    expect(ends).toEqual(['100 p', '100 q']);
  });
});
