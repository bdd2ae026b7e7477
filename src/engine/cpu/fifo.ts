// First come, first served cores: a task holds a core from start to end; tasks beyond the
// cores wait in line, in the order they came.
import type { Callback } from '../eventQueue.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { Cpu, UnfinishedTask } from './cpu.js';

export class FifoCpu implements Cpu {
  private busy = 0;
  /**
   * Tasks on a core, by slot, four entries each: what to call when their work is done (fn,
   * a, b) and the task's id (0: the slot is free). One array to load and check per task;
   * a free slot's first entry holds the slot freed before it (-1: none), so the free slots
   * are a stack threaded through it, as in the event queue.
   */
  private readonly running: unknown[] = [];
  /** By slot, a running task's start and its work, for a cancel's share of it left. */
  private readonly startedAt: Time[] = [];
  private readonly works: Time[] = [];
  private freeHead = -1;
  /** Slots made so far (free or not). */
  private slotCount = 0;
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

  cancel(id: number): number {
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.running[RUNNING * slot + 3] !== id) continue;
      const work = this.works[slot];
      const left = work > 0 ? Math.min(1, Math.max(0, 1 - (this.sim.now - this.startedAt[slot]) / work)) : 0;
      // Its end event still comes, finds the slot no longer holds it, and does nothing.
      this.free(slot);
      this.startNext();
      return left;
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
      return 1;
    }
    return 0;
  }

  unfinished(visit: UnfinishedTask): void {
    for (let slot = 0; slot < this.slotCount; slot++) {
      const at = RUNNING * slot;
      if (this.running[at + 3] === 0) continue;
      const work = this.works[slot];
      const left = work > 0 ? Math.min(1, Math.max(0, 1 - (this.sim.now - this.startedAt[slot]) / work)) : 0;
      visit(this.running[at] as Callback<any, any>, this.running[at + 1], this.running[at + 2], left);
    }
    const slots = this.ring.length / TUPLE;
    for (let i = 0; i < this.waiting; i++) {
      const at = TUPLE * ((this.head + i) % slots);
      visit(this.ring[at + 1] as Callback<any, any>, this.ring[at + 2], this.ring[at + 3], 1);
    }
  }

  private start(work: Time, fn: Callback<any, any>, a: unknown, b: unknown, id: number): void {
    this.busy++;
    const running = this.running;
    let slot = this.freeHead;
    if (slot >= 0) this.freeHead = running[RUNNING * slot] as number;
    else slot = this.slotCount++; // storing past the end grows `running`
    const at = RUNNING * slot;
    running[at] = fn;
    running[at + 1] = a;
    running[at + 2] = b;
    running[at + 3] = id;
    this.startedAt[slot] = this.sim.now;
    this.works[slot] = work;
    this.sim.schedule(work, this.end, slot, id);
  }

  private free(slot: number): void {
    const at = RUNNING * slot;
    const running = this.running;
    running[at] = this.freeHead;
    running[at + 1] = running[at + 2] = undefined;
    running[at + 3] = 0;
    this.freeHead = slot;
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
    const running = this.running;
    const at = RUNNING * slot;
    if (running[at + 3] !== id) return; // cancelled
    const fn = running[at] as Callback<any, any>;
    const a = running[at + 1];
    const b = running[at + 2];
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
/** Entries per running task: fn, a, b, id. */
const RUNNING = 4;
