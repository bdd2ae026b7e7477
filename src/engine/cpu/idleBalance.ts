// An idle core beside a busy one takes a task from it; the task's process runs there from
// then on. It pulls the task that has been on the busy core longest.
// - At the next scheduler tick of a core that has more than one task: nohz_balancer_kick
//   wakes the idle core to balance (kernel/sched/fair.c).
// - The moment a core goes idle (newidle_balance), but never a task that ran within the
//   migration cost (task_hot). Under processor sharing every task on a core has just run,
//   so only EEVDF, where tasks wait behind the running one, takes that path. Measured
//   against a trace of the kit's stack (calibration/wakeups.sh), processor sharing with both
//   paths moved the worker far more often than the real one moved, and with the tick's
//   alone about as often (docs/validation.md, "The idle core's pull").
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { CoreRefills } from './cacheRefill.js';
import type { CoreQueues, CoreTask } from './coreQueues.js';
import { TICK } from './cpu.js';
import type { EevdfTasks } from './eevdfTasks.js';
import type { IdleCores } from './idleCores.js';

/** sysctl_sched_migration_cost: a task that ran within it is cache-hot, not pulled by a newly idle core (task_hot). */
const MIGRATION_COST: Time = 500;

export class IdleBalance {
  /** A tick's balancing is scheduled. */
  private tickPending = false;

  /** `tick` is scheduled for the next scheduler tick while an idle core is beside a busy one. */
  constructor(
    private readonly sim: Simulation,
    private readonly queues: CoreQueues,
    private readonly idle: IdleCores,
    private readonly refills: CoreRefills,
    private readonly eevdf: EevdfTasks | undefined,
    private readonly tick: () => void,
    private readonly moved: (t: CoreTask, from: number, to: number) => void = () => undefined,
  ) {}

  /** A core with more than one task beside an idle core: its next tick kicks the idle core to balance. */
  armTick(): void {
    if (this.tickPending || this.queues.idleCore() < 0 || this.queues.busiest() < 0) return;
    this.tickPending = true;
    const now = this.sim.now;
    this.sim.schedule((Math.floor(now / TICK) + 1) * TICK - now, this.tick, undefined);
  }

  /** The tick has come: whether an idle core is still beside a busy one. */
  ticked(): boolean {
    this.tickPending = false;
    return this.queues.idleCore() >= 0 && this.queues.busiest() >= 0;
  }

  /** At the tick: idle cores pull, one task each, while a core has more than one. */
  pullToIdle(): void {
    const q = this.queues;
    for (let to = q.idleCore(); to >= 0 && q.busiest() >= 0; to = q.idleCore()) this.move(q.oldestOn(q.busiest(), this.waiting)!, to);
  }

  /** EEVDF: each core that went idle this instant pulls a task that is not cache-hot from the busiest core. */
  newIdle(): void {
    if (!this.idle.wentIdle) return;
    this.idle.wentIdle = false;
    const now = this.sim.now;
    const q = this.queues;
    for (let to = 0; to < q.cores; to++) {
      if (q.onCore[to] !== 0 || this.idle.since[to] !== now) continue;
      const from = q.busiest();
      if (from < 0) return;
      const t = q.oldestOn(from, this.waitingCold);
      if (t === undefined) continue;
      this.move(t, to);
      this.eevdf!.cores[to].pick(now);
    }
  }

  /** Not the task its core runs now (under EEVDF one runs at a time). */
  private readonly waiting = (t: CoreTask): boolean => this.eevdf === undefined || !this.eevdf.running(t);

  /** Waiting, and it has not run within the migration cost. */
  private readonly waitingCold = (t: CoreTask): boolean => {
    const stopped = t.entity!.stopped;
    return this.waiting(t) && !(stopped >= 0 && this.sim.now - stopped < MIGRATION_COST);
  };

  /** `t` moves to core `to`, and its process with it. */
  private move(t: CoreTask, to: number): void {
    this.moved(t, t.core, to);
    if (this.eevdf !== undefined) this.eevdf.migrate(t, to);
    this.queues.onCore[t.core]--;
    this.queues.onCore[to]++;
    t.core = to;
    const p = t.process;
    if (p !== undefined) p.cpuCore = to;
    // Moved, it runs on a core whose caches hold others' memory, however long it ran before.
    // Under EEVDF the pick on its new core charges it.
    if (p?.cacheRefill !== undefined && this.eevdf === undefined) t.left += this.refills.runsAgain(p, to);
  }
}
