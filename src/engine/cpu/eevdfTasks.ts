// EEVDF on the per-core run queues (machine.timeSlices "eevdf"): eevdf.ts schedules one
// core's entities; this file keeps them in step with the run queues' tasks. A process keeps
// one entity from one task to the next, so that its lag and deadline outlive a sleep; a task
// group has an entity on each core its tasks run on, weighing its part of the group there.
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { CoreGroup, CoreQueues, CoreTask } from './coreQueues.js';
import { TICK } from './cpu.js';
import { baseSlice, EevdfCore, Entity, RunQueue } from './eevdf.js';

/**
 * When a woken task takes its core from the running one:
 * - pick: when the core's pick would take it (check_preempt_wakeup_fair up to 6.18: the
 *   running entity past its protected slice, or the woken one the eligible entity with the
 *   earliest deadline); a new process too.
 * - next-buddy: at once, as the next buddy (NEXT_BUDDY), unless it is a new process, whose
 *   wake-up preempts nothing (6.19's check_preempt_wakeup_fair ignores WF_FORK). What the kit's
 *   kernel showed: a task woken onto a busy worker's core ran within microseconds, and a
 *   new backend waited milliseconds for its core (docs/validation.md, "Who takes the core").
 */
export type WakeupPreemption = 'pick' | 'next-buddy';

export class EevdfTasks {
  /** Each core's one running task and its queue. */
  readonly cores: EevdfCore[];
  private readonly entities = new WeakMap<object, Entity>();
  private entitySeq = 0;
  private slicePending = false;
  /** The task groups with an entity on some core, whose weights the tick updates. */
  private readonly groups: CoreGroup[] = [];

  /** `sliceTick` is scheduled for the next scheduler tick while a core has tasks waiting. */
  constructor(
    private readonly sim: Simulation,
    private readonly queues: CoreQueues,
    private readonly sliceTick: () => void,
    private readonly preemption: WakeupPreemption,
    /** Hears each task a core switches to from another. */
    switchedIn: (t: CoreTask) => void = () => undefined,
  ) {
    const slice = baseSlice(queues.cores);
    const onSwitch = (e: Entity) => {
      if (e.task !== undefined) switchedIn(e.task as CoreTask);
    };
    this.cores = Array.from({ length: queues.cores }, (_, c) => new EevdfCore(c, slice, onSwitch));
  }

  /** Whether `t` is the task its core runs now. */
  running(t: CoreTask): boolean {
    return this.cores[t.core].running === t.entity;
  }

  /** The running tasks' entities are charged the CPU they got in `dt`. */
  charge(dt: Time): void {
    for (const t of this.queues.tasks) if (t.rate > 0) this.cores[t.core].charge(dt * t.rate);
  }

  /** Each core whose running task blocked or left picks another. */
  pickWhereNeeded(now: Time): void {
    for (const x of this.cores) if (x.needsPick()) x.pick(now);
  }

  /** `t` is runnable on its core: its entity is enqueued, and the core's pick runs if the wake-up preempts. */
  wake(t: CoreTask, initial: boolean): void {
    const ev = this.cores[t.core];
    const key = t.process;
    let e = key !== undefined ? this.entities.get(key) : undefined;
    // A second thread of a process with a task already: an entity of its own.
    if (e !== undefined && e.task !== undefined) e = undefined;
    if (e === undefined) {
      e = new Entity(this.entitySeq++);
      if (key !== undefined && !this.entities.has(key)) this.entities.set(key, e);
    }
    t.entity = e;
    e.task = t;
    const rq = this.queueOf(t.group, t.core);
    this.countGroup(t.group, t.core, 1);
    if (e.ending && e.rq === rq && !e.delayed) {
      // Its next piece of work at the instant the last ended: it never slept.
      e.ending = false;
      return;
    }
    e.ending = false;
    let moved = false;
    if (e.rq !== undefined && e.rq !== rq) {
      // Another group on the same core: a session of its own now (setsid); its new group's
      // entity starts afresh (sched_move_task, then a new pick).
      moved = e.rq.core === t.core;
      this.cores[e.rq.core].leave(e);
      if (moved) e.vlag = 0;
    }
    ev.enqueue(e, rq, initial);
    if (moved) ev.pick(this.sim.now);
    else if (ev.running === undefined || ev.running === e) return;
    else if (this.preemption === 'pick') {
      if (ev.wakeupWantsPick(e)) ev.pick(this.sim.now);
    } else if (!initial && !e.delayed) {
      ev.next = e;
      ev.pick(this.sim.now);
    }
  }

