// A resource with `capacity` identical units and a FIFO queue of waiters: the shape of
// every limited thing in the model (a worker's greenlet pool, CPU cores, the GIL, the
// postmaster). As in SimPy, all kinds share this base.
//
// Grants are synchronous: `acquire` calls back at once when a unit is free, and
// `release` hands the unit straight to the oldest waiter within the releaser's event.
// That keeps a unit from ever sitting idle while someone waits, and costs no extra event.
// Waiters live in a ring of (callback, a, b) triples, so waiting allocates nothing.
import type { Callback } from './eventQueue.js';

export class Resource {
  private inUse = 0;
  private ring: unknown[] = new Array(3 * 16);
  private head = 0;
  private waiting = 0;
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
    return this.waiting;
  }

  get available(): number {
    return this.capacity - this.inUse;
  }

  /** Calls `fn(a, b)` once a unit is held by the caller (now, if one is free). */
  acquire<A, B>(fn: Callback<A, B>, a: A, b?: B): void {
    if (this.inUse < this.capacity && this.waiting === 0) {
      if (++this.inUse > this.peakInUse) this.peakInUse = this.inUse;
      fn(a, b as B);
      return;
    }
    if (3 * this.waiting === this.ring.length) this.grow();
    const slots = this.ring.length / 3;
    const at = 3 * ((this.head + this.waiting) % slots);
    this.ring[at] = fn;
    this.ring[at + 1] = a;
    this.ring[at + 2] = b;
    this.waiting++;
  }

  /** Takes a unit only if one is free now; never queues. */
  tryAcquire(): boolean {
    if (this.inUse < this.capacity && this.waiting === 0) {
      if (++this.inUse > this.peakInUse) this.peakInUse = this.inUse;
      return true;
    }
    return false;
  }

  release(): void {
    if (this.inUse <= 0) throw new Error(`${this.name}: release without acquire`);
    if (this.waiting === 0) {
      this.inUse--;
      return;
    }
    const ring = this.ring;
    const at = 3 * this.head;
    const fn = ring[at] as Callback<unknown, unknown>;
    const a = ring[at + 1];
    const b = ring[at + 2];
    ring[at] = ring[at + 1] = ring[at + 2] = undefined;
    this.head = (this.head + 1) % (ring.length / 3);
    this.waiting--;
    fn(a, b);
  }

  private grow(): void {
    const slots = this.ring.length / 3;
    const next: unknown[] = new Array(this.ring.length * 2);
    for (let i = 0; i < this.waiting; i++) {
      const from = 3 * ((this.head + i) % slots);
      next[3 * i] = this.ring[from];
      next[3 * i + 1] = this.ring[from + 1];
      next[3 * i + 2] = this.ring[from + 2];
    }
    this.ring = next;
    this.head = 0;
  }
}
