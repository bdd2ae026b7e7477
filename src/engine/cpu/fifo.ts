// First come, first served cores: a task holds a core from start to end; tasks beyond the
// cores wait in line, in the order they came.
import type { Callback } from '../eventQueue.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { Cpu } from './cpu.js';

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

  constructor(
    private readonly sim: Simulation,
    readonly cores: number,
  ) {}

  runnable(): number {
    return this.busy + this.waiting;
  }

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
