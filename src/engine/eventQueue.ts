// The future event list: a binary heap ordered by (time, priority, insertion sequence).
// The sequence number breaks ties in scheduling order, as SimPy's heap does, so a run is
// reproducible. Entries live in parallel arrays indexed by slot and the heap holds slot
// numbers: no object is allocated per event, which keeps the hot loop cheap. Time and
// priority share one key, time * 8 + (priority + 4), exact for times below 2^49 µs
// (17 years) and priorities from -4 to 3.
import type { Time } from './time.js';

export type Callback<A, B> = (a: A, b: B) => void;

export class EventQueue {
  private key: Float64Array = new Float64Array(1024);
  private sequence: Float64Array = new Float64Array(1024);
  private fn: Array<Callback<any, any> | undefined> = new Array(1024);
  private argA: unknown[] = new Array(1024);
  private argB: unknown[] = new Array(1024);
  private heap: Int32Array = new Int32Array(1024);
  private freeSlots: number[] = [];
  private nextSlot = 0;
  private count = 0;
  private inserted = 0;

  get size(): number {
    return this.count;
  }

  /** Time of the earliest entry; Infinity when empty. */
  peekTime(): Time {
    return this.count === 0 ? Infinity : Math.floor(this.key[this.heap[0]] / 8);
  }

  push<A, B>(time: Time, priority: number, fn: Callback<A, B>, a: A, b: B): void {
    const slot = this.allocate();
    this.key[slot] = time * 8 + (priority + 4);
    this.sequence[slot] = this.inserted++;
    this.fn[slot] = fn;
    this.argA[slot] = a;
    this.argB[slot] = b;
    if (this.count === this.heap.length) this.heap = grow(this.heap, this.heap.length * 2);
    this.siftUp(this.count++, slot);
  }

  /**
   * Removes the earliest entry and calls it. The caller has already advanced the clock
   * to `peekTime()`.
   */
  popAndRun(): void {
    const heap = this.heap;
    const slot = heap[0];
    const last = heap[--this.count];
    if (this.count > 0) this.siftDown(0, last);
    const fn = this.fn[slot]!;
    const a = this.argA[slot];
    const b = this.argB[slot];
    this.fn[slot] = undefined;
    this.argA[slot] = undefined;
    this.argB[slot] = undefined;
    this.freeSlots.push(slot);
    fn(a, b);
  }

  private before(x: number, y: number): boolean {
    const kx = this.key[x], ky = this.key[y];
    return kx < ky || (kx === ky && this.sequence[x] < this.sequence[y]);
  }

  private siftUp(pos: number, slot: number): void {
    const heap = this.heap;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const p = heap[parent];
      if (!this.before(slot, p)) break;
      heap[pos] = p;
      pos = parent;
    }
    heap[pos] = slot;
  }

  private siftDown(pos: number, slot: number): void {
    const heap = this.heap;
    const n = this.count;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.before(heap[right], heap[child])) child = right;
      if (!this.before(heap[child], slot)) break;
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = slot;
  }

  private allocate(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.nextSlot++;
    if (slot === this.key.length) {
      const n = slot * 2;
      this.key = grow(this.key, n);
      this.sequence = grow(this.sequence, n);
    }
    return slot;
  }
}

function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  const b = (a instanceof Float64Array ? new Float64Array(n) : new Int32Array(n)) as T;
  b.set(a);
  return b;
}
