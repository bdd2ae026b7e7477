import { describe, expect, it } from 'vitest';
import { StackResource } from '../../src/engine/stackResource.js';

describe('a resource served last come, first served', () => {
  it('grants at once while units are free, then gives a freed unit to the newest waiter', () => {
    const r = new StackResource(1, 'threads');
    const log: string[] = [];
    const take = (name: string) => r.acquire(() => log.push(name), undefined);
    take('a');
    take('b');
    take('c');
    take('d');
    expect(r.queueLength).toBe(3);
    r.release(); // to d, the newest
    take('e'); // comes after d got it: now the newest waiter
    r.release();
    r.release();
    r.release();
    expect(log).toEqual(['a', 'd', 'e', 'c', 'b']);
    r.release();
    expect(r.used).toBe(0);
    expect(r.peakInUse).toBe(1);
    expect(() => r.release()).toThrow(/release without acquire/);
  });

  it('never lets a newcomer pass waiters: with a free unit and nobody waiting only', () => {
    const r = new StackResource(2, 'threads');
    expect(r.tryAcquire()).toBe(true);
    expect(r.tryAcquire()).toBe(true);
    expect(r.tryAcquire()).toBe(false);
    expect(r.available).toBe(0);
  });
});
