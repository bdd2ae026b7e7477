import { describe, expect, it } from 'vitest';
import { Resource } from '../../src/engine/resource.js';
import { Simulation } from '../../src/engine/simulation.js';
import { request, startProcess } from '../../src/engine/process.js';

describe('a resource', () => {
  it('grants at once while units are free, then queues waiters first come, first served', () => {
    const sim = new Simulation();
    const r = new Resource(2, 'cores');
    const log: [string, number][] = [];
    const job = (name: string, hold: number) =>
      startProcess(
        sim,
        (function* () {
          yield request(r);
          log.push([`${name} starts`, sim.now]);
          yield hold;
          r.release();
        })(),
      );
    job('a', 10);
    job('b', 5);
    job('c', 1);
    job('d', 1);
    sim.run();
    expect(log).toEqual([
      ['a starts', 0],
      ['b starts', 0],
      ['c starts', 5],
      ['d starts', 6],
    ]);
    expect(r.peakInUse).toBe(2);
    expect(r.used).toBe(0);
  });

  it('never lends more units than it has', () => {
    const r = new Resource(3);
    let granted = 0;
    for (let i = 0; i < 10; i++) r.acquire(() => granted++, undefined);
    expect(granted).toBe(3);
    expect(r.queueLength).toBe(7);
    r.release();
    expect(granted).toBe(4);
    expect(r.used).toBe(3);
  });

  it('refuses a release without an acquire', () => {
    expect(() => new Resource(1, 'postmaster').release()).toThrow(/postmaster/);
  });

  it('tryAcquire never queues', () => {
    const r = new Resource(1);
    expect(r.tryAcquire()).toBe(true);
    expect(r.tryAcquire()).toBe(false);
    expect(r.queueLength).toBe(0);
  });
});
