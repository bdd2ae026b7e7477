// Linux's EEVDF (kernel/sched/fair.c since 6.6) on each core: the core runs one task at a
// time, and which one is decided at a few moments only, as the kernel does:
// - Every entity (a process, or a task group's share of the core) has a virtual runtime
//   that grows with the CPU it gets, divided by its weight, and a virtual deadline one
//   slice ahead (update_deadline). The queue's average virtual time V weighs them all.
// - The pick (__pick_eevdf): among the eligible entities (virtual runtime at most V: they
//   got no more than their share), the earliest deadline; a group's entity is picked at
//   its level, then one of its own, down to a task. The running entity keeps the core
//   while it is eligible and within the slice it was picked with (RUN_TO_PARITY,
//   set_protect_slice: its deadline when picked).
// - When the pick runs: the running task blocks; the scheduler tick (every 4 ms) finds a
//   running entity past its protected slice (entity_tick, update_curr); a task wakes on
//   the core and either the running entity at some level of the woken one's path is past
//   its protected slice, or the pick at the level they share would take the woken one
//   (check_preempt_wakeup_fair).
// - A woken entity is placed at V less the lag it went to sleep with (place_entity,
//   PLACE_LAG), scaled for the weight it adds; a new process with no lag and half a
//   slice to its deadline (PLACE_DEADLINE_INITIAL). A process that blocks while not
//   eligible stays queued, not runnable, until the pick reaches it (DELAY_DEQUEUE); it
//   leaves then with its lag cut to zero (DELAY_ZERO), so a sleeper neither keeps a debt
//   nor earns credit by sleeping. Lag is clamped to a slice plus a tick (update_entity_lag).
// - A task group's entity weighs its part of the group's weight: its load on this core
//   against its load on all of them, PELT's averages (calc_group_shares; groupLoad.ts),
//   weighed anew as the group's tasks come and go and at each tick; a weight change keeps
//   its lag (reweight_entity).
// - A process whose core a task it woke took (its send's wake-up) has not blocked yet: the
//   kernel preempts it on its way out of the send, still runnable. It stays queued until
//   its core comes back to it and blocks only then; an answer that comes meanwhile finds it
//   runnable and wakes nothing (try_to_wake_up's state check), so it keeps its place.
// With machine.wakeupPreemption "next-buddy", a woken task runs at once as the next buddy
// and a new process preempts nothing (eevdfTasks.ts). Left out: custom slices, nice
// levels, the tick's phase per core (one clock for all), and preemption by a shorter slice
// (all slices are the default).
import type { Time } from '../time.js';
import { TICK } from './cpu.js';

/** sysctl_sched_base_slice before scaling: 0.70 ms (kernel/sched/fair.c). */
const BASE_SLICE: Time = 700;
/** Float slack for comparing virtual times that are sums of many steps. */
const EPS = 1e-9;

/** The base slice on `cores` cores: scaled by 1 + ilog2(min(cores, 8)) (SCHED_TUNABLESCALING_LOG, update_sysctl). */
export function baseSlice(cores: number): Time {
  return BASE_SLICE * (1 + Math.floor(Math.log2(Math.max(1, Math.min(cores, 8)))));
}

export class Entity {
  weight = 1;
  vruntime = 0;
  deadline = 0;
  /** Protected until its virtual runtime reaches this (set when picked). */
  vprot = 0;
  /** Lag kept while off every queue. */
  vlag = 0;
  /** The queue it is on (runnable or delayed). */
  rq: RunQueue | undefined = undefined;
  delayed = false;
  /** Its task now (a process's entity: one at a time); undefined while it sleeps. */
  task: unknown = undefined;
  /** Its runnable tasks below it (a group's entity: how many of the group's tasks run on this core). */
  runnable = 0;
  /**
   * Its task ended and it has not run again yet: it sleeps once the callbacks are done, unless
   * its next task comes; or, preempted in them, when its core next picks it.
   */
  ending = false;
  /** When it last stopped running (-1: it never ran): a task that ran within the migration cost is cache-hot (task_hot). */
  stopped = -1;
  /** A task group's entity: its queue on this core. */
  own: RunQueue | undefined = undefined;
  constructor(readonly seq: number) {}
}

export class RunQueue {
  readonly queued: Entity[] = [];
  /** The entity of this queue on the running task's path, if the running task is below. */
  curr: Entity | undefined = undefined;
  constructor(
    /** The group entity whose queue this is (none: a core's root). */
    readonly owner: Entity | undefined,
    readonly core: number,
  ) {}

  /** V: the queue's average virtual runtime, weighted (avg_vruntime). */
  avg(): number {
    let sw = 0;
    let swv = 0;
    for (const e of this.queued) {
      sw += e.weight;
      swv += e.weight * e.vruntime;
    }
    return sw > 0 ? swv / sw : 0;
  }

