// An application-side connection pool, as SQLAlchemy's QueuePool works (pool_size,
// max_overflow, pool_timeout): one per worker process, since each process has its own.
// A request checks a connection out: an idle one at once; else the pool opens a new one
// while fewer than pool_size + max_overflow are open; else it waits, and after
// pool_timeout it raises (the response is a 500). Checking in puts the connection back
// into a queue of pool_size places, or closes it when pool_size wait there already (the
// overflow shrinks, and no waiter is woken), and otherwise wakes the oldest waiter
// (util/queue.py: put, not_empty.notify).
// The woken greenlet takes a connection only when its worker's loop gets to it (under
// gevent, as a callback: after the batch of ready IO the loop is running, before the
// next poll's; hubLoop.ts); a request checking out meanwhile takes a queued one first,
// and the woken one, finding none, waits again at the back. Connections stay open across requests:
// the fork and start-up are paid once, not per request. With pool_pre_ping a pooled
// connection is pinged (SELECT 1, a round trip) before the checkout returns it.
import type { OnCore } from '../../engine/cpu/cpu.js';
import type { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { PoolSettings } from '../../scenario/resolve.js';
import type { HttpRequest } from '../request.js';
import type { DbDone, DbServer } from './server.js';
import { type Waiter, WaitQueue, type WakesOnLoop, waitOffLoop, wakeOnLoop } from './waitQueue.js';

export type { PoolSettings } from '../../scenario/resolve.js';

export class ConnectionPool implements WakesOnLoop {
  private readonly waiting: WaitQueue;
  /** Connections open (or opening). */
  open = 0;
  peakOpen = 0;
  /**
   * The idle connections, as their backends, in the order they came back: QueuePool takes
   * the oldest (sqla_queue.Queue without use_lifo: popleft). A backend is one process from
   * query to query, which the kernel wakes on the core it last ran on.
   */
  private readonly idleBackends: (OnCore | undefined)[] = [];

  /** Idle connections, queued for the next checkout. */
  private get idle(): number {
    return this.idleBackends.length;
  }
  /** Its worker process is gone. */
  private dead = false;

  constructor(
    sim: Simulation,
    private readonly settings: PoolSettings,
    private readonly server: DbServer,
    /** Its worker's loop, which a woken waiter needs before it can take a connection (undefined: at once). */
    readonly loop: Resource | undefined = undefined,
  ) {
    const s = settings;
    // SQLAlchemy 1.4's text (pool/impl.py: "timeout %0.2f", then the error's background link).
    this.waiting = new WaitQueue(
      sim,
      s.timeout,
      `sqlalchemy.exc.TimeoutError: QueuePool limit of size ${s.size} overflow ${s.maxOverflow} reached, connection timed out, timeout ${(s.timeout / 1e6).toFixed(2)} (Background on this error at: https://sqlalche.me/e/14/3o7r)`,
    );
  }

  get timeouts(): number {
    return this.waiting.timeouts;
  }

  checkout<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    if (this.idle > 0) this.takeIdle(req, done, a);
    else if (this.open < this.settings.size + this.settings.maxOverflow) {
      this.open++;
      this.opening++;
      if (this.open > this.peakOpen) this.peakOpen = this.open;
      this.server.open(req, clientCpu, opened, new Opening(this, done, a));
    } else if (this.settings.timeout === 0) {
      // pool_timeout=0: Queue.get(True, 0) finds the queue empty and raises Empty at once
      // (its deadline has passed before it waits), and _do_get raises TimeoutError.
      this.waiting.giveUpAtOnce(done, a);
    } else {
      waitOffLoop(req);
      this.waiting.wait(req, done, a);
    }
  }

  checkin(req: HttpRequest): void {
    // QueuePool._do_return_conn puts it back into a queue of pool_size places and closes it
    // only when that is full (sqla_queue.Full): an overflow connection stays open, idle,
    // while fewer than pool_size wait there.
    if (this.idle >= this.settings.size) {
      // put(block=False) raises Full before it notifies anyone: the waiters sleep on, and
      // the overflow it frees goes to the next request that checks out.
      this.open--;
      this.server.close(req);
      return;
    }
    this.idleBackends.push(req.backend);
    const w = this.waiting.take();
    if (w === undefined) return;
    if (this.loop === undefined) this.wokenRuns(w);
    else wakeOnLoop(this, w);
  }

  /**
   * Whether a checkout now returns at once, without IO: an idle connection is queued and
   * no ping goes before it (Queue.get finds one, and an uncontended gevent lock does not
   * switch), or none can be had and pool_timeout 0 raises at once, so the greenlet goes on
   * with its handler (or its exception) without giving its loop up.
   */
  get checkoutAtOnce(): boolean {
    if (this.idle > 0) return this.settings.pingCpu === undefined;
    // With pool_timeout 0 a checkout that can open nothing raises at once, without IO.
    return this.settings.timeout === 0 && this.open >= this.settings.size + this.settings.maxOverflow;
  }

  /** Hands an idle connection to `req` (after a ping, with pool_pre_ping). */
  private takeIdle<A>(req: HttpRequest, done: DbDone<A>, a: A): void {
    req.backend = this.idleBackends.shift();
    const ping = this.settings.pingCpu;
    if (ping !== undefined) this.server.query(req, ping, 0, pinged, new Opening(this, done, a));
    else done(a, undefined);
  }

  /**
   * @internal a woken waiter runs: it takes a queued connection, or waits again (Queue.get's
   * loop). False when it did not go on with its handler (it waits again, or is gone).
   */
  wokenRuns(w: Waiter): boolean {
    if (w.req.killed || this.dead) return false;
    if (this.idle > 0) {
      this.takeIdle(w.req, w.done, w.a);
      // With pool_pre_ping the ping is IO: the greenlet gives the loop up for it.
      return this.settings.pingCpu === undefined;
    }
    return this.waiting.waitAgain(w);
  }

  /** The worker process is gone: every connection of its pool closes with it. */
  closeAll(): void {
    // Connections still being opened close when they are ready (see `opened`).
    for (let i = 0; i < this.open - this.opening; i++) this.server.close();
    this.open = 0;
    this.idleBackends.length = 0;
    this.dead = true;
  }

  private opening = 0;

  /** @internal a connection the pool was opening is ready, or failed. */
  opened(op: Opening, error: string | undefined): void {
    this.opening--;
    if (this.dead) {
      if (error === undefined) this.server.close();
      return;
    }
    if (error !== undefined) this.open--;
    op.done(op.a, error);
  }
}

/** A connection the pool is opening, and whom to give it to. */
class Opening {
  constructor(
    readonly pool: ConnectionPool,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

function pinged(op: Opening, error: string | undefined): void {
  op.done(op.a, error);
}

function opened(op: Opening, error: string | undefined): void {
  op.pool.opened(op, error);
}
