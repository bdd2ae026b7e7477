// A gevent worker's loop alone: IO runs in batches found by a poll, callbacks between them.
import { describe, expect, it } from 'vitest';
import { HubLoop } from '../../src/model/hubLoop.js';

describe("a gevent worker's loop (the hub)", () => {
  it('runs a callback made during a batch after that batch and before the IO the next poll finds', () => {
    // a comes to an idle loop and runs at once. While it runs, b and c become ready and a
    // greenlet is woken (k). After a: the callback first (k), then a poll finds b and c.
    // While b runs, d becomes ready and m is woken: c (same batch) runs before m, and m
    // before d (next poll).
    const loop = new HubLoop('loop');
    const log: string[] = [];
    const run = (name: string, during?: () => void) => () => {
      log.push(name);
      during?.();
    };
    loop.acquire(
      run('a', () => {
        loop.acquire(
          run('b', () => {
            loop.acquire(run('d'), undefined);
            loop.acquireCallback(run('m'), undefined);
          }),
          undefined,
        );
        loop.acquire(run('c'), undefined);
        loop.acquireCallback(run('k'), undefined);
      }),
      undefined,
    );
    expect(loop.queueLength).toBe(3);
    while (loop.used > 0) loop.release();
    expect(log).toEqual(['a', 'k', 'b', 'c', 'm', 'd']);
    expect(loop.queueLength).toBe(0);
  });

  it('takes what the worker asks for while it spawns greenlets as callbacks', () => {
    // The accept holds the loop; the greenlet it spawns (s) asks for the loop while
    // `spawning` is set, so it runs before x, which became ready before it.
    const loop = new HubLoop('loop');
    const log: string[] = [];
    loop.acquire(() => log.push('accept'), undefined);
    loop.acquire(() => log.push('x'), undefined);
    loop.spawning = true;
    loop.acquire(() => log.push('s'), undefined);
    loop.spawning = false;
    while (loop.used > 0) loop.release();
    expect(log).toEqual(['accept', 's', 'x']);
  });

  it('is free again once nothing waits, and takes the next comer at once', () => {
    const loop = new HubLoop('loop');
    expect(loop.tryAcquire()).toBe(true);
    expect(loop.tryAcquire()).toBe(false);
    loop.release();
    expect(loop.available).toBe(1);
    expect(() => loop.release()).toThrow(/release without acquire/);
  });

  it("tells a connect's turn whether another connect's turn ran since the loop last slept", () => {
    // a (a connect's turn) comes to an idle loop: the first since it woke. While it runs, b
    // (a connect's turn) and x (something else) become ready; they follow without a sleep, so
    // b's is back to back. The loop then sleeps; c comes alone, after the sleep, although
    // a connect's turn ran before it: c pays in full. d, queued behind c, does not.
    const loop = new HubLoop('loop');
    const log: string[] = [];
    const turn = (name: string, during?: () => void) => () => {
      log.push(`${name} ${loop.connectTurn() ? 'back to back' : 'after a wake-up'}`);
      during?.();
    };
    loop.acquire(
      turn('a', () => {
        loop.acquire(turn('b'), undefined);
        loop.acquire(() => log.push('x'), undefined);
      }),
      undefined,
    );
    while (loop.used > 0) loop.release();
    loop.acquire(
      turn('c', () => loop.acquire(turn('d'), undefined)),
      undefined,
    );
    while (loop.used > 0) loop.release();
    expect(log).toEqual(['a after a wake-up', 'b back to back', 'x', 'c after a wake-up', 'd back to back']);
  });
});
