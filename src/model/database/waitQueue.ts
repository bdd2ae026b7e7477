// Requests waiting for a connection, first come first served, each giving up after
// `timeout` (a pool's pool_timeout, PgBouncer's query_wait_timeout). A timer event per
// waiter carries the waiter's request, so a grant needs no cancellation.
import { Fifo } from '../../engine/fifo.js';
import type { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import { HubLoop } from '../hubLoop.js';
import type { HttpRequest } from '../request.js';
import type { DbDone } from './server.js';

/** A waiting request and its continuation: done(a, error). */
export interface Waiter {
  req: HttpRequest;
  done: DbDone<any>;
  a: unknown;
  /** When it gives up. */
  deadline: Time;
}

export class WaitQueue {
  private readonly queue = new Fifo<HttpRequest>();
  private readonly waiters = new Map<HttpRequest, Waiter>();
  timeouts = 0;

  constructor(
    private readonly sim: Simulation,
    /** 0 = wait for ever. */
    private readonly timeout: Time,
    /** What the client library raises when the wait times out. */
    private readonly timeoutError: string,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  /** `req` waits; done(a, undefined) when granted, done(a, timeoutError) when it gave up. */
  wait<A>(req: HttpRequest, done: DbDone<A>, a: A): void {
    this.queue.push(req);
    this.waiters.set(req, { req, done, a, deadline: this.sim.now + this.timeout });
    if (this.timeout > 0) this.sim.schedule(this.timeout, giveUp, this, req);
  }

  /** A request that would wait with a timeout of 0 (SQLAlchemy's pool_timeout=0): it gives up at once, counted as timed out. */
  giveUpAtOnce<A>(done: DbDone<A>, a: A): void {
    this.timeouts++;
    done(a, this.timeoutError);
  }

  /** Takes the oldest waiter still alive out of the queue without answering it (undefined: none waits). */
  take(): Waiter | undefined {
    for (;;) {
      const req = this.queue.shift();
      if (req === undefined) return undefined;
      const w = this.waiters.get(req)!;
      this.waiters.delete(req);
      if (!req.killed) return w;
    }
  }

  /**
   * A waiter taken out and not served waits again, at the back; or gives up now if its time
   * ran out meanwhile (true: it was answered, with the timeout's error). Otherwise the timer
   * its first wait set still stands for it.
   */
  waitAgain(w: Waiter): boolean {
    if (this.timeout > 0 && w.deadline <= this.sim.now) {
      this.timeouts++;
      w.done(w.a, this.timeoutError);
      return true;
    }
    this.queue.push(w.req);
    this.waiters.set(w.req, w);
    return false;
  }

  /** Grants the oldest waiter still alive (done(a, undefined)); false when none waits. */
  grant(): boolean {
    return this.answerOldest(undefined);
  }

  /** The oldest waiter's request (undefined: none waits). */
  oldest(): HttpRequest | undefined {
    return this.queue.peek();
  }

  /** The oldest waiter still alive gets `error` instead of a grant (done(a, error)); false when none waits. */
  fail(error: string): boolean {
    return this.answerOldest(error);
  }

  /** Takes the oldest waiter whose request is still alive and answers it; false when none waits. */
  private answerOldest(error: string | undefined): boolean {
    const w = this.take();
    if (w === undefined) return false;
    w.done(w.a, error);
    return true;
  }

  /** @internal */
  expire(req: HttpRequest): void {
    const w = this.waiters.get(req);
    if (w === undefined || !this.queue.remove(req)) return;
    this.waiters.delete(req);
    this.timeouts++;
    if (!req.killed) w.done(w.a, this.timeoutError);
  }
}

function giveUp(q: WaitQueue, req: HttpRequest): void {
  q.expire(req);
}

/** A pool whose waiters, once woken, take what is free when their worker's loop runs them. */
export interface WakesOnLoop {
  readonly loop: Resource | undefined;
  /** The woken waiter runs: false when it did not go on with its handler (it waits again, or is gone). */
  wokenRuns(w: Waiter): boolean;
}

/**
 * Wakes `w`, taken out of its queue: it runs when its worker's loop gets to it, as a
 * callback under an event loop (hubLoop.ts), else in turn.
 */
export function wakeOnLoop(pool: WakesOnLoop, w: Waiter): void {
  const loop = pool.loop!;
  if (loop instanceof HubLoop) loop.acquireCallback(wokenGotLoop, new Woken(pool, w));
  else loop.acquire(wokenGotLoop, new Woken(pool, w));
}

/**
 * An acquire that finds nothing free gives its worker's loop up while it waits, even when
 * its connect is blocking IO that holds the loop (psycopg2 without psycogreen): the wait
 * itself is a get from a cooperative queue (asyncpg's asyncio.LifoQueue; SQLAlchemy's
 * Condition, patched by gevent), so the request holding the connection can run on to
 * return it. Woken, the waiter takes the loop again (wakeOnLoop) and goes on holding it.
 */
export function waitOffLoop(req: HttpRequest): void {
  if (!req.hasLoop) return;
  req.hasLoop = false;
  req.host!.loop.release();
}

/** A waiter woken, on its way to its worker's loop. */
class Woken {
  constructor(
    readonly pool: WakesOnLoop,
    readonly waiter: Waiter,
  ) {}
}

function wokenGotLoop(w: Woken): void {
  // The woken greenlet (or task) runs on the loop: it takes what it waited for and goes
  // on with its handler (the first IO gives the loop up), or finds none and waits again.
  const req = w.waiter.req;
  req.hasLoop = true;
  if (!w.pool.wokenRuns(w.waiter)) {
    req.hasLoop = false;
    w.pool.loop!.release();
  }
}