  weight(): number {
    let sw = 0;
    for (const e of this.queued) sw += e.weight;
    return sw;
  }
}

function eligible(e: Entity, v: number): boolean {
  return e.vruntime <= v + EPS * Math.max(1, Math.abs(v));
}

/** __pick_eevdf with protection: the entity of `rq` to run now. */
export function pickEevdf(rq: RunQueue): Entity | undefined {
  const q = rq.queued;
  if (q.length <= 1) return q[0];
  const v = rq.avg();
  const running = rq.curr;
  const curr = running !== undefined && eligible(running, v) ? running : undefined;
  if (curr !== undefined && curr.vprot - curr.vruntime > EPS) return curr;
  // The queued ones in the kernel's tree order (by deadline; on a tie, the one queued first),
  // then the running one only if its deadline is strictly earlier (entity_before).
  let best: Entity | undefined;
  for (const e of q) if (e !== running && eligible(e, v) && (best === undefined || e.deadline < best.deadline)) best = e;
  if (curr !== undefined && (best === undefined || curr.deadline < best.deadline)) best = curr;
  if (best !== undefined) return best;
  // Rounding left none eligible: the least virtual runtime.
  for (const e of q) if (best === undefined || e.vruntime < best.vruntime) best = e;
  return best;
}

/** One core's EEVDF queues: the root, and a queue per task group with tasks here. */
export class EevdfCore {
  readonly root: RunQueue;
  /** The running task's entity, if any. */
  running: Entity | undefined = undefined;
  /** The next buddy: a woken task's entity the next pick takes if it can still run (NEXT_BUDDY). */
  next: Entity | undefined = undefined;
  /** The queues whose current entity leads to the running task. */
  private readonly path: RunQueue[] = [];
  private now: Time = 0;

  constructor(
    readonly core: number,
    readonly slice: Time,
    /** Hears each entity the core switches to from another (the cache refill's switch-in). */
    private readonly switchedIn: (e: Entity) => void = () => undefined,
  ) {
    this.root = new RunQueue(undefined, core);
  }

  /** The task's entity has run `dt`: it and every group entity above it move on. */
  charge(dt: number): void {
    for (let e = this.running; e !== undefined; e = e.rq?.owner) {
      e.vruntime += dt / e.weight;
      // update_deadline: a slice used, the next deadline.
      if (e.vruntime >= e.deadline - EPS) e.deadline = e.vruntime + this.slice / e.weight;
    }
  }

  /** place_entity: `e` joins `rq` at V less its lag. */
  place(e: Entity, rq: RunQueue, initial: boolean): void {
    const v = rq.avg();
    let lag = e.vlag;
    const load = rq.weight();
    if (rq.queued.length > 0 && lag !== 0 && load > 0) lag = (lag * (load + e.weight)) / load;
    e.vruntime = v - lag;
    const vslice = this.slice / e.weight;
    e.deadline = e.vruntime + (initial ? vslice / 2 : vslice);
    e.rq = rq;
    e.delayed = false;
    rq.queued.push(e);
  }

  /** update_entity_lag, then off its queue (not delayed). */
  detach(e: Entity): void {
    const rq = e.rq!;
    const limit = (this.slice + TICK) / e.weight;
    const lag = rq.avg() - e.vruntime;
    e.vlag = Math.max(-limit, Math.min(limit, lag));
    const i = rq.queued.indexOf(e);
    rq.queued.splice(i, 1);
    if (rq.curr === e) rq.curr = undefined;
    e.rq = undefined;
    e.delayed = false;
  }

  /** A delayed entity leaves at last (finish_delayed_dequeue_entity): with no credit. */
  finishDelayed(e: Entity): void {
    const rq = e.rq!;
    this.detach(e);
    if (e.vlag > 0) e.vlag = 0;
    this.emptied(rq);
  }

  /** A queue whose last entity left: its group's entity leaves the level above, as a sleeper. */
  private emptied(rq: RunQueue): void {
    if (rq.queued.length > 0 || rq.owner === undefined || rq.owner.rq === undefined) return;
    this.sleep(rq.owner);
  }

  /** dequeue_entity on sleep: delayed if not eligible (DELAY_DEQUEUE), else off with its lag. */
  sleep(e: Entity): void {
    const rq = e.rq!;
    if (rq.curr === e) rq.curr = undefined;
    if (!eligible(e, rq.avg())) {
      e.delayed = true;
      return;
    }
    this.detach(e);
    this.emptied(rq);
  }

  /** Off its queue without sleeping (a migration, a group change, a kill): its lag kept, never delayed. */
  leave(e: Entity): void {
    const rq = e.rq!;
    this.detach(e);
    this.emptied(rq);
  }

