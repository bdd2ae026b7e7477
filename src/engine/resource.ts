// A resource with `capacity` identical units and a FIFO queue of waiters: the shape of
// every limited thing in the model (a worker's greenlet pool, CPU cores, the GIL, the
// postmaster). As in SimPy, all kinds share this base; only the grant rule differs.
//
// Grants are synchronous: `acquire` calls back at once when a unit is free, and
// `release` hands the unit straight to the oldest waiter within the releaser's event.
// That keeps a unit from ever sitting idle while someone waits, and costs no extra event.
import { Fifo } from './fifo.js';
import type { Callback } from './eventQueue.js';

interface Waiter {
  fn: Callback<any, any>;
  a: unknown;
  b: unknown;
}

export class Resource {
  private inUse = 0;
  protected readonly waiters = new Fifo<Waiter>();
  /** Highest number of units ever in use at once. */
  peakInUse = 0;

  constructor(readonly capacity: number, readonly name = 'resource') {
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
      this.inUse++;
      if (this.inUse > this.peakInUse) this.peakInUse = this.inUse;
      fn(a, b as B);
    } else {
      this.waiters.push({ fn, a, b });
    }
  }

  /** Takes a unit only if one is free now; never queues. */
  tryAcquire(): boolean {
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.inUse++;
      if (this.inUse > this.peakInUse) this.peakInUse = this.inUse;
      return true;
    }
    return false;
  }

  release(): void {
    if (this.inUse <= 0) throw new Error(`${this.name}: release without acquire`);
    const next = this.waiters.length === 0 ? undefined : this.nextWaiter();
    if (next === undefined) {
      this.inUse--;
    } else {
      next.fn(next.a, next.b);
    }
  }

  /** The grant rule: which waiter gets a released unit. FIFO here. */
  protected nextWaiter(): Waiter | undefined {
    return this.waiters.shift();
  }
}
