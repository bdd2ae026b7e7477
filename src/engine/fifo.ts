// A growable ring buffer: FIFO queues (waiters, the accept queue) without the O(n)
// shift() of a plain array.
export class Fifo<T> {
  /**
   * Starts small, so that queues first grow within a run's first requests, while V8 still
   * gathers feedback: a first growth after it has optimized push throws away the optimized
   * code of push's callers (in B1, the connect path, well into the run: docs/internals.md,
   * "Performance"). Filled with undefined: the array is then of the elements kind it keeps
   * (holey, any value). `new Array(2)` alone holds small integers only, and the first queue
   * to store an object changed its array's kind, and so the field's type in every Fifo:
   * code optimized before then met Fifos of another map (B1s's first queued connection).
   */
  private readonly items: (T | undefined)[] = new Array(2).fill(undefined);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return item;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Removes the first item equal to `item`; O(n), for rare cancellations. */
  remove(item: T): boolean {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.count; i++) {
      if (this.items[(this.head + i) & mask] === item) {
        for (let j = i; j < this.count - 1; j++) {
          this.items[(this.head + j) & mask] = this.items[(this.head + j + 1) & mask];
        }
        this.items[(this.head + this.count - 1) & mask] = undefined;
        this.count--;
        return true;
      }
    }
    return false;
  }

  /**
   * Doubles the ring in place: the items that wrapped round to the front move to just past
   * the old end, where the doubled mask finds them. The same array, never another: V8
   * takes a field that is never reassigned for a constant, and the first reassignment
   * would throw away the optimized code of every queue's push and shift.
   */
  private grow(): void {
    const items = this.items;
    const n = items.length;
    items.length = 2 * n;
    for (let i = 0; i < this.head; i++) {
      items[n + i] = items[i];
      items[i] = undefined;
    }
  }
}
