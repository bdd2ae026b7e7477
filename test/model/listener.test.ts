import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';
import { Listener } from '../../src/model/listener.js';
import { Connection, type ClientSide } from '../../src/model/request.js';
import { Timeline } from '../../src/stats/timeline.js';
import { run } from '../helpers.js';

describe('the listen backlog', () => {
  // 1 sync worker, 100 ms per request, backlog 2, ten clients at once (Linux client).
  // t=0: one connection goes straight to the idle worker, two wait in the queue, seven
  // SYNs are dropped and retried at 1 s; then one straight in, two queued, four dropped
  // and retried at 3 s (1 + 2); then one in, two queued, one retried at 7 s (3 + 4).
  // Latencies: 0.1 0.2 0.3 | 1.1 1.2 1.3 | 3.1 3.2 3.3 | 7.1, and no error.
  const overflow = () =>
    run({
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'sync', backlog: 2 },
    });

  it('drops SYNs beyond its capacity: latencies step by 1 s, 3 s, 7 s, with no error', () => {
    const { summary, result } = overflow();
    expect(summary.summary.errors).toBe(0);
    expect(result.listener.synDrops).toBe(7 + 4 + 1);
    expect(summary.summary.fastest).toBeCloseTo(0.1, 6);
    expect(summary.summary.slowest).toBeCloseTo(7.1, 6);
    expect(summary.latency.p50).toBeCloseTo(1.3, 4); // hey's p50 of 10 is the 6th value (to hey's 0.1 ms)
    expect(summary.latency.p75).toBeCloseTo(3.3, 4); // the 9th
    expect(summary.breakdown.connect).toBeCloseTo((3 * 1 + 3 * 3 + 7) / 10, 6);
  });

  it('is capped by somaxconn', () => {
    const { result } = run({ machine: { somaxconn: 128 }, server: { backlog: 2048 } });
    expect(result.listener.capacity).toBe(128);
  });

  it('retries on BSD/macOS after 1, 2, 3, 4, 5 s', () => {
    const { summary } = run({
      machine: { os: 'darwin' },
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'sync', backlog: 2 },
    });
    // Same pattern as above, retries at 1, 2 and 3 s instead of 1, 3 and 7 s.
    expect(summary.summary.slowest).toBeCloseTo(3.1, 6);
  });

  it('gives up with "connection timed out" when the retries run out (Linux: 127 s)', () => {
    // One sync worker stuck 200 s on its first request, backlog 1: the third client's
    // SYNs are dropped at 0, 1, 3, 7, 15, 31 and 63 s; it gives up at 127 s.
    const { summary } = run({
      app: { steps: [{ kind: 'sleep', time: 200 }] },
      client: { requests: 3, concurrency: 3, timeout: 0 },
      server: { workerClass: 'sync', backlog: 1, timeout: 0 },
    });
    expect(summary.errors).toEqual({ 'Get "http://127.0.0.1:8000": dial tcp 127.0.0.1:8000: connect: connection timed out': 1 });
    expect(summary.summary.responses).toBe(2);
  });
});

describe('the workers that race for a queued connection', () => {
  // Three acceptors that take connections when their loop gets to them (gevent's), all
  // ready: a SYN wakes every one (epoll without EPOLLEXCLUSIVE wakes every waiter), in the
  // order the policy gives; with equal loads the first told takes it.
  const woken = (policy: 'random' | 'first', draws: number[]) => {
    const sim = new Simulation();
    const order: number[] = [];
    let d = 0;
    const listener = new Listener(sim, 10, [1e6], policy, () => draws[d++ % draws.length], new Timeline().gauge('backlog'));
    for (const index of [0, 1, 2])
      listener.acceptorReady({
        index,
        listening: false,
        takesNow: false,
        accept: () => {},
        fullAfterOne: () => false,
        readable: () => order.push(index),
        idleWake: (empty: boolean) => empty,
      });
    const client = { connected: () => {} } as unknown as ClientSide;
    listener.syn(new Connection(1, client));
    return order;
  };

  it('wakes them in an order drawn from the seeded stream (random, the default): the scheduler decides who runs first', () => {
    // The SYN's choice of an acceptor draws first (unused: these take nothing at once), then
    // Fisher-Yates from the end: i = 2 draws 0.9 (j = 2, stays), i = 1 draws 0.1 (j = 0,
    // swaps 0 and 1); or i = 2 draws 0.1 (j = 0, swaps 0 and 2), i = 1 draws 0.9 (stays).
    expect(woken('random', [0.5, 0.9, 0.1])).toEqual([1, 0, 2]);
    expect(woken('random', [0.5, 0.1, 0.9])).toEqual([2, 1, 0]);
  });

  it('wakes them in index order with the first policy', () => {
    expect(woken('first', [0.1, 0.9])).toEqual([0, 1, 2]);
  });
});

