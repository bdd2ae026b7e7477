// A resource with `capacity` identical units and a FIFO queue of waiters: the shape of
// every limited thing in the model (a worker's greenlet pool, CPU cores, the GIL, the
// postmaster). As in SimPy, all kinds share this base.
//
// Grants are synchronous: `acquire` calls back at once when a unit is free, and
// `release` hands the unit straight to the oldest waiter within the releaser's event.
// That keeps a unit from ever sitting idle while someone waits, and costs no extra event.
// Waiters are deferred calls in a CallQueue (a ring of (callback, a, b)), so waiting
// allocates nothing.
import { CallQueue } from './callQueue.js';
import type { Callback } from './eventQueue.js';

export class Resource {
  private inUse = 0;
  private readonly waiters = new CallQueue();
  /** Highest number of units ever in use at once. */
  peakInUse = 0;

  constructor(
    readonly capacity: number,
    readonly name = 'resource',
  ) {
    if (!(capacity >= 1)) throw new RangeError(`${name}: capacity must be >= 1, got ${capacity}`);
  }

  get used(): number {
    return this.inUse;
  }

  get queueLength(): number {
    return this.waiters.length;
  }

  get available(): number {
    return this.capacity - this.inUse;
  }

  /** Calls `fn(a, b)` once a unit is held by the caller (now, if one is free). */
  acquire<A, B>(fn: Callback<A, B>, a: A, b?: B): void {
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      if (++this.inUse > this.peakInUse) this.peakInUse = this.inUse;
      fn(a, b as B);
      return;
    }
    this.waiters.push(fn, a, b as B);
  }

  /** Takes a unit only if one is free now; never queues. */
  tryAcquire(): boolean {
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      if (++this.inUse > this.peakInUse) this.peakInUse = this.inUse;
      return true;
    }
    return false;
  }

  release(): void {
    if (this.inUse <= 0) throw new Error(`${this.name}: release without acquire`);
    if (this.waiters.length === 0) this.inUse--;
    else this.waiters.callNext();
  }
}
