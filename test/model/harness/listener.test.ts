// The listener alone: a kernel accept queue, SYN drops and retransmissions, one acceptor
// driven by hand.
import { describe, expect, it } from 'vitest';
import { Listener, type Acceptor } from '../../../src/model/listener.js';
import { Connection } from '../../../src/model/request.js';
import { gauge, harness, loggingClient, noDraws, type Harness } from './harness.js';

/** A worker with `slots` connections at most, which logs what it accepts and says when it is full. */
function acceptor(h: Harness, listener: () => Listener, slots: number): Acceptor & { done(): void } {
  let held = 0;
  const a = {
    index: 0,
    listening: false,
    takesNow: true,
    accept(conn: Connection) {
      h.note(`accept ${conn.id}`);
      if (++held === slots) listener().acceptorBusy(a);
    },
    fullAfterOne: () => held + 1 >= slots,
    readable() {},
    idleWake: () => true,
    /** One of its connections closed: it has room again. */
    done() {
      held--;
      listener().acceptorReady(a);
    },
  };
  return a;
}

describe('the listener, alone', () => {
  /** Capacity 1; a dropped SYN is resent 1 s later, then the client waits 2 s more and gives up. */
  function setup() {
    const h = harness();
    const listener = new Listener(h.sim, 1, [1_000_000, 2_000_000], 'first', noDraws, gauge());
    const client = loggingClient(h);
    const conns = [1, 2, 3].map((id) => new Connection(id, client));
    return { h, listener, conns };
  }

  it('queues up to its capacity, drops the SYNs beyond, and takes them back when they are resent', () => {
    const { h, listener, conns } = setup();
    const worker = acceptor(h, () => listener, 1);
    // Three SYNs at t = 0 with no worker ready: 1 waits in the queue, 2 and 3 are dropped.
    h.at(0, () => {
      for (const c of conns) listener.syn(c);
    });
    // A worker with one slot gets to the queue at 0.5 s and takes 1; it is then full.
    h.at(500_000, () => listener.acceptorReady(worker));
    // At 1 s both resend: 2 finds the queue empty and waits there; 3 finds it full again,
    // and that was its last retransmission: it gives up 2 s later. The worker frees its
    // slot at 1.5 s and takes 2.
    h.at(1_500_000, () => worker.done());
    expect(h.run()).toEqual([
      '0 connected 1',
      '500000 accept 1',
      '1000000 connected 2',
      '1500000 accept 2',
      '3000000 failed 3 connect: connection timed out',
    ]);
    expect(listener.synDrops).toBe(3);
    expect(listener.peakQueue).toBe(1);
  });

  it('hands a SYN straight to a ready worker, without queueing it', () => {
    const { h, listener, conns } = setup();
    const worker = acceptor(h, () => listener, 2);
    h.at(0, () => listener.acceptorReady(worker));
    h.at(10, () => listener.syn(conns[0]));
    h.at(20, () => listener.syn(conns[1]));
    h.at(30, () => listener.syn(conns[2]));
    // The worker is full after two; the third waits in the queue.
    expect(h.run()).toEqual(['10 connected 1', '10 accept 1', '20 connected 2', '20 accept 2', '30 connected 3']);
    expect(listener.queued).toBe(1);
  });

  it('drops a queued connection whose client gave up, when a worker would take it', () => {
    const { h, listener, conns } = setup();
    const worker = acceptor(h, () => listener, 1);
    h.at(0, () => listener.syn(conns[0]));
    h.at(100, () => (conns[0].open = false)); // the client's timeout
    h.at(200, () => listener.acceptorReady(worker));
    expect(h.run()).toEqual(['0 connected 1']);
    expect(listener.queued).toBe(0);
  });
});