describe('the acceptors a queued connection wakes, once it is taken', () => {
  // Six acceptors that take connections when their loop gets to them. 1-4 are asleep in
  // their poll: told the socket is readable, one takes the connection at once, and for the
  // others the wake would change nothing once it is gone (idleWake). 0 and 5 are busy: told,
  // they queue an accept turn on their loop, which matters even with the queue empty.
  const herd = (policy: 'random' | 'first') => {
    const sim = new Simulation();
    const told: number[] = [];
    let draws = 0;
    const pick = () => {
      draws++;
      return 0.5;
    };
    const listener = new Listener(sim, 10, [1e6], policy, pick, new Timeline().gauge('backlog'));
    const busy = (index: number) => index === 0 || index === 5;
    for (const index of [0, 1, 2, 3, 4, 5])
      listener.acceptorReady({
        index,
        listening: false,
        takesNow: false,
        accept: () => {},
        fullAfterOne: () => false,
        readable: () => {
          told.push(index);
          if (!busy(index)) listener.take();
        },
        idleWake: (empty: boolean) => empty && !busy(index),
      });
    const client = { connected: () => {} } as unknown as ClientSide;
    listener.syn(new Connection(1, client));
    return { told, draws, queued: listener.queued };
  };

  it('tells the first asleep one, which takes it, and the busy ones; not the other sleepers', () => {
    expect(herd('first')).toEqual({ told: [0, 1, 5], draws: 0, queued: 0 });
  });

  it('draws the whole order with the random policy, as when every one was told (the seeded stream stays the same)', () => {
    // One draw to choose an acceptor for the SYN, then five for the shuffle of six, each
    // 0.5: i = 5 swaps positions 5 and 3, i = 4 swaps 4 and 2, i = 3 swaps 3 and 2, i = 2
    // swaps 2 and 1, i = 1 stays: the order 0 5 1 4 2 3, of which 4, 2 and 3 are not told.
    const { told, draws, queued } = herd('random');
    expect(draws).toBe(1 + 5);
    expect(told).toEqual([0, 5, 1]);
    expect(queued).toBe(0);
  });
});

describe('round-robin among the acceptors that take connections at once', () => {
  // Acceptors 0, 2, 5 and 7 are ready (sync workers, which take a connection the moment it
  // arrives); 2 falls busy after the third SYN. Each SYN goes to the ready acceptor with the
  // smallest index after the last one chosen, wrapping round to the smallest.
  it('goes 0, 2, 5, then past the busy 2: 7, 0, 5, 7, 0', () => {
    const sim = new Simulation();
    const listener = new Listener(sim, 10, [1e6], 'round-robin', () => 0.5, new Timeline().gauge('backlog'));
    const took: number[] = [];
    const acceptors = [7, 2, 5, 0].map((index) => ({
      index,
      listening: false,
      takesNow: true,
      accept: () => took.push(index),
      fullAfterOne: () => false,
      readable: () => {},
      idleWake: () => true,
    }));
    for (const a of acceptors) listener.acceptorReady(a);
    const client = { connected: () => {} } as unknown as ClientSide;
    for (let id = 1; id <= 8; id++) {
      if (id === 4) listener.acceptorBusy(acceptors[1]);
      listener.syn(new Connection(id, client));
    }
    expect(took).toEqual([0, 2, 5, 7, 0, 5, 7, 0]);
  });
});
