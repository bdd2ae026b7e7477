// asyncpg's connection pool (asyncpg/pool.py, 0.27), one per worker process.
//
// The pool has max_size holders, kept in a LIFO queue (asyncio.LifoQueue): an acquire
// takes the holder released last, so a few connections stay busy and the others go idle.
// A holder has a connection or not; an acquire that gets one without a connection opens
// it then. At start-up (create_pool, in the app's startup event, before uvicorn serves)
// the pool opens min_size connections: the first alone (to learn the working address),
// then the other min_size - 1 at once (asyncio.gather). If one of them fails, create_pool
// raises the first error and closes nothing (Pool._async__init__ has no clean-up); the
// connects already under way go on. The dropped pool's connections close only when the
// cyclic garbage collector frees it (holders and pool refer to each other), which an idle
// worker may not do for long (the kit counted every slot still taken a second after
// start-up): here they stay open until the worker exits.
// An acquire with no holder free waits, first come first served, for at most its
// timeout (none by default): then asyncio.TimeoutError. A release wakes the oldest waiter
// (asyncio.Queue.put_nowait: _wakeup_next sets its future), which takes a holder only when
// its task runs, as a callback of the worker's loop (hubLoop.ts); an acquire that runs
// before it takes the holder first (Queue.get finds the queue not empty), and the woken
// one, finding it empty, waits again at the back. A released connection idle for
// max_inactive_connection_lifetime is closed; its holder opens a new one when next used.
import type { OnCore } from '../../engine/cpu/cpu.js';
import type { Distribution } from '../../engine/distributions.js';
import type { Uniform } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { AsyncpgPoolSettings } from '../../scenario/resolve.js';
import type { Resource } from '../../engine/resource.js';
import { HubLoop } from '../hubLoop.js';
import type { HttpRequest } from '../request.js';
import type { DbDone, DbServer } from './server.js';
import { type Waiter as Waiting, WaitQueue, type WakesOnLoop, waitOffLoop, wakeOnLoop } from './waitQueue.js';

export type { AsyncpgPoolSettings } from '../../scenario/resolve.js';

/** Python 3.11: asyncio.TimeoutError is the builtin TimeoutError (asyncpg's acquire wraps asyncio.wait_for). */
export const ACQUIRE_TIMED_OUT = 'TimeoutError';
/** The kit's app (calibration/app/asgi_app.py) serves with pool = None when create_pool failed. */
export const NO_POOL = "AttributeError: 'NoneType' object has no attribute 'acquire'";

/** What runs the pool's own connects at start-up: a task on its worker's loop, which answers the handshake. */
export interface StartupTasks {
  /** A record that stands for one start-up connect (it answers the handshake as a request would). */
  startupTask(): HttpRequest;
}

class Holder {
  /** It has a connection (open, or being opened: then `opening`). */
  connected = false;
  opening = false;
  /** Bumped to cancel the inactivity timer. */
  idleToken = 0;
  /** Its connection's backend: one process from query to query, whoever holds it. */
  backend: OnCore | undefined = undefined;
  /** Whose connect opened its connection (PostgreSQL names the backend on that record). */
  opener: HttpRequest | undefined = undefined;
  constructor(readonly pool: AsyncpgPool) {}
}