  /**
   * `e` becomes runnable on `rq`: placed if off every queue; a delayed one is requeued
   * where it is, re-placed with no lag if it has credit (requeue_delayed_entity, DELAY_ZERO).
   * Group entities above are enqueued as needed.
   */
  enqueue(e: Entity, rq: RunQueue, initial: boolean): void {
    if (e.rq === rq && e.delayed) {
      e.delayed = false;
      const lag = rq.avg() - e.vruntime;
      if (lag > 0) {
        rq.queued.splice(rq.queued.indexOf(e), 1);
        e.rq = undefined;
        e.vlag = 0;
        this.place(e, rq, false);
      }
    } else if (e.rq === undefined) this.place(e, rq, initial);
    const owner = rq.owner;
    if (owner !== undefined && (owner.rq === undefined || owner.delayed)) this.enqueue(owner, this.root, false);
  }

  /**
   * The pick (pick_next_task_fair): from the root down, each level's pick; a delayed
   * entity picked leaves and the pick starts again. Sets each level's current entity, and
   * protects a newly picked one for the rest of its slice.
   */
  pick(now: Time): Entity | undefined {
    this.now = now;
    const buddy = this.next;
    this.next = undefined;
    if (buddy !== undefined && runnableHere(buddy)) {
      this.setRunning(buddy);
      return buddy;
    }
    for (;;) {
      let rq = this.root;
      let e = pickEevdf(rq);
      if (e === undefined) {
        this.setRunning(undefined);
        return undefined;
      }
      let restart = false;
      for (;;) {
        if (e.delayed) {
          this.finishDelayed(e);
          restart = true;
          break;
        }
        if (e.own === undefined && e.task === undefined && e.ending) {
          // Preempted before it blocked (EevdfTasks.sleep), and nothing came for it since: it blocks now.
          e.ending = false;
          if (this.running === e) this.running = undefined;
          this.sleep(e);
          restart = true;
          break;
        }
        if (e.own === undefined) break;
        rq = e.own;
        const next = pickEevdf(rq);
        if (next === undefined) {
          // A group queue left empty: its entity goes.
          this.leave(e);
          restart = true;
          break;
        }
        e = next;
      }
      if (restart) continue;
      this.setRunning(e);
      return e;
    }
  }

  private setRunning(leaf: Entity | undefined): void {
    // Each level's current entity: kept where the path is the same, newly protected where it changed.
    const keep = new Set<Entity>();
    for (let e = leaf; e !== undefined; e = e.rq?.owner) keep.add(e);
    for (const rq of this.path) if (rq.curr !== undefined && !keep.has(rq.curr)) rq.curr = undefined;
    this.path.length = 0;
    const switched = leaf !== undefined && leaf !== this.running;
    if (this.running !== undefined && this.running !== leaf) this.running.stopped = this.now;
    this.running = leaf;
    if (switched) this.switchedIn(leaf);
    for (let e = leaf; e !== undefined; e = e.rq?.owner) {
      const rq = e.rq!;
      this.path.push(rq);
      if (rq.curr !== e) {
        rq.curr = e;
        e.vprot = e.deadline; // set_protect_slice
      }
    }
  }

  /** The running entity is gone or asleep: the pick runs. */
  needsPick(): boolean {
    const r = this.running;
    return r === undefined ? this.root.queued.length > 0 : r.rq === undefined || r.delayed || (r.task === undefined && !r.ending);
  }

  /** entity_tick: some level's running entity is past its protected slice with others queued. */
  tickWantsPick(): boolean {
    for (let e = this.running; e !== undefined; e = e.rq?.owner) {
      const rq = e.rq!;
      if (rq.queued.length > 1 && e.vruntime >= e.vprot - EPS) return true;
    }
    return false;
  }

  /**
   * check_preempt_wakeup_fair after `woken` was enqueued: a running entity on the woken
   * one's path past its protected slice (update_curr), or the pick at the level both share
   * takes the woken one's side.
   */
  wakeupWantsPick(woken: Entity): boolean {
    if (this.running === undefined) return true;
    for (let e: Entity | undefined = woken; e !== undefined; e = e.rq?.owner) {
      const rq = e.rq!;
      const curr = rq.curr;
      if (curr === undefined) continue;
      if (rq.queued.length > 1 && curr.vruntime >= curr.vprot - EPS) return true;
      // The level both share: the woken side against the running side.
      return curr !== e && pickEevdf(rq) === e;
    }
    return false;
  }
}

/** A task's entity still queued, runnable, and every group entity above it too. */
function runnableHere(e: Entity): boolean {
  if (e.task === undefined) return false;
  for (let x: Entity | undefined = e; x !== undefined; x = x.rq?.owner) if (x.rq === undefined || x.delayed) return false;
  return true;
}
