// The listening socket shared by all worker processes: the kernel's accept queue.
//
// It holds at most min(backlog, somaxconn) established connections that no worker has
// accepted yet. A SYN that finds it full is dropped (tcp_abort_on_overflow = 0), and the
// client retransmits after 1 s, then 2 s later, 4 s later... (tcp_syn_retries = 6, about
// 127 s in all before "connection timed out"). So an overflowing backlog shows up as
// latency steps of 1 s, 3 s, 7 s, not as errors (MODEL.md section 2).
//
// Workers that can take a connection wait here as acceptors. Which one wins a new
// connection is an explicit, seeded policy: real workers race on the same socket.
import { Fifo } from '../engine/fifo.js';
import type { Lane } from '../engine/lane.js';
import type { Uniform } from '../engine/random.js';
import { SideSteps } from '../engine/sideSteps.js';
import type { Simulation } from '../engine/simulation.js';
import type { Time } from '../engine/time.js';
import type { AcceptPolicy } from '../scenario/resolve.js';
import type { Gauge } from '../stats/timeline.js';
import type { Connection } from './request.js';
import type { CoreWaiters } from './server/coreAccept.js';

export interface Acceptor {
  readonly index: number;
  /** Owned by the listener: the acceptor is in its ready list (a flag, not a search of the list,
   * because a saturated server goes in and out of it once per request). */
  listening: boolean;
  /** Takes the connection (the listener calls this only while the acceptor is ready, or when
   * that one connection fills it: `fullAfterOne`). */
  accept(conn: Connection): void;
  /** Whether one more connection leaves it without room, so that accepting it makes it busy again. */
  fullAfterOne(): boolean;
  /** Whether it would take a connection the moment it arrives; if not, it is told `readable` and takes them itself.
   * A field, not a method: it is fixed per acceptor and read on every SYN. */
  readonly takesNow: boolean;
  /** Connections are waiting in the queue: it takes them (`take`) when it gets to it. */
  readable(): void;
  /**
   * Whether `readable`, called now, would change nothing: it is woken already, or (`empty`:
   * the queue is empty) it would wake, find nothing to accept and sleep again. The listener
   * then does not call it: a SYN wakes every ready acceptor, thousands of them with as many
   * workers, and all but a few of those wakes find the connection gone or the worker
   * awake already.
   */
  idleWake(empty: boolean): boolean;
}

export type { AcceptPolicy };

export class Listener {
  private readonly queue = new Fifo<Connection>();
  private readonly ready: Acceptor[] = [];
  private nextRoundRobin = 0;
  /** SYNs dropped because the queue was full. */
  synDrops = 0;
  /** uvicorn's: the workers the kernel woke that wait for a core (coreAccept.ts); unused by the others. */
  coreWaiters: CoreWaiters | undefined = undefined;
  peakQueue = 0;

  /** The clients' SYN timers, by retransmission: the wait before each next SYN (Lane). */
  private readonly synTimers: Lane[];

  constructor(
    private readonly sim: Simulation,
    readonly capacity: number,
    /** When the client resends a dropped SYN (µs after the previous one; the last: it gives up). */
    synRetransmits: readonly Time[],
    private readonly policy: AcceptPolicy,
    private readonly pick: Uniform,
    /** Connections waiting in the accept queue, over time. */
    private readonly backlogGauge: Gauge,
    /**
     * The acceptors told of each queued connection, which no event counts (a fleet's instance
     * may have thousands ready): every listener's of the run together, bounded by the run.
     */
    private readonly wakes: SideSteps = new SideSteps(sim),
  ) {
    this.synTimers = synRetransmits.map((t) => sim.lane(t));
    this.takesFirst = policy === 'first';
  }

  /** The policy is 'first': decided once, not by comparing strings on every SYN. */
  private readonly takesFirst: boolean;

  get queued(): number {
    return this.queue.length;
  }

  /** Nothing listens any more (gunicorn halted): a SYN gets a reset. */
  closed = false;

  /** The listening socket closes: connections waiting in its queue are reset, new SYNs refused. */
  close(): void {
    this.closed = true;
    for (;;) {
      const conn = this.take();
      if (conn === undefined) break;
      conn.open = false;
      conn.client.serverClosed(conn);
    }
  }

  /** A client's SYN arrives. */
  syn(conn: Connection): void {
    if (this.closed) {
      conn.client.connectFailed(conn, 'connect: connection refused');
      return;
    }
    conn.synCount++;
    let wake = false;
    if (this.ready.length > 0) {
      const a = this.choose();
      if (a.takesNow) {
        conn.client.connected(conn);
        if (conn.open) a.accept(conn);
        return;
      }
      // Its acceptor is busy: the connection waits in the queue, and every ready
      // acceptor is woken; the first to get to it takes it.
      wake = true;
    }
    if (this.queue.length >= this.capacity) {
      this.synDrops++;
      // After the last retransmission the client waits once more, then gives up.
      const last = conn.synCount === this.synTimers.length;
      this.synTimers[conn.synCount - 1].schedule(last ? connectTimedOut : resendSyn, this, conn);
      return;
    }
    this.queue.push(conn);
    this.backlogGauge.add(1, this.sim.now);
    if (this.queue.length > this.peakQueue) this.peakQueue = this.queue.length;
    conn.client.connected(conn);
    if (wake) this.wakeAll();
  }