export class AsyncpgPool implements WakesOnLoop {
  /** Free holders; the last released is taken first. */
  private readonly free: Holder[] = [];
  private readonly waiting: WaitQueue;
  /** Connections open or opening. */
  open = 0;
  peakOpen = 0;
  /** create_pool failed: the app serves without a pool. */
  failed = false;
  /** Its worker process is gone. */
  private dead = false;
  inactiveClosed = 0;
  /** Acquires that found no holder free and waited. */
  waited = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly settings: AsyncpgPoolSettings,
    private readonly server: DbServer,
    private readonly random: Uniform,
    /** Where every pool counts its connects that failed at start-up. */
    private readonly tally: { startupRefusals: number },
    /** Its worker's loop, on which a woken acquire runs (undefined, or not an event loop: the holder is handed over at once). */
    readonly loop: Resource | undefined = undefined,
  ) {
    for (let i = 0; i < settings.maxSize; i++) this.free.push(new Holder(this));
    this.waiting = new WaitQueue(sim, settings.timeout, ACQUIRE_TIMED_OUT);
  }

  get timeouts(): number {
    return this.waiting.timeouts;
  }

  /** asyncpg's client CPU for one connect (its share of authentication). */
  private connectCpu(): Time {
    const d: Distribution | undefined = this.settings.connectCpu;
    if (d === undefined) return 0;
    const v = d.sample(this.random);
    return v > 0 ? Math.round(v) : 0;
  }

  /**
   * create_pool: opens min_size connections on `tasks`' loop; `done(a, error)` when they are
   * open, or at the first that fails.
   */
  start<A>(tasks: StartupTasks, done: DbDone<A>, a: A): void {
    const n = this.settings.minSize;
    if (n === 0) {
      done(a, undefined);
      return;
    }
    // The LIFO queue hands out the holders connected first: they are the top of `free`.
    const holders = this.free.slice(this.free.length - n).reverse();
    const init = new Startup(this, holders, done, a, tasks);
    this.connectAtStart(init, holders[0]);
  }

  /** @internal one start-up connect. */
  connectAtStart(init: Startup, h: Holder): void {
    init.pending++;
    h.connected = true;
    h.opening = true;
    this.opened();
    h.opener = init.tasks.startupTask();
    this.server.open(h.opener, this.connectCpu(), startupConnected, new Opening(h, init));
  }

  /** @internal a start-up connect ended. */
  startupConnectDone(op: Opening, error: string | undefined): void {
    const init = op.init!;
    op.holder.opening = false;
    op.holder.backend = op.holder.opener?.backend;
    if (error !== undefined) {
      this.tally.startupRefusals++;
      op.holder.connected = false;
      this.open--;
    } else if (this.dead) {
      // The worker is gone: its connection closes with it.
      this.closeHolder(op.holder);
    }
    init.pending--;
    // A dead worker's start-up goes no further (its connects under way close as they end).
    if (init.finished || this.dead) return;
    if (error !== undefined) {
      init.finish(error);
      return;
    }
    if (!init.restStarted) {
      init.restStarted = true;
      for (let i = 1; i < init.holders.length; i++) this.connectAtStart(init, init.holders[i]);
      if (init.pending === 0) init.finish(undefined);
      return;
    }
    if (init.pending === 0) init.finish(undefined);
  }

  /** create_pool raised: the app has no pool; the dropped one's connections stay open. */
  fail(): void {
    this.failed = true;
  }

  private opened(): void {
    if (++this.open > this.peakOpen) this.peakOpen = this.open;
  }

  private closeHolder(h: Holder): void {
    h.connected = false;
    h.idleToken++;
    this.open--;
    this.server.close();
  }

  /**
   * Whether an acquire now returns without suspending: the holder on top of the queue has
   * its connection (Pool._acquire's LifoQueue.get finds one, and PoolConnectionHolder.acquire
   * awaits nothing unless it must connect), so the task goes on to its query in the same
   * turn of the loop.
   */
  get checkoutAtOnce(): boolean {
    const h = this.free[this.free.length - 1];
    return !this.failed && h !== undefined && h.connected && !h.opening;
  }

  /** pool.acquire(): done(a) with a connection, or done(a, error). */
  checkout<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    if (this.failed) {
      done(a, NO_POOL);
      return;
    }
    const h = this.free.pop();
    if (h === undefined) {
      this.waited++;
      waitOffLoop(req);
      this.waiting.wait(req, waiterGranted, new Waiter(this, req, clientCpu, done, a));
      return;
    }
    this.use(h, req, clientCpu, done, a);
  }

  /** Hands holder `h` to `req`: its connection, or a new one. */
  private use<A>(h: Holder, req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    h.idleToken++;
    this.busy.push(h);
    if (h.connected) {
      req.backend = h.backend;
      done(a, undefined);
      return;
    }
    h.connected = true;
    h.opening = true;
    h.opener = req;
    this.opened();
    this.server.open(req, clientCpu, acquireConnected, new Opening(h, undefined, done, a));
  }

  /** Holders in use. */
  private readonly busy: Holder[] = [];

  /** @internal a connect for an acquire ended. */
  acquireConnectDone(op: Opening, error: string | undefined): void {
    op.holder.opening = false;
    op.holder.backend = op.holder.opener?.backend;
    if (this.dead) {
      if (error === undefined) this.server.close();
      return;
    }
    if (error !== undefined) {
      // The holder goes back without a connection, and the acquire raises.
      op.holder.connected = false;
      this.open--;
      this.busy.splice(this.busy.indexOf(op.holder), 1);
      this.release(op.holder);
    }
    op.done!(op.a, error);
  }

  /** The handler is done with its connection. */
  checkin(req: HttpRequest): void {
    // The holder of `req`'s connection, found by its backend; else (behind PgBouncer, which
    // puts its own server connection's backend on the request) any holder in use with a
    // ready connection (one still being opened belongs to an acquire under way).
    const busy = this.busy;
    let i = busy.length - 1;
    while (i >= 0 && (busy[i].opening || (req.backend !== undefined && busy[i].backend !== req.backend))) i--;
    if (i < 0) for (i = busy.length - 1; busy[i].opening; i--);
    const h = busy[i];
    busy[i] = busy[busy.length - 1];
    busy.pop();
    this.release(h);
  }

  private release(h: Holder): void {
    if (this.waiting.length > 0 && this.loop instanceof HubLoop) {
      this.makeFree(h);
      const w = this.waiting.take();
      if (w !== undefined) wakeOnLoop(this, w);
      return;
    }
    if (this.waiting.length > 0) {
      // The oldest waiter gets the holder (a connect first, if it has no connection).
      this.pendingHolder = h;
      if (this.waiting.grant()) return;
      this.pendingHolder = undefined;
    }
    this.makeFree(h);
  }

  /** `h` goes back to the LIFO queue, its inactivity timer armed. */
  private makeFree(h: Holder): void {
    this.free.push(h);
    const life = this.settings.maxInactiveConnectionLifetime;
    if (h.connected && life > 0) this.sim.schedule(life, inactive, h, h.idleToken);
  }

  /**
   * @internal a woken acquire's task runs: it takes the holder on top of the queue, or waits
   * again (Queue.get's loop). False when it did not go on with its handler.
   */
  wokenRuns(w: Waiting): boolean {
    const waiter = w.a as Waiter;
    if (w.req.killed || this.dead) return false;
    const h = this.free.pop();
    if (h === undefined) return this.waiting.waitAgain(w);
    this.use(h, waiter.req, waiter.clientCpu, waiter.done, waiter.a);
    // A holder without a connection opens one: IO, for which the task gives the loop up.
    return h.connected && !h.opening;
  }

  /** The holder a grant hands over (WaitQueue calls the waiter's continuation, which takes it here). */
  private pendingHolder: Holder | undefined = undefined;

  /** @internal a waiter was granted a holder: it is `pendingHolder`. */
  granted<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    const h = this.pendingHolder!;
    this.pendingHolder = undefined;
    this.use(h, req, clientCpu, done, a);
  }

  /** @internal the inactivity timer of an idle connection ran out. */
  expire(h: Holder, token: number): void {
    if (token !== h.idleToken || !h.connected || this.dead) return;
    this.inactiveClosed++;
    this.closeHolder(h);
  }

  /** The worker process is gone: its connections close with it. */
  closeAll(): void {
    // Connections still being opened close when they are ready (acquireConnectDone, startupConnectDone).
    for (const h of this.free) if (h.connected && !h.opening) this.closeHolder(h);
    for (const h of this.busy) if (h.connected && !h.opening) this.closeHolder(h);
    this.dead = true;
  }
}

