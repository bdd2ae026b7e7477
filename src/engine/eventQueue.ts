// The future event list: a binary heap ordered by (time, priority, insertion sequence).
// The sequence number breaks ties in scheduling order, as SimPy's heap does, so a run is
// reproducible. Callbacks and arguments live in arrays indexed by slot; the heap holds slot
// numbers with each one's key and sequence beside it, so sifting moves plain numbers and
// compares contiguous memory, and no object is allocated per event. Time and
// priority share one key, time * 8 + (priority + 4), exact for times below 2^49 µs
// (17 years) and priorities from -4 to 3.
//
// A pop leaves its place at the root empty, and most events schedule another: that one
// fills the hole and sifts down from the root, instead of the heap's last entry sifting
// down and the new one then climbing up from the bottom (one pass instead of two). A hole
// nobody filled is filled, the usual way, when the earliest time is next asked for. No two
// entries tie (the sequence is unique), so the heap's arrangement never changes which one
// comes out first.
//
// The sifts compare sequence numbers at every step, though only equal keys need them: V8
// optimizes these loops within the first few thousand events, and a comparison that has
// never run by then has no type feedback, so the first tie of equal keys, which may come
// much later, would throw the optimized event loop away and have it compiled again.
import type { Time } from './time.js';

export type Callback<A, B> = (a: A, b: B) => void;

export class EventQueue {
  /**
   * Each slot's callback and arguments, three entries per slot: one array to load and check
   * per event. Created full (`new Array(n)` would leave it sparse, and V8 then checks every
   * element it loads for a missing one).
   */
  private entries: unknown[] = Array.from({ length: 3 * 1024 });
  private heap: Int32Array = new Int32Array(1024);
  /** The key and sequence of heap[i], kept beside it so comparisons read contiguous memory. */
  private heapKey: Float64Array = new Float64Array(1024);
  private heapSeq: Float64Array = new Float64Array(1024);
  /**
   * The last slot given back, -1 when none: a free slot's callback entry holds the slot
   * given back before it, so the free slots are a stack threaded through `entries`, which
   * push and pop load anyway (no second array to check and index per event).
   */
  private freeHead = -1;
  private nextSlot = 0;
  private count = 0;
  private inserted = 0;
  /**
   * 1 when the root was popped and nothing has taken its place: the entries are at
   * 1..count. A number, not a boolean: V8 tests a small integer in one comparison, but a
   * boolean field's truth in several (the field might hold any of its oddballs).
   */
  private hole = 0;

  get size(): number {
    return this.count;
  }

  /** Time of the earliest entry; Infinity when empty. */
  peekTime(): Time {
    if (this.count === 0) return Infinity;
    if (this.hole !== 0) this.fillHole();
    // Times 1/8 is exactly division by 8 (a power of two), and cheaper.
    return Math.floor(this.heapKey[0] * 0.125);
  }

  push<A, B>(time: Time, priority: number, fn: Callback<A, B>, a: A, b: B): void {
    this.pushWithSequence(time, priority, this.inserted++, fn, a, b);
  }

  /** The next insertion sequence number, for an entry that enters the heap later (Lane). */
  takeSequence(): number {
    return this.inserted++;
  }

  /** Inserts an entry whose sequence number was taken earlier (takeSequence). */
  pushWithSequence<A, B>(time: Time, priority: number, seq: number, fn: Callback<A, B>, a: A, b: B): void {
    // The slot given back last, else a new one (storing past the end grows `entries`).
    // Inline rather than a method of its own: `entries` is loaded and checked once, and
    // `schedule` is then small enough for V8 to inline it into some of its callers (the
    // FIFO cores' start, the query's wait), which spares them a call per event.
    const entries = this.entries;
    let slot = this.freeHead;
    if (slot >= 0) this.freeHead = entries[3 * slot] as number;
    else slot = this.nextSlot++;
    const at = 3 * slot;
    entries[at] = fn;
    entries[at + 1] = a;
    entries[at + 2] = b;
    const k = time * 8 + (priority + 4);
    if (this.hole !== 0) {
      // Positions 0..count, the root empty: the new entry takes it.
      this.hole = 0;
      this.siftDown(++this.count, slot, k, seq);
      return;
    }
    if (this.count === this.heap.length) {
      const n = this.heap.length * 2;
      this.heap = grow(this.heap, n);
      this.heapKey = grow(this.heapKey, n);
      this.heapSeq = grow(this.heapSeq, n);
    }
    this.siftUp(this.count++, slot, k, seq);
  }

  /**
   * Removes the earliest entry and calls it. The caller has already advanced the clock
   * to `peekTime()` (which filled any hole).
   */
  popAndRun(): void {
    const slot = this.heap[0];
    this.count--;
    this.hole = 1;
    const entries = this.entries;
    const at = 3 * slot;
    const fn = entries[at] as Callback<unknown, unknown>;
    const a = entries[at + 1];
    const b = entries[at + 2];
    // Cleared, so that a run's records are not kept alive by a slot nobody reuses.
    entries[at] = this.freeHead;
    entries[at + 1] = entries[at + 2] = undefined;
    this.freeHead = slot;
    fn(a, b);
  }

  private siftUp(pos: number, slot: number, k: number, s: number): void {
    const heap = this.heap,
      keys = this.heapKey,
      seqs = this.heapSeq;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pk = keys[parent];
      const parentFirstOnTie = seqs[parent] < s;
      if (pk < k || (pk === k && parentFirstOnTie)) break;
      heap[pos] = heap[parent];
      keys[pos] = pk;
      seqs[pos] = seqs[parent];
      pos = parent;
    }
    heap[pos] = slot;
    keys[pos] = k;
    seqs[pos] = s;
  }

  /** The heap's last entry takes the empty root. */
  private fillHole(): void {
    this.hole = 0;
    const n = this.count;
    this.siftDown(n, this.heap[n], this.heapKey[n], this.heapSeq[n]);
  }

  /** Places (slot, k, s) from the empty root down, among the entries at positions 1..n-1. */
  private siftDown(n: number, slot: number, k: number, s: number): void {
    const heap = this.heap,
      keys = this.heapKey,
      seqs = this.heapSeq;
    let pos = 0;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      let ck = keys[child];
      let cs = seqs[child];
      const right = child + 1;
      if (right < n) {
        const rk = keys[right];
        const rs = seqs[right];
        const rightFirstOnTie = rs < cs;
        if (rk < ck || (rk === ck && rightFirstOnTie)) {
          child = right;
          ck = rk;
          cs = rs;
        }
      }
      const newFirstOnTie = s < cs;
      if (k < ck || (k === ck && newFirstOnTie)) break;
      heap[pos] = heap[child];
      keys[pos] = ck;
      seqs[pos] = cs;
      pos = child;
    }
    heap[pos] = slot;
    keys[pos] = k;
    seqs[pos] = s;
  }
}

function grow<T extends Float64Array | Int32Array>(a: T, n: number): T {
  const b = (a instanceof Float64Array ? new Float64Array(n) : new Int32Array(n)) as T;
  b.set(a);
  return b;
}