  /**
   * Every ready acceptor is told the socket is readable. They race for the connection;
   * with equal loads a tie goes to whichever is told first, so the policy orders them as it
   * orders the acceptors that take connections at once: the kernel wakes every waiter on
   * the socket (epoll without EPOLLEXCLUSIVE) and the scheduler decides who runs first.
   * An acceptor whose wake would change nothing (Acceptor.idleWake: woken already, or asleep
   * once the queue is empty) is not told: the same run, with fewer calls per connection.
   */
  wakeAll(): void {
    const order = this.ready.slice();
    // The order and the look at each acceptor cost a step per ready acceptor, whoever is told.
    this.wakes.take(order.length);
    if (this.policy === 'random')
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(this.pick() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    const queue = this.queue;
    for (const a of order) if (!a.idleWake(queue.length === 0)) a.readable();
  }

  /** An acceptor takes the oldest connection waiting (one whose client gave up is dropped). */
  take(): Connection | undefined {
    while (this.queue.length > 0) {
      const conn = this.queue.shift()!;
      this.backlogGauge.add(-1, this.sim.now);
      if (conn.open) return conn;
    }
    return undefined;
  }

  /**
   * An acceptor can take connections: it is registered as ready, then takes queued ones
   * until the queue is empty or it calls acceptorBusy (its slots are full). Registering
   * first matters: an acceptor handed one queued connection that still has room stays
   * ready, for the rest of the queue and for the next SYN.
   */
  acceptorReady(a: Acceptor): void {
    if (!a.listening) {
      // Room for one, and connections waiting (a saturated server, each time a slot frees):
      // it takes the first open one and is busy again. Registered, it would be taken out of
      // the ready list within this call, before anything else could see it there.
      while (this.queue.length > 0 && a.takesNow && a.fullAfterOne()) {
        const conn = this.queue.shift()!;
        this.backlogGauge.add(-1, this.sim.now);
        if (!conn.open) continue;
        a.accept(conn);
        return;
      }
      // Kept sorted by index, so a policy's choice never depends on the order workers freed up.
      const ready = this.ready;
      const at = firstAtOrAfter(ready, a.index + 1);
      let i = ready.length;
      ready.push(a);
      for (; i > at; i--) ready[i] = ready[i - 1];
      ready[i] = a;
      a.listening = true;
    }
    while (this.queue.length > 0 && a.listening) {
      if (!a.takesNow) {
        a.readable();
        return;
      }
      const conn = this.queue.shift()!;
      this.backlogGauge.add(-1, this.sim.now);
      if (!conn.open) continue; // the client gave up; the worker would read EOF at once
      a.accept(conn);
    }
  }

  /** An acceptor cannot take more connections (its slots are full). */
  acceptorBusy(a: Acceptor): void {
    if (!a.listening) return;
    a.listening = false;
    const ready = this.ready;
    // A saturated server comes here once per request: found by its index (the list is
    // sorted by it), as a fleet's instance may list thousands of workers.
    let i = firstAtOrAfter(ready, a.index);
    while (ready[i] !== a) i++;
    for (; i < ready.length - 1; i++) ready[i] = ready[i + 1];
    ready.pop();
  }

  private choose(): Acceptor {
    const ready = this.ready;
    return ready.length === 1 || this.takesFirst ? ready[0] : this.chooseByPolicy();
  }

  /** Among several ready acceptors (kept apart from `choose`, which is then small enough for V8 to inline into `syn`). */
  private chooseByPolicy(): Acceptor {
    const ready = this.ready;
    switch (this.policy) {
      case 'first':
        return ready[0];
      case 'round-robin': {
        // The ready acceptor with the smallest index at or after the cursor, cyclically.
        const i = firstAtOrAfter(ready, this.nextRoundRobin);
        const best = i < ready.length ? ready[i] : ready[0];
        this.nextRoundRobin = best.index + 1;
        return best;
      }
      case 'random':
        return ready[Math.floor(this.pick() * ready.length)];
    }
  }
}

function resendSyn(listener: Listener, conn: Connection): void {
  if (conn.open) listener.syn(conn);
}

function connectTimedOut(_: Listener, conn: Connection): void {
  if (conn.open) conn.client.connectFailed(conn, 'connect: connection timed out');
}

/** The position of the first acceptor whose index is `index` or more in a list sorted by index (its length if none). */
function firstAtOrAfter(ready: readonly Acceptor[], index: number): number {
  let lo = 0;
  let hi = ready.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ready[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