/** create_pool's start-up: the connects under way, and whom to tell. */
class Startup {
  pending = 0;
  restStarted = false;
  finished = false;
  constructor(
    readonly pool: AsyncpgPool,
    readonly holders: Holder[],
    readonly done: DbDone<any>,
    readonly a: unknown,
    readonly tasks: StartupTasks,
  ) {}

  finish(error: string | undefined): void {
    this.finished = true;
    if (error !== undefined) this.pool.fail();
    this.done(this.a, error);
  }
}

class Opening {
  constructor(
    readonly holder: Holder,
    readonly init: Startup | undefined,
    readonly done?: DbDone<any>,
    readonly a?: unknown,
  ) {}
}

/** An acquire waiting for a holder. */
class Waiter {
  constructor(
    readonly pool: AsyncpgPool,
    readonly req: HttpRequest,
    readonly clientCpu: Time,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

function waiterGranted(w: Waiter, error: string | undefined): void {
  if (error !== undefined) w.done(w.a, error);
  else w.pool.granted(w.req, w.clientCpu, w.done, w.a);
}

function startupConnected(op: Opening, error: string | undefined): void {
  op.holder.pool.startupConnectDone(op, error);
}

function acquireConnected(op: Opening, error: string | undefined): void {
  op.holder.pool.acquireConnectDone(op, error);
}

function inactive(h: Holder, token: number): void {
  h.pool.expire(h, token);
}
