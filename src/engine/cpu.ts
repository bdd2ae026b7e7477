// CPU cores: `run(work, fn, a, b)` calls fn(a, b) once `work` of CPU time has been done.
// Two disciplines:
// - FifoCpu: a task holds a core from start to end; tasks beyond the cores wait in line.
// - SharedCpu: processor sharing, as a time-sharing kernel (Linux's CFS) gives it: n
//   runnable tasks on c cores each progress at min(1, c / n) of a core's speed, so all
//   make progress together and short tasks are not stuck behind long ones.
// Processor sharing is computed exactly with a virtual clock: V grows at the per-task
// rate, a task started at V0 with work w ends when V reaches V0 + w; only the earliest
// end is ever scheduled, and rescheduled when a task starts or ends.
// A task can be cancelled, running or waiting: the process it belonged to was killed
// (SIGKILL ends a process's computation at once, and its core goes to the others).
import type { Callback } from './eventQueue.js';
import type { Simulation } from './simulation.js';
import type { Time } from './time.js';

export interface Cpu {
  readonly cores: number;
  /** Returns the task's id, for `cancel`. */
  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): number;
  /** Drops the task: its callback is never called. Nothing happens if it already ended. */
  cancel(id: number): void;
}

export class FifoCpu implements Cpu {
  private busy = 0;
  /** Tasks on a core, by slot: what to call when their work is done. */
  private readonly fns: (Callback<any, any> | undefined)[] = [];
  private readonly as: unknown[] = [];
  private readonly bs: unknown[] = [];
  /** The id of the task in each slot; 0 when the slot is free. */
  private readonly ids: number[] = [];
  private readonly freeSlots: number[] = [];
  /** Tasks waiting for a core: (work, fn, a, b, id) in a ring. */
  private ring: unknown[] = new Array(TUPLE * 16);
  private head = 0;
  private waiting = 0;
  /** Ids start at 1: 0 means "none" to callers (HttpRequest.cpuTask). */
  private lastId = 0;

  constructor(private readonly sim: Simulation, readonly cores: number) {}

  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): number {
    const id = ++this.lastId;
    if (this.busy < this.cores) {
      this.start(work, fn, a, b, id);
      return id;
    }
    if (TUPLE * this.waiting === this.ring.length) this.grow();
    const at = TUPLE * ((this.head + this.waiting) % (this.ring.length / TUPLE));
    this.ring[at] = work;
    this.ring[at + 1] = fn;
    this.ring[at + 2] = a;
    this.ring[at + 3] = b;
    this.ring[at + 4] = id;
    this.waiting++;
    return id;
  }

  cancel(id: number): void {
    const slot = this.ids.indexOf(id);
    if (slot >= 0) {
      // Its end event still comes, finds the slot no longer holds it, and does nothing.
      this.free(slot);
      this.startNext();
      return;
    }
    const slots = this.ring.length / TUPLE;
    for (let i = 0; i < this.waiting; i++) {
      if (this.ring[TUPLE * ((this.head + i) % slots) + 4] !== id) continue;
      // Close the gap: every later waiter moves up one place, keeping their order.
      for (let j = i; j < this.waiting - 1; j++) {
        const to = TUPLE * ((this.head + j) % slots);
        const from = TUPLE * ((this.head + j + 1) % slots);
        for (let k = 0; k < TUPLE; k++) this.ring[to + k] = this.ring[from + k];
      }
      const last = TUPLE * ((this.head + this.waiting - 1) % slots);
      for (let k = 0; k < TUPLE; k++) this.ring[last + k] = undefined;
      this.waiting--;
      return;
    }
  }

  private start(work: Time, fn: Callback<any, any>, a: unknown, b: unknown, id: number): void {
    this.busy++;
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.fns.length;
    this.fns[slot] = fn;
    this.as[slot] = a;
    this.bs[slot] = b;
    this.ids[slot] = id;
    this.sim.schedule(work, this.end, slot, id);
  }

  private free(slot: number): void {
    this.fns[slot] = this.as[slot] = this.bs[slot] = undefined;
    this.ids[slot] = 0;
    this.freeSlots.push(slot);
    this.busy--;
  }

  /** A core is free: the oldest waiting task takes it. */
  private startNext(): void {
    if (this.waiting === 0) return;
    const ring = this.ring;
    const at = TUPLE * this.head;
    const w = ring[at] as Time;
    const f = ring[at + 1] as Callback<any, any>;
    const na = ring[at + 2];
    const nb = ring[at + 3];
    const id = ring[at + 4] as number;
    for (let k = 0; k < TUPLE; k++) ring[at + k] = undefined;
    this.head = (this.head + 1) % (ring.length / TUPLE);
    this.waiting--;
    this.start(w, f, na, nb, id);
  }

  private readonly end = (slot: number, id: number): void => {
    if (this.ids[slot] !== id) return; // cancelled
    const fn = this.fns[slot]!;
    const a = this.as[slot];
    const b = this.bs[slot];
    this.free(slot);
    this.startNext();
    fn(a, b);
  };

  private grow(): void {
    const slots = this.ring.length / TUPLE;
    const next: unknown[] = new Array(this.ring.length * 2);
    for (let i = 0; i < this.waiting; i++) {
      const from = TUPLE * ((this.head + i) % slots);
      for (let k = 0; k < TUPLE; k++) next[TUPLE * i + k] = this.ring[from + k];
    }
    this.ring = next;
    this.head = 0;
  }
}

