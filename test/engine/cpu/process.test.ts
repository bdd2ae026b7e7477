import { describe, expect, it } from 'vitest';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { ProcessCpu, settleProcessCpu } from '../../../src/engine/cpu/process.js';
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

  it('keeps, when the run stops partway, only the work its pieces did: none of those waiting for a thread', () => {
    // One thread on a host of 8 cores: a runs from 0, b and c wait for the thread. Stopped
    // at 40, it has done 40 of the 600 it was given.
    const sim = new Simulation();
    const host = new FifoCpu(sim, 8);
    const p = new ProcessCpu(host, 1);
    for (const work of [300, 100, 200]) p.run(work, () => undefined, undefined);
    sim.run(40);
    expect(p.used).toBe(600);
    let owned = 0;
    host.unfinished((fn, a, b, left) => (owned += settleProcessCpu(fn, a, b, left) ? 1 : 0));
    p.dropWaiting();
    expect(owned).toBe(1);
    expect(p.used).toBe(40);
  });

  it("does not take another's task for its own", () => {
    const sim = new Simulation();
    const host = new FifoCpu(sim, 1);
    host.run(100, () => undefined, undefined);
    sim.run(40);
    host.unfinished((fn, a, b, left) => expect(settleProcessCpu(fn, a, b, left)).toBe(false));
  });
});