  /** A cancelled task's process is gone: its entity leaves at once. */
  killed(t: CoreTask): void {
    const e = this.unlink(t);
    if (e.rq !== undefined) this.cores[e.rq.core].leave(e);
  }

  /** The `done` tasks ended: their entities stay queued until their callbacks show whether they go on at once. */
  ending(done: readonly CoreTask[]): Entity[] {
    return done.map((t) => {
      const e = this.unlink(t);
      e.ending = true;
      return e;
    });
  }

  /**
   * After the callbacks: the entities whose process did not go on at once sleep. One whose
   * core a task woken in its callbacks took has not blocked yet: preempted on its way out of
   * the send, it stays runnable without work until its core comes back to it, and blocks then
   * (EevdfCore.pick), unless its next piece came meanwhile (the answer it was to wait for:
   * it never slept).
   */
  sleep(ending: readonly Entity[]): void {
    for (const e of ending) {
      if (!e.ending) continue;
      if (e.rq !== undefined && !e.delayed && this.cores[e.rq.core].running !== e) continue;
      e.ending = false;
      if (e.rq !== undefined) this.cores[e.rq.core].sleep(e);
    }
  }

  /** `t` is pulled to core `to`: its entity leaves its queue with its lag and joins there. */
  migrate(t: CoreTask, to: number): void {
    const e = t.entity!;
    this.countGroup(t.group, t.core, -1);
    if (e.rq !== undefined) this.cores[e.rq.core].leave(e);
    const rq = this.queueOf(t.group, to);
    this.countGroup(t.group, to, 1);
    this.cores[to].enqueue(e, rq, false);
  }

  /** The scheduler tick is due on a core with others waiting behind its running task. */
  armSliceTick(): void {
    if (this.slicePending) return;
    let busy = false;
    for (const ev of this.cores)
      if (ev.root.queued.length > 1 || (ev.running?.rq !== undefined && ev.running.rq.queued.length > 1)) busy = true;
    if (!busy) return;
    this.slicePending = true;
    const now = this.sim.now;
    this.sim.schedule((Math.floor(now / TICK) + 1) * TICK - now, this.sliceTick, undefined);
  }

  /**
   * The scheduler tick: the groups' weights follow their load averages (entity_tick's
   * update_cfs_group), and each core whose running entity is past its slice picks anew.
   */
  tick(now: Time): void {
    this.slicePending = false;
    for (const g of this.groups) this.weigh(g);
    for (const ev of this.cores) if (ev.tickWantsPick()) ev.pick(now);
  }

  /** The queue a task of group `g` joins on `core`: the root, or its group's own there. */
  private queueOf(g: CoreGroup | undefined, core: number): RunQueue {
    const ev = this.cores[core];
    if (g === undefined) return ev.root;
    if (g.entities === undefined) {
      g.entities = new Array<Entity | undefined>(this.queues.cores).fill(undefined);
      this.groups.push(g);
    }
    let ge = g.entities[core];
    if (ge === undefined) {
      ge = new Entity(this.entitySeq++);
      ge.own = new RunQueue(ge, core);
      g.entities[core] = ge;
    }
    return ge.own!;
  }

  /** A group's runnable tasks on `core` changed: its entities there and elsewhere weigh their parts anew. */
  private countGroup(g: CoreGroup | undefined, core: number, by: number): void {
    if (g === undefined || g.entities === undefined) return;
    const ge = g.entities[core];
    if (ge !== undefined) ge.runnable += by;
    this.weigh(g);
  }

  /** Each of the group's entities with tasks weighs its part of the group by their load averages (groupLoad.ts). */
  private weigh(g: CoreGroup): void {
    const entities = g.entities!;
    if (g.total <= 0) return;
    const load = g.load!;
    load.advance(this.sim.now);
    for (let c = 0; c < entities.length; c++) {
      const x = entities[c];
      if (x !== undefined && x.runnable > 0) reweight(x, load.share(c));
    }
  }

  /** A task ended or was cancelled: its group's count on its core drops. */
  private unlink(t: CoreTask): Entity {
    const e = t.entity!;
    this.countGroup(t.group, t.core, -1);
    if (e.task === t) e.task = undefined;
    return e;
  }
}

/** reweight_entity: a queued entity's new weight keeps its lag, its deadline and protection scaled alike. */
function reweight(e: Entity, w: number): void {
  if (e.weight === w) return;
  const rq = e.rq;
  if (rq !== undefined) {
    const v = rq.avg();
    const k = e.weight / w;
    const prot = e.vprot - e.vruntime;
    e.vruntime = v - (v - e.vruntime) * k;
    e.deadline = v + (e.deadline - v) * k;
    e.vprot = e.vruntime + prot * k;
  }
  e.weight = w;
}
