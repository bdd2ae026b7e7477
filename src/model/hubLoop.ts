// A gevent worker's loop as gevent's hub runs libev: two kinds of work wait for it.
// - IO that became ready (a socket readable, a timer due): libev collects it at a poll
//   and runs the greenlets it wakes one after another, as a batch;
// - callbacks (hub.loop.run_callback): a greenlet just spawned, or woken by another one
//   through a Semaphore, an Event or a Condition's notify. gevent runs them in libev's prepare
//   watcher, at the start of the next iteration, before it polls again (corecext.pyx,
//   `_run_callbacks`; `_timer0` keeps the poll from blocking meanwhile).
// So a woken greenlet runs after the rest of the batch being run, but before any IO that
// became ready since that batch's poll; among callbacks, in the order they were made.
// With nothing waiting, whatever comes runs at once (the poll returns with it). Holding
// the loop is the GIL's one unit: capacity 1. PgBouncer's libevent loop runs its events
// the same way (event_base_loop(EVLOOP_ONCE), then its per-iteration upkeep: `iterated`).
import { CallQueue } from '../engine/callQueue.js';
import type { Callback } from '../engine/eventQueue.js';
import { Resource } from '../engine/resource.js';

export class HubLoop extends Resource {
  private busy = false;
  /** How many times the loop has gone to sleep (found nothing ready and blocked in its poll). */
  private naps = 0;
  /** `naps` when a connect's turn last ran; -1: never. */
  private connectTurnAt = -1;

  /** Ready IO: the greenlets it wakes. */
  private readonly io = new CallQueue();
  /** Callbacks made by greenlets that ran (run_callback). */
  private readonly callbacks = new CallQueue();
  /** IO calls at the head of `io` that the last poll found: they run before any callback. */
  private batch = 0;

  constructor(
    name: string,
    /** Called when an iteration of the loop ends: its batch and callbacks have run, before the next poll. */
    private readonly iterated: (() => void) | undefined = undefined,
  ) {
    super(1, name);
  }

  override get used(): number {
    return this.busy ? 1 : 0;
  }

  override get queueLength(): number {
    return this.io.length + this.callbacks.length;
  }

  override get available(): number {
    return this.busy ? 0 : 1;
  }

  /**
   * A connect's turn runs now: whether another connect's turn ran since the loop last slept.
   * psycopg2's, libpq's and gevent's code around the proof costs about half as much run
   * back to back as after the loop woke (calibration/warm_turns.sh); what counts is the same
   * code having just run, not the loop's being busy: one connect at a time, every turn
   * follows a sleep, the first too, though the accept woke the loop just before.
   */
  connectTurn(): boolean {
    const backToBack = this.connectTurnAt === this.naps;
    this.connectTurnAt = this.naps;
    return backToBack;
  }

  /**
   * Set while the worker accepts: the greenlets it spawns start as callbacks
   * (Greenlet.start: hub.loop.run_callback(self.switch)), so their first claim on the loop
   * is one.
   */
  spawning = false;

  /** Ready IO wants the loop: it runs now if the loop is free, else at a later poll. */
  override acquire<A, B>(fn: Callback<A, B>, a: A, b?: B): void {
    if (this.takeIfIdle()) fn(a, b as B);
    else (this.spawning ? this.callbacks : this.io).push(fn, a, b as B);
  }

  /** A woken greenlet (run_callback): it runs before the IO that the next poll will find. */
  acquireCallback<A, B>(fn: Callback<A, B>, a: A, b?: B): void {
    if (this.takeIfIdle()) fn(a, b as B);
    else this.callbacks.push(fn, a, b as B);
  }

  override tryAcquire(): boolean {
    return this.takeIfIdle();
  }

  override release(): void {
    if (!this.busy) throw new Error(`${this.name}: release without acquire`);
    let from: CallQueue;
    if (this.batch > 0) {
      this.batch--;
      from = this.io;
    } else if (this.callbacks.length > 0) from = this.callbacks;
    else {
      // The iteration is over; the next poll finds everything ready as its batch.
      if (this.iterated !== undefined) this.iterated();
      if (this.io.length === 0) {
        this.busy = false;
        this.naps++;
        return;
      }
      this.batch = this.io.length - 1;
      from = this.io;
    }
    from.callNext();
  }

  private takeIfIdle(): boolean {
    if (this.busy || this.io.length > 0 || this.callbacks.length > 0) return false;
    this.busy = true;
    this.peakInUse = 1;
    return true;
  }
}