/** Entries per waiting task in FifoCpu's ring: work, fn, a, b, id. */
const TUPLE = 5;

interface SharedTask {
  finish: number;
  /** Start order, which breaks ties; also the task's id. */
  seq: number;
  fn: Callback<any, any>;
  a: unknown;
  b: unknown;
}

export class SharedCpu implements Cpu {
  private readonly tasks: SharedTask[] = [];
  /** Virtual time: CPU work done by each runnable task since the start. */
  private virtual = 0;
  private updated: Time = 0;
  /** From 1: a task id of 0 means "none" to callers (HttpRequest.cpuTask). */
  private seq = 1;
  /** Bumped to cancel the scheduled end when the set of tasks changes. */
  private token = 0;

  constructor(private readonly sim: Simulation, readonly cores: number) {}

  /** Tasks running now. */
  get running(): number {
    return this.tasks.length;
  }

  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): number {
    this.advance();
    const id = this.seq++;
    push(this.tasks, { finish: this.virtual + work, seq: id, fn, a, b });
    this.reschedule();
    return id;
  }

  cancel(id: number): void {
    const rest = this.tasks.filter((t) => t.seq !== id);
    if (rest.length === this.tasks.length) return; // it has ended
    // The others speed up from now: account the work done so far at the old rate first.
    this.advance();
    this.tasks.length = 0;
    for (const t of rest) push(this.tasks, t);
    this.reschedule();
  }

  private rate(): number {
    return Math.min(1, this.cores / this.tasks.length);
  }

  private advance(): void {
    const now = this.sim.now;
    if (this.tasks.length > 0) this.virtual += (now - this.updated) * this.rate();
    this.updated = now;
  }

  private reschedule(): void {
    const token = ++this.token;
    if (this.tasks.length === 0) return;
    // Rounded up to whole microseconds: simulated time is an integer.
    const wait = Math.max(0, Math.ceil((this.tasks[0].finish - this.virtual) / this.rate() - 1e-9));
    this.sim.schedule(wait, this.ended, token);
  }

  private readonly ended = (token: number): void => {
    if (token !== this.token) return;
    this.advance();
    // Every task whose work is done (within rounding) ends now, oldest first.
    const done: SharedTask[] = [];
    while (this.tasks.length > 0 && this.tasks[0].finish <= this.virtual + 1e-6) done.push(pop(this.tasks));
    if (done.length === 0) done.push(pop(this.tasks)); // rounding left a sliver: it is done
    this.virtual = Math.max(this.virtual, done[done.length - 1].finish);
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
  };
}

function before(x: SharedTask, y: SharedTask): boolean {
  return x.finish < y.finish || (x.finish === y.finish && x.seq < y.seq);
}

function push(h: SharedTask[], t: SharedTask): void {
  let i = h.length;
  h.push(t);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(t, h[p])) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = t;
}

function pop(h: SharedTask[]): SharedTask {
  const top = h[0];
  const last = h.pop()!;
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= h.length) break;
      if (c + 1 < h.length && before(h[c + 1], h[c])) c++;
      if (!before(h[c], last)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }
  return top;
}
