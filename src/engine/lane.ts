// A lane of timers that all have the same delay (and priority): a connect timeout, hey's
// -t, a keep-alive wait. Timers scheduled one after another with one delay fall due in the
// order they were scheduled, so the lane keeps them in a FIFO ring and only its first one
// waits in the event heap; when it fires, the next one takes its place. A saturated server
// keeps hundreds of such timers pending (B1s: a hundred 1 s connect timeouts beside a
// hundred queries), and the heap that every event goes through stays half the size.
//
// Order is exactly what `Simulation.schedule` gives: each timer takes its time and its
// sequence number when it is scheduled, and enters the heap with them. A lane's timers
// after the first come no earlier in (time, priority, sequence) than the first, so the
// earliest event overall is always one in the heap.
import type { Callback, EventQueue } from './eventQueue.js';
import type { Time } from './time.js';

export class Lane {
  private times = new Float64Array(16);
  private seqs = new Float64Array(16);
  private fns: (Callback<any, any> | undefined)[] = new Array(16);
  private as: unknown[] = new Array(16);
  private bs: unknown[] = new Array(16);
  private head = 0;
  private count = 0;

  constructor(
    private readonly queue: EventQueue,
    private readonly clock: { readonly now: Time },
    readonly delay: Time,
    readonly priority: number,
  ) {
    if (!(delay >= 0 && Math.floor(delay) === delay)) throw new RangeError(`delay must be a non-negative integer, got ${delay}`);
  }

  /** Timers scheduled and not yet fired. */
  get size(): number {
    return this.count;
  }

  /** Calls `fn(a, b)` after the lane's delay, as `Simulation.schedule(delay, fn, a, b)` would. */
  schedule<A, B>(fn: Callback<A, B>, a: A, b?: B): void {
    if (this.count === this.times.length) this.grow();
    const at = (this.head + this.count) & (this.times.length - 1);
    const time = this.clock.now + this.delay;
    const seq = this.queue.takeSequence();
    this.times[at] = time;
    this.seqs[at] = seq;
    this.fns[at] = fn;
    this.as[at] = a;
    this.bs[at] = b;
    if (this.count++ === 0) this.queue.pushWithSequence(time, this.priority, seq, fire, this, undefined);
  }

  /** @internal the first timer is due: the next one enters the heap, then the first runs. */
  fire(): void {
    const i = this.head;
    const fn = this.fns[i]!;
    const a = this.as[i];
    const b = this.bs[i];
    this.fns[i] = this.as[i] = this.bs[i] = undefined;
    this.head = (i + 1) & (this.times.length - 1);
    if (--this.count > 0) {
      const next = this.head;
      this.queue.pushWithSequence(this.times[next], this.priority, this.seqs[next], fire, this, undefined);
    }
    fn(a, b);
  }

  private grow(): void {
    const n = this.times.length;
    const times = new Float64Array(2 * n);
    const seqs = new Float64Array(2 * n);
    const fns: (Callback<any, any> | undefined)[] = new Array(2 * n);
    const as: unknown[] = new Array(2 * n);
    const bs: unknown[] = new Array(2 * n);
    for (let k = 0; k < this.count; k++) {
      const from = (this.head + k) & (n - 1);
      times[k] = this.times[from];
      seqs[k] = this.seqs[from];
      fns[k] = this.fns[from];
      as[k] = this.as[from];
      bs[k] = this.bs[from];
    }
    this.times = times;
    this.seqs = seqs;
    this.fns = fns;
    this.as = as;
    this.bs = bs;
    this.head = 0;
  }
}

function fire(lane: Lane): void {
  lane.fire();
}
