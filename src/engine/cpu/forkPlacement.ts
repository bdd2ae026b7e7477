// Where a new process (a fork) starts, from its cores' PELT load averages, which nothing
// else of the per-core run queues reads:
// - It is placed as kernel/sched/fair.c find_idlest_group does it: each core is classed by
//   its runnable tasks and its load averages as having spare capacity, fully busy or
//   overloaded; the child stays on its parent's core unless another core is in a lighter
//   class, or in the same class has an idle CPU where the parent's has none (spare), or
//   carries less than 1/1.17 of its load (busy).
// - It counts on its core at once: the kernel starts its PELT averages with its load at its
//   full weight and its utilization at a share of its core's spare capacity
//   (init_entity_runnable_average, post_init_entity_util_avg) and attaches them to the core
//   it was placed on. So a parent forking in a burst soon finds its own core overloaded and
//   sends the next children to the other one, as a trace of the kit's stack shows from a
//   wave's first milliseconds (calibration/wave_wakes.sh); without it the model kept a
//   wave's first forks all on the postmaster's core.
import type { Time } from '../time.js';
import type { CoreQueues } from './coreQueues.js';
import type { OnCore } from './cpu.js';

/** PELT's half-life: a contribution halves every 32 periods of 1024 µs (LOAD_AVG_PERIOD). */
const HALF_LIFE: Time = 32 * 1024;
/** The sched_domain's imbalance_pct for the cores of one cache (sd_init): 117 %. */
const IMBALANCE = 1.17;

/** find_idlest_group's classes of a core, lightest first (group_classify). */
const HAS_SPARE = 0;
const FULLY_BUSY = 1;
const OVERLOADED = 2;

export class ForkPlacement {
  /** PELT averages of each core: busy (util), runnable tasks (runnable), weight (load). */
  private readonly util: number[];
  private readonly runnableAvg: number[];
  private readonly loadAvg: number[];

  constructor(private readonly queues: CoreQueues) {
    const zeros = () => new Array<number>(queues.cores).fill(0);
    this.util = zeros();
    this.runnableAvg = zeros();
    this.loadAvg = zeros();
  }

  /** The averages `dt` later, the cores' tasks and weights having been as they are since. */
  decay(dt: Time): void {
    const { onCore, weight } = this.queues;
    const keep = 2 ** (-dt / HALF_LIFE);
    for (let c = 0; c < this.queues.cores; c++) {
      const n = onCore[c];
      this.util[c] = this.util[c] * keep + (n > 0 ? 1 - keep : 0);
      this.runnableAvg[c] = this.runnableAvg[c] * keep + n * (1 - keep);
      this.loadAvg[c] = this.loadAvg[c] * keep + weight[c] * (1 - keep);
    }
  }

  /** The core of a new process: its parent's, unless another is lighter. */
  place(parent: OnCore | undefined): number {
    const { cores, onCore } = this.queues;
    if (cores === 1) return 0;
    if (parent === undefined || parent.cpuCore < 0 || parent.cpuCore >= cores) {
      // No parent that has run (a thread of many, a process the model starts itself): the lightest core.
      let best = 0;
      for (let c = 1; c < cores; c++) if (this.lighter(c, best)) best = c;
      return best;
    }
    const local = parent.cpuCore;
    // The lightest other core (update_pick_idlest): lower class, then more idle, then less load.
    let idlest = -1;
    for (let c = 0; c < cores; c++) {
      if (c === local) continue;
      if (idlest < 0 || this.lighter(c, idlest)) idlest = c;
    }
    // The parent forks while it runs: it counts on its core (once).
    const forking = this.queues.tasks.some((t) => t.process === parent) ? 0 : 1;
    const here = this.classOf(local, forking);
    const there = this.classOf(idlest, 0);
    if (here !== there) return here < there ? local : idlest;
    if (here === HAS_SPARE) return onCore[idlest] === 0 && onCore[local] + forking > 0 ? idlest : local;
    return this.loadAvg[local] > IMBALANCE * this.loadAvg[idlest] ? idlest : local;
  }

  /**
   * A new process's PELT averages as the kernel starts them (init_entity_runnable_average,
   * post_init_entity_util_avg): its load at its full weight, its util and runnable averages
   * at its core's util over its load, at most half the core's spare capacity; all of it
   * attached to core `c` at once.
   */
  attach(c: number): void {
    const u = this.util[c];
    let init = Math.max(0, (1 - u) / 2);
    if (u > 0) init = Math.min(init, u / (this.loadAvg[c] + 1 / 1024));
    this.util[c] += init;
    this.runnableAvg[c] += init;
    this.loadAvg[c] += 1;
  }

  private lighter(c: number, than: number): boolean {
    const onCore = this.queues.onCore;
    const x = this.classOf(c, 0);
    const y = this.classOf(than, 0);
    if (x !== y) return x < y;
    if (x === HAS_SPARE) return (onCore[c] === 0 ? 1 : 0) > (onCore[than] === 0 ? 1 : 0) || this.util[c] < this.util[than];
    return this.loadAvg[c] < this.loadAvg[than];
  }

  /** group_classify for a core of capacity one: overloaded, spare capacity, or fully busy. */
  private classOf(c: number, extra: number): number {
    const n = this.queues.onCore[c] + extra;
    if (n > 1 && (this.util[c] * IMBALANCE > 1 || this.runnableAvg[c] > IMBALANCE)) return OVERLOADED;
    if (n < 1 || (this.util[c] * IMBALANCE <= 1 && this.runnableAvg[c] <= IMBALANCE)) return HAS_SPARE;
    return FULLY_BUSY;
  }
}
