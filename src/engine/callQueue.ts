// A FIFO of deferred calls fn(a, b): work that waits its turn (a resource's waiters, a gevent
// hub's ready IO and callbacks). Each call's three values lie side by side in one ring, so a
// call waits without an allocation, and queueing or taking one checks the ring once, not
// once a value.
import type { Callback } from './eventQueue.js';

export class CallQueue {
  /**
   * Room for `capacity` calls, a power of two. Created full (`new Array(n)` would leave it
   * sparse, and V8 then checks every element it loads for a missing one), and grown in place:
   * V8 takes a field that is never reassigned for a constant (see Fifo).
   */
  private readonly ring: unknown[] = Array.from({ length: 3 * 2 });
  private capacity = 2;
  /** The oldest call's place, in calls. */
  private head = 0;
  private count = 0;

  /** Calls waiting. */
  get length(): number {
    return this.count;
  }

  push<A, B>(fn: Callback<A, B>, a: A, b: B): void {
    if (this.count === this.capacity) this.grow();
    const at = 3 * ((this.head + this.count) & (this.capacity - 1));
    const ring = this.ring;
    ring[at] = fn;
    ring[at + 1] = a;
    ring[at + 2] = b;
    this.count++;
  }

  /** Takes the oldest call off the queue and makes it (the queue must not be empty). */
  callNext(): void {
    const ring = this.ring;
    const at = 3 * this.head;
    const fn = ring[at] as Callback<unknown, unknown>;
    const a = ring[at + 1];
    const b = ring[at + 2];
    // Cleared, so that a call's arguments are not kept alive by a place nobody reuses.
    ring[at] = ring[at + 1] = ring[at + 2] = undefined;
    this.head = (this.head + 1) & (this.capacity - 1);
    this.count--;
    fn(a, b);
  }

  /** Doubles the ring in place: the calls that wrapped round to the front move to just past the old end. */
  private grow(): void {
    const ring = this.ring;
    const n = this.capacity;
    for (let i = 3 * n; i < 6 * n; i++) ring.push(undefined);
    for (let i = 0; i < 3 * this.head; i++) {
      ring[3 * n + i] = ring[i];
      ring[i] = undefined;
    }
    this.capacity = 2 * n;
  }
}
