// A resource whose waiters are served last come, first served: a freed unit goes to the
// one that began waiting most recently, as some limiters do (a stack of waiters). Waiters
// live in an array of (callback, a, b) triples, so waiting allocates nothing once it has
// grown.
import type { Callback } from './eventQueue.js';
import { Resource } from './resource.js';

export class StackResource extends Resource {
  private inUseUnits = 0;
  private readonly stack: unknown[] = [];

  override get used(): number {
    return this.inUseUnits;
  }

  override get queueLength(): number {
    return this.stack.length / 3;
  }

  override get available(): number {
    return this.capacity - this.inUseUnits;
  }

  override acquire<A, B>(fn: Callback<A, B>, a: A, b?: B): void {
    if (this.tryAcquire()) fn(a, b as B);
    else this.stack.push(fn, a, b);
  }

  override tryAcquire(): boolean {
    if (this.inUseUnits >= this.capacity || this.stack.length > 0) return false;
    if (++this.inUseUnits > this.peakInUse) this.peakInUse = this.inUseUnits;
    return true;
  }

  override release(): void {
    if (this.inUseUnits <= 0) throw new Error(`${this.name}: release without acquire`);
    if (this.stack.length === 0) {
      this.inUseUnits--;
      return;
    }
    const s = this.stack;
    const b = s.pop();
    const a = s.pop();
    const fn = s.pop() as Callback<unknown, unknown>;
    fn(a, b);
  }
}
