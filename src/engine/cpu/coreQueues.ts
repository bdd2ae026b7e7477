// The per-core run queues' common record (perCore.ts): every runnable task with the core it
// waits on, how many wait on each core, and each core's load. It is one record, not a list
// per core, because every change brings all tasks up to date anyway (perCore.ts), and a
// task that moves to another core only changes its `core`.
import type { Callback } from '../eventQueue.js';
import type { Time } from '../time.js';
import type { OnCore } from './cpu.js';
import type { Entity } from './eevdf.js';
import type { GroupLoad } from './groupLoad.js';

/** A task group's runnable tasks, in all. */
export class CoreGroup {
  total = 0;
  /** EEVDF: the group's entity on each core (created when a task of it first runs there). */
  entities: (Entity | undefined)[] | undefined = undefined;
  /** Its load on each core, where the group's weight follows PELT's averages. */
  load: GroupLoad | undefined = undefined;
}

export interface CoreTask {
  process: OnCore | undefined;
  /** When it starts running: later than its wake-up while its idle core wakes. */
  from: Time;
  left: number;
  /** Its work as given (cache refills added to `left` on the way are not in it). */
  work: number;
  rate: number;
  core: number;
  group: CoreGroup | undefined;
  /** EEVDF: its scheduling entity (its process's, or its own). */
  entity: Entity | undefined;
  seq: number;
  fn: Callback<any, any>;
  a: unknown;
  b: unknown;
}

export class CoreQueues {
  readonly tasks: CoreTask[] = [];
  /** Runnable tasks on each core. */
  readonly onCore: number[];
  /** Each core's load: its tasks' weights (a lone task one, a group's task its part of one). */
  readonly weight: number[];

  constructor(readonly cores: number) {
    this.onCore = new Array<number>(cores).fill(0);
    this.weight = new Array<number>(cores).fill(0);
  }

  /** The first core with no runnable task; -1: none. */
  idleCore(): number {
    for (let c = 0; c < this.cores; c++) if (this.onCore[c] === 0) return c;
    return -1;
  }

  /** The core with the most tasks, if it has more than one (the first such, on a tie). */
  busiest(): number {
    let best = -1;
    for (let c = 0; c < this.cores; c++) if (this.onCore[c] > 1 && (best < 0 || this.onCore[c] > this.onCore[best])) best = c;
    return best;
  }

  /** Of the tasks on `core` that `movable` lets go, the one there longest. */
  oldestOn(core: number, movable: (t: CoreTask) => boolean): CoreTask | undefined {
    let oldest: CoreTask | undefined;
    for (const t of this.tasks) if (t.core === core && movable(t) && (oldest === undefined || t.seq < oldest.seq)) oldest = t;
    return oldest;
  }
}

/** Oldest first: the order in which tasks that end at one instant run their callbacks. */
export function bySeq(x: CoreTask, y: CoreTask): number {
  return x.seq - y.seq;
}
