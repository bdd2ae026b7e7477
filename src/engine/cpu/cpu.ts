// CPU cores: `run(work, fn, a, b)` calls fn(a, b) once `work` of CPU time has been done.
// One file per discipline:
// - fifo.ts: a task holds a core from start to end; tasks beyond the cores wait in line.
// - shared.ts: processor sharing, as a time-sharing kernel (Linux's CFS) gives it.
// - grouped.ts: processor sharing between task groups (sessions, cgroups), then inside each.
// - process.ts: a process's threads on a host's cores (at most `threads` pieces at once).
// - perCore.ts: a run queue per core; a process wakes on the core it last ran on (the
//   kernel's other decisions there in files of their own, listed at its top).
// - quota.ts: a CFS quota (cpu.max): a group of processes that used its quota in a period
//   waits for the next.
// A task can be cancelled, running or waiting: the process it belonged to was killed
// (SIGKILL ends a process's computation at once, and its core goes to the others).
// When a run stops, the tasks not done yet are listed (`unfinished`), so that the report
// counts the CPU that ran and not all that was given (model/unfinishedCpu.ts).
import type { Callback } from '../eventQueue.js';
import type { CacheRefill } from './cacheRefill.js';
import type { Time } from '../time.js';

/** The scheduler tick: CONFIG_HZ 250 (the kit's kernel, /proc/config.gz). */
export const TICK: Time = 4000;

export interface Cpu {
  readonly cores: number;
  /**
   * Returns the task's id, for `cancel`. `process`: whose task it is, for a discipline
   * that keeps a process on one core (perCore.ts); the others ignore it.
   */
  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B, process?: OnCore): number;
  /**
   * Drops the task: its callback is never called. Returns the share of its work it had not
   * done yet (0 to 1: 1 for a task still waiting for a core), 0 when it had already ended,
   * so that what a cancelled task used can be told from what it was given.
   */
  cancel(id: number): number;
  /**
   * A host's cores only, not a task group's view of them (its tasks are its host's): calls
   * `visit` for each task not done now, running or waiting for a core, with the share of
   * its work left (as `cancel` answers it). Changes nothing: the run may go on.
   */
  unfinished?(visit: UnfinishedTask): void;
  /** Tasks on the host's cores or waiting for one now (a task group: its host's); fewer than `cores`: a core is idle. */
  runnable?(): number;
  /**
   * Per-core run queues only (perCore.ts): where a process woken now runs at once, its
   * previous core if idle, else an idle one (select_idle_sibling); -1 when every core has a
   * task, and it queues on its previous core.
   */
  idleCoreFor?(process: OnCore): number;
  /** Per-core run queues only: `fn(core)` is called each time a core goes idle (its last runnable task ended); it answers whether it ran something there. */
  watchIdle?(fn: (core: number) => boolean): void;
  /**
   * Whether `run` reads its `process` (per-core run queues keep a process on a core); the
   * other disciplines ignore it, so a caller need not make a record for each new process.
   */
  readonly placesProcesses?: boolean;
}

/** A task not done when a run stopped: its callback and arguments, and the share of its work left (0 to 1). */
export type UnfinishedTask = (fn: Callback<any, any>, a: unknown, b: unknown, left: number) => void;

/** A process as per-core run queues see it: the core it last ran on (-1: it has not run yet). */
export interface OnCore {
  cpuCore: number;
  /** The process that forked it: a new process starts on its parent's core unless another is less loaded. */
  parent?: OnCore;
  /**
   * Per-core run queues only: what it pays to refill its caches when it wakes on a core
   * after other processes that have such a cost ran there (cacheRefill.ts).
   */
  cacheRefill?: CacheRefill;
}
