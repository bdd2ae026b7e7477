// Linux's per-CPU run queues: every core has its own, and a runnable task waits on its
// core's queue even while another core is idle. Where a task runs is decided when its
// process wakes or starts:
// - A process wakes on the core it last ran on. A trace of the kit's stack showed it
//   (calibration/wakeups.sh): PostgreSQL's backends woke on their previous core nearly
//   every time, also while the other core was idle.
// - A new process (a fork) is placed as kernel/sched/fair.c find_idlest_group does it:
//   each core is classed by its runnable tasks and its load averages (PELT) as having
//   spare capacity, fully busy or overloaded; the child stays on its parent's core unless
//   another core is in a lighter class, or in the same class has an idle CPU where the
//   parent's has none (spare), or carries less than 1/1.17 of its load (busy).
// - A new process counts on its core at once: the kernel starts its PELT averages with its
//   load at its full weight and its utilization at a share of its core's spare capacity
//   (init_entity_runnable_average, post_init_entity_util_avg) and attaches them to the core
//   it was placed on. So a parent forking in a burst soon finds its own core overloaded and
//   sends the next children to the other one, as a trace of the kit's stack shows from a
//   wave's first milliseconds (calibration/wave_wakes.sh); without it the model kept a
//   wave's first forks all on the postmaster's core.
// - An idle core pulls a task from the busiest core at the next scheduler tick
//   (CONFIG_HZ 250: every 4 ms) of a core that has more than one task: nohz_balancer_kick
//   wakes the idle core to balance (kernel/sched/fair.c). It pulls the task that has been
//   on that core longest, and the process runs there from then on. The kernel also
//   balances a core the moment it goes idle (newidle_balance), but refuses to move a task
//   that ran within the last half millisecond (task_hot); under processor sharing every
//   task on a core has just run, so the model leaves that path out. Measured against the
//   trace (calibration/wakeups.sh): with both paths the worker moved 37-39 times a second
//   and waited beside an idle core 0.06 of the time, with the tick's alone 13-20 and 0.09,
//   the real worker 12-20 and 0.11-0.12.
// - uvicorn's accept race decides its woken workers' cores itself (src/model/server/uvicorn.ts,
//   CoreWaiters): it asks where a woken process can run at once (idleCoreFor: its previous
//   core if idle, else an idle one, select_idle_sibling) and hears when a core goes idle
//   (watchIdle), which is when a worker waiting on that core's queue runs, or one waiting
//   on another core's is pulled (newidle_balance: it has not run since it slept).
// On each core the runnable tasks share it as in grouped.ts: a task group (a session, a
// cgroup) with tasks on several cores has, on each, the part of its weight that its tasks
// there carry (calc_group_shares), and a task alone in its group weighs one.
//
// - A task woken onto an idle core starts after the machine's wake-up latency
//   (machine.wakeupLatency, measured by calibration/wakeup_latency.sh): the waker's
//   interrupt, the core's exit from idle, on a VM the host scheduling that virtual CPU. It
//   is time, not CPU: nothing runs on that core meanwhile, and a task woken there in the
//   meantime starts with it. A core that went idle at this very moment (a process's task
//   ended and its next one starts) has not slept.
// - A process with a cache refill cost (cacheRefill.ts: gunicorn's workers, when measured)
//   pays it when it wakes on a core, or is pulled to one, after other such processes ran
//   there: by how many distinct ones since it last ran there, as each core's list of them,
//   most recent first, tells. Its pieces of work that follow one another without a pause
//   are one run and pay once; the processes with no such cost (PostgreSQL's, hey) neither
//   pay nor count, their working sets being small beside a Python worker's.
// Exact: rates are piecewise constant; on every start or end each task's remaining work
// is brought up to date and the earliest end rescheduled. That costs the number of
// runnable tasks per change, which is fine for the few hundred of a connection storm.
import type { Distribution } from '../distributions.js';
import type { Callback } from '../eventQueue.js';
import type { Uniform } from '../random.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import { CoreRefills } from './cacheRefill.js';
import { type Cpu, type OnCore, TICK } from './cpu.js';
import { baseSlice, EevdfCore, Entity, RunQueue } from './eevdf.js';

/** sysctl_sched_migration_cost: a task that ran within it is cache-hot, not pulled by a newly idle core (task_hot). */
const MIGRATION_COST: Time = 500;
/** PELT's half-life: a contribution halves every 32 periods of 1024 µs (LOAD_AVG_PERIOD). */
const HALF_LIFE: Time = 32 * 1024;
/** The sched_domain's imbalance_pct for the cores of one cache (sd_init): 117 %. */
const IMBALANCE = 1.17;

/** find_idlest_group's classes of a core, lightest first (group_classify). */
const HAS_SPARE = 0;
const FULLY_BUSY = 1;
const OVERLOADED = 2;

/** A task group's runnable tasks, in all. */
class CoreGroup {
  total = 0;
  /** EEVDF: the group's entity on each core (created when a task of it first runs there). */
  entities: (Entity | undefined)[] | undefined = undefined;
}

/** machine.wakeupLatency: drawn, in whole microseconds, for each wake-up of an idle core. */
export interface WakeupLatency {
  distribution: Distribution;
  uniform: Uniform;
}

interface CoreTask {
  process: OnCore | undefined;
  /** When it starts running: later than its wake-up while its idle core wakes. */
  from: Time;
  left: number;
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

export class PerCoreCpu implements Cpu {
  readonly placesProcesses = true;
  private readonly tasks: CoreTask[] = [];
  /** Runnable tasks on each core. */
  private readonly onCore: number[];
  /** Each core's load: its tasks' weights (a lone task one, a group's task its part of one). */
  private readonly weight: number[];
  /** PELT averages of each core: busy (util), runnable tasks (runnable), weight (load). */
  private readonly util: number[];
  private readonly runnableAvg: number[];
  private readonly loadAvg: number[];
  private updated: Time = 0;
  /** A tick's balancing is scheduled. */
  private tickPending = false;
  /** From 1: a task id of 0 means "none" to callers (HttpRequest.cpuTask). */
  private seq = 1;
  private token = 0;
  /** Told each time a core goes idle (watchIdle): uvicorn's woken workers waiting for a core. */
  private readonly idleWatchers: ((core: number) => boolean)[] = [];
  /** When each core last went idle, and until when it is waking (wake-up latency). */
  private readonly idleSince: Time[];
  private readonly wakeUntil: Time[];
  /** Which processes with a cache refill cost ran on each core, and when each woke. */
  private readonly refills: CoreRefills;
  /** EEVDF's one task at a time on each core (eevdf.ts); none: the core is shared among its tasks. */
  private readonly eevdf: EevdfCore[] | undefined;
  private readonly entities = new WeakMap<object, Entity>();
  private entitySeq = 0;
  private slicePending = false;
  /** A core went idle since the last look: under EEVDF it balances at once (newidle_balance). */
  private wentIdle = false;
  private inCallbacks = false;

  constructor(
    private readonly sim: Simulation,
    readonly cores: number,
    private readonly wakeup?: WakeupLatency,
    eevdf = false,
  ) {
    const slice = baseSlice(cores);
    this.eevdf = eevdf ? Array.from({ length: cores }, (_, c) => new EevdfCore(c, slice)) : undefined;
    const zeros = () => new Array<number>(cores).fill(0);
    this.idleSince = zeros();
    this.wakeUntil = zeros();
    this.refills = new CoreRefills(cores);
    this.onCore = zeros();
    this.weight = zeros();
    this.util = zeros();
    this.runnableAvg = zeros();
    this.loadAvg = zeros();
  }

  runnable(): number {
    return this.tasks.length;
  }

  /**
   * Where a process woken now runs at once (select_task_rq_fair, then select_idle_sibling):
   * its previous core if idle, else the first idle core after it, in the order
   * select_idle_cpu scans the cache's cores (for_each_cpu_wrap from the target); -1 when
   * every core has a task, and it waits on its previous core's queue. Only uvicorn's accept
   * race asks (src/model/server/uvicorn.ts); the tasks `run` starts wake on their previous
   * core, as the trace of the kit's backends showed (see the top of this file).
   */
  idleCoreFor(process: OnCore): number {
    const prev = process.cpuCore >= 0 && process.cpuCore < this.cores ? process.cpuCore : -1;
    if (prev >= 0 && this.onCore[prev] === 0) return prev;
    for (let i = 1; i <= this.cores; i++) {
      const c = (prev + i) % this.cores;
      if (this.onCore[c] === 0) return c;
    }
    return -1;
  }

  /**
   * `fn(core)` is called each time a core goes idle: its last runnable task ended or was
   * cancelled, and none started there meanwhile. It answers whether it ran something there;
   * if that left the core idle again at once (it blocked), it is asked again.
   */
  watchIdle(fn: (core: number) => boolean): void {
    this.idleWatchers.push(fn);
  }

  /** A task of a process alone in its group; `process` keeps the core it runs on from one task to the next. */
  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B, process?: OnCore): number {
    return this.runIn(undefined, work, fn, a, b, process);
  }

  /** A group whose tasks share one weight (a session, a cgroup). */
  group(): Cpu {
    const g = new CoreGroup();
    return {
      cores: this.cores,
      placesProcesses: true,
      run: (work, fn, a, b, process) => this.runIn(g, work, fn, a, b, process),
      cancel: (id) => this.cancel(id),
      runnable: () => this.tasks.length,
      idleCoreFor: (process) => this.idleCoreFor(process),
      watchIdle: (fn) => this.watchIdle(fn),
    };
  }

  /** @internal */
  runIn<A, B>(g: CoreGroup | undefined, work: Time, fn: Callback<A, B>, a: A, b: B | undefined, process: OnCore | undefined): number {
    this.advance();
    let core = process !== undefined ? process.cpuCore : -1;
    const newProcess = core < 0 || core >= this.cores;
    if (newProcess) {
      core = this.placeNew(process?.parent);
      if (process !== undefined) {
        process.cpuCore = core;
        this.attachNew(core);
      }
    }
    const id = this.seq++;
    if (process?.cacheRefill !== undefined) work += this.refills.started(process, core, this.sim.now);
    const task: CoreTask = { process, from: this.startOn(core), left: work, rate: 0, core, group: g, entity: undefined, seq: id, fn, a, b };
    this.tasks.push(task);
    this.onCore[core]++;
    if (g !== undefined) g.total++;
    if (this.eevdf !== undefined) this.wake(task, process !== undefined && newProcess);
    this.balanceOnTick();
    this.shareOut();
    this.reschedule();
    return id;
  }

  /** EEVDF: the queue a task of group `g` joins on `core`: the root, or its group's own there. */
  private queueOf(g: CoreGroup | undefined, core: number): RunQueue {
    const ev = this.eevdf![core];
    if (g === undefined) return ev.root;
    g.entities ??= new Array<Entity | undefined>(this.cores).fill(undefined);
    let ge = g.entities[core];
    if (ge === undefined) {
      ge = new Entity(this.entitySeq++);
      ge.own = new RunQueue(ge, core);
      g.entities[core] = ge;
    }
    return ge.own!;
  }

  /** EEVDF: `t` is runnable on its core: its entity is enqueued, and the core's pick runs if the wake-up preempts. */
  private wake(t: CoreTask, initial: boolean): void {
    const ev = this.eevdf![t.core];
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
      this.eevdf![e.rq.core].leave(e);
      if (moved) e.vlag = 0;
    }
    ev.enqueue(e, rq, initial);
    if (moved || (ev.running !== undefined && ev.running !== e && ev.wakeupWantsPick(e))) ev.pick(this.sim.now);
  }

  /** EEVDF: a group's runnable tasks on `core` changed: its entities there and elsewhere weigh their parts anew. */
  private countGroup(g: CoreGroup | undefined, core: number, by: number): void {
    if (g === undefined || g.entities === undefined) return;
    const ge = g.entities[core];
    if (ge !== undefined) ge.runnable += by;
    if (g.total <= 0) return;
    for (const x of g.entities) if (x !== undefined && x.runnable > 0) reweight(x, x.runnable / g.total);
  }

  /** EEVDF: a task ended or was cancelled: its group's count on its core drops. */
  private unlink(t: CoreTask): Entity {
    const e = t.entity!;
    this.countGroup(t.group, t.core, -1);
    if (e.task === t) e.task = undefined;
    return e;
  }

  /** EEVDF: a cancelled task's process is gone: its entity leaves at once. */
  private killed(t: CoreTask): void {
    const e = this.unlink(t);
    if (e.rq !== undefined) this.eevdf![e.rq.core].leave(e);
  }

  /** EEVDF: the ended tasks' processes run their callbacks; those that did not go on at once sleep. */
  private endedEevdf(done: CoreTask[]): void {
    const ending = done.map((t) => {
      const e = this.unlink(t);
      e.ending = true;
      return e;
    });
    // A core is not idle while the process that just ran there may go on at once.
    this.inCallbacks = true;
    this.shareOut();
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
    this.inCallbacks = false;
    for (const e of ending) {
      if (!e.ending) continue;
      e.ending = false;
      if (e.rq !== undefined) this.eevdf![e.rq.core].sleep(e);
    }
    this.advance();
    this.balanceOnTick();
    this.shareOut();
    this.reschedule();
    if (this.idleWatchers.length > 0) for (let c = 0; c < this.cores; c++) if (done.some((t) => t.core === c)) this.tellIdle(c);
  }

  /** EEVDF: `t` is pulled to core `to`: its entity leaves its queue with its lag and joins there. */
  private migrate(t: CoreTask, to: number): void {
    const e = t.entity!;
    this.countGroup(t.group, t.core, -1);
    if (e.rq !== undefined) this.eevdf![e.rq.core].leave(e);
    const rq = this.queueOf(t.group, to);
    this.countGroup(t.group, to, 1);
    this.eevdf![to].enqueue(e, rq, false);
  }

  /**
   * EEVDF: a core that just went idle pulls a waiting task from the busiest core at once
   * (newidle_balance), the one there longest, unless every waiting task there ran within
   * the migration cost (sysctl_sched_migration_cost, 0.5 ms: task_hot). Under processor
   * sharing every task has just run, which is why the model has no such path there.
   */
  private newIdle(): void {
    if (!this.wentIdle || this.inCallbacks) return;
    this.wentIdle = false;
    const now = this.sim.now;
    const ev = this.eevdf!;
    for (let to = 0; to < this.cores; to++) {
      if (this.onCore[to] !== 0 || this.idleSince[to] !== now) continue;
      const from = this.busiest();
      if (from < 0) return;
      let oldest: CoreTask | undefined;
      for (const t of this.tasks) {
        const e = t.entity!;
        if (t.core !== from || ev[from].running === e || (e.stopped >= 0 && now - e.stopped < MIGRATION_COST)) continue;
        if (oldest === undefined || t.seq < oldest.seq) oldest = t;
      }
      if (oldest === undefined) continue;
      this.migrate(oldest, to);
      this.onCore[from]--;
      this.onCore[to]++;
      oldest.core = to;
      const p = oldest.process;
      if (p !== undefined) p.cpuCore = to;
      if (p?.cacheRefill !== undefined) oldest.left += this.refills.moved(p, to);
      ev[to].pick(now);
    }
  }

  /** EEVDF: the scheduler tick is due on a core with others waiting behind its running task. */
  private armSliceTick(): void {
    if (this.slicePending) return;
    let busy = false;
    for (const ev of this.eevdf!)
      if (ev.root.queued.length > 1 || (ev.running?.rq !== undefined && ev.running.rq.queued.length > 1)) busy = true;
    if (!busy) return;
    this.slicePending = true;
    const now = this.sim.now;
    this.sim.schedule((Math.floor(now / TICK) + 1) * TICK - now, this.sliceTick, undefined);
  }

  private readonly sliceTick = (): void => {
    this.slicePending = false;
    this.advance();
    for (const ev of this.eevdf!) if (ev.tickWantsPick()) ev.pick(this.sim.now);
    this.shareOut();
    this.reschedule();
  };

  /** When a task woken onto `core` now starts: at once, or when the idle core has woken. */
  private startOn(core: number): Time {
    const now = this.sim.now;
    if (this.wakeup === undefined) return now;
    if (now < this.wakeUntil[core]) return this.wakeUntil[core];
    if (this.onCore[core] > 0 || this.idleSince[core] >= now) return now;
    const latency = Math.max(0, Math.round(this.wakeup.distribution.sample(this.wakeup.uniform)));
    if (latency === 0) return now;
    this.wakeUntil[core] = now + latency;
    this.sim.schedule(latency, this.woken, undefined);
    return now + latency;
  }

  /** A core has woken: its tasks start. */
  private readonly woken = (): void => {
    this.advance();
    this.shareOut();
    this.reschedule();
  };

  cancel(id: number): void {
    const i = this.tasks.findIndex((t) => t.seq === id);
    if (i < 0) return; // it has ended
    this.advance();
    const core = this.tasks[i].core;
    this.remove(this.tasks[i]);
    if (this.eevdf !== undefined) this.killed(this.tasks[i]);
    this.tasks.splice(i, 1);
    this.balanceOnTick();
    this.shareOut();
    this.reschedule();
    if (this.idleWatchers.length > 0) this.tellIdle(core);
  }

  /** Core `c` is idle, unless a task started there since: each watcher hears it while it stays so. */
  private tellIdle(c: number): void {
    for (const fn of this.idleWatchers) {
      let ran = true;
      while (ran && this.onCore[c] === 0) ran = fn(c);
    }
  }

  /** The core of a new process: its parent's, unless another is lighter. */
  private placeNew(parent: OnCore | undefined): number {
    if (this.cores === 1) return 0;
    if (parent === undefined || parent.cpuCore < 0 || parent.cpuCore >= this.cores) {
      // No parent that has run (a thread of many, a process the model starts itself): the lightest core.
      let best = 0;
      for (let c = 1; c < this.cores; c++) if (this.lighter(c, best)) best = c;
      return best;
    }
    const local = parent.cpuCore;
    // The lightest other core (update_pick_idlest): lower class, then more idle, then less load.
    let idlest = -1;
    for (let c = 0; c < this.cores; c++) {
      if (c === local) continue;
      if (idlest < 0 || this.lighter(c, idlest)) idlest = c;
    }
    // The parent forks while it runs: it counts on its core (once).
    const forking = this.tasks.some((t) => t.process === parent) ? 0 : 1;
    const here = this.classOf(local, forking);
    const there = this.classOf(idlest, 0);
    if (here !== there) return here < there ? local : idlest;
    if (here === HAS_SPARE) return this.onCore[idlest] === 0 && this.onCore[local] + forking > 0 ? idlest : local;
    return this.loadAvg[local] > IMBALANCE * this.loadAvg[idlest] ? idlest : local;
  }

  private lighter(c: number, than: number): boolean {
    const x = this.classOf(c, 0);
    const y = this.classOf(than, 0);
    if (x !== y) return x < y;
    if (x === HAS_SPARE) return (this.onCore[c] === 0 ? 1 : 0) > (this.onCore[than] === 0 ? 1 : 0) || this.util[c] < this.util[than];
    return this.loadAvg[c] < this.loadAvg[than];
  }

  /** group_classify for a core of capacity one: overloaded, spare capacity, or fully busy. */
  private classOf(c: number, extra: number): number {
    const n = this.onCore[c] + extra;
    if (n > 1 && (this.util[c] * IMBALANCE > 1 || this.runnableAvg[c] > IMBALANCE)) return OVERLOADED;
    if (n < 1 || (this.util[c] * IMBALANCE <= 1 && this.runnableAvg[c] <= IMBALANCE)) return HAS_SPARE;
    return FULLY_BUSY;
  }

  /**
   * A new process's PELT averages as the kernel starts them (init_entity_runnable_average,
   * post_init_entity_util_avg): its load at its full weight, its util and runnable averages
   * at its core's util over its load, at most half the core's spare capacity; all of it
   * attached to the core at once.
   */
  private attachNew(c: number): void {
    const u = this.util[c];
    let init = Math.max(0, (1 - u) / 2);
    if (u > 0) init = Math.min(init, u / (this.loadAvg[c] + 1 / 1024));
    this.util[c] += init;
    this.runnableAvg[c] += init;
    this.loadAvg[c] += 1;
  }

  private remove(t: CoreTask): void {
    if (--this.onCore[t.core] === 0) {
      this.idleSince[t.core] = this.sim.now;
      this.wentIdle = true;
    }
    if (t.process?.cacheRefill !== undefined) this.refills.ended(t.process, this.sim.now);
    if (t.group !== undefined) t.group.total--;
  }

  /** Work done since the last change, at the rates since then; the cores' averages too. */
  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.updated;
    this.updated = now;
    if (dt === 0) return;
    for (const t of this.tasks) t.left -= dt * t.rate;
    if (this.eevdf !== undefined) for (const t of this.tasks) if (t.rate > 0) this.eevdf[t.core].charge(dt * t.rate);
    const keep = 2 ** (-dt / HALF_LIFE);
    for (let c = 0; c < this.cores; c++) {
      const n = this.onCore[c];
      this.util[c] = this.util[c] * keep + (n > 0 ? 1 - keep : 0);
      this.runnableAvg[c] = this.runnableAvg[c] * keep + n * (1 - keep);
      this.loadAvg[c] = this.loadAvg[c] * keep + this.weight[c] * (1 - keep);
    }
  }

  /** Each core's weight, then each task's speed: its share of its core (none before it starts). */
  private shareOut(): void {
    const w = this.weight;
    const now = this.sim.now;
    w.fill(0);
    for (const t of this.tasks) if (t.from <= now) w[t.core] += t.group === undefined ? 1 : 1 / t.group.total;
    if (this.eevdf !== undefined) {
      const ev = this.eevdf;
      for (const x of ev) if (x.needsPick()) x.pick(now);
      this.newIdle();
      for (const t of this.tasks) t.rate = t.from <= now && ev[t.core].running === t.entity ? 1 : 0;
      this.armSliceTick();
      return;
    }
    for (const t of this.tasks) t.rate = t.from <= now ? (t.group === undefined ? 1 : 1 / t.group.total) / w[t.core] : 0;
  }

  private reschedule(): void {
    const token = ++this.token;
    let wait = Number.POSITIVE_INFINITY;
    for (const t of this.tasks) {
      if (t.rate === 0) continue; // its core is still waking
      const left = t.left / t.rate;
      if (left < wait) wait = left;
    }
    if (wait === Number.POSITIVE_INFINITY) return;
    // Rounded up to whole microseconds: simulated time is an integer.
    this.sim.schedule(Math.max(0, Math.ceil(wait - 1e-9)), this.ended, token);
  }

  private readonly ended = (token: number): void => {
    if (token !== this.token) return;
    this.advance();
    // Every task whose work is done (within rounding) ends now, oldest first.
    const done: CoreTask[] = [];
    let soonest = -1;
    for (let i = 0; i < this.tasks.length; i++) {
      const t = this.tasks[i];
      if (t.rate === 0) continue; // its core is still waking
      if (t.left <= 1e-6) done.push(t);
      else if (soonest < 0 || t.left / t.rate < this.tasks[soonest].left / this.tasks[soonest].rate) soonest = i;
    }
    // Rounding left a sliver: it is done.
    if (done.length === 0 && soonest >= 0) done.push(this.tasks[soonest]);
    for (const t of done) {
      this.remove(t);
      this.tasks.splice(this.tasks.indexOf(t), 1);
    }
    if (done.length > 1) done.sort(bySeq);
    if (this.eevdf !== undefined) {
      this.endedEevdf(done);
      return;
    }
    this.balanceOnTick();
    this.shareOut();
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
    // After the callbacks: a process whose task ended and that runs again at once (its next
    // piece of work) kept its core busy.
    if (this.idleWatchers.length > 0) for (let c = 0; c < this.cores; c++) if (done.some((t) => t.core === c)) this.tellIdle(c);
  };

  /** A core with more than one task beside an idle core: its next tick kicks the idle core to balance. */
  private balanceOnTick(): void {
    if (this.tickPending || this.idleCore() < 0 || this.busiest() < 0) return;
    this.tickPending = true;
    const now = this.sim.now;
    this.sim.schedule((Math.floor(now / TICK) + 1) * TICK - now, this.tick, undefined);
  }

  private readonly tick = (): void => {
    this.tickPending = false;
    if (this.idleCore() < 0 || this.busiest() < 0) return;
    this.advance();
    for (let idle = this.idleCore(); idle >= 0 && this.busiest() >= 0; idle = this.idleCore()) this.pull(idle);
    this.shareOut();
    this.reschedule();
  };

  private idleCore(): number {
    for (let c = 0; c < this.cores; c++) if (this.onCore[c] === 0) return c;
    return -1;
  }

  /** The core with the most tasks, if it has more than one (the first such, on a tie). */
  private busiest(): number {
    let best = -1;
    for (let c = 0; c < this.cores; c++) if (this.onCore[c] > 1 && (best < 0 || this.onCore[c] > this.onCore[best])) best = c;
    return best;
  }

  /** `to` takes the task that has been on the busiest core longest; its process runs there from now on. */
  private pull(to: number): void {
    const from = this.busiest();
    let oldest: CoreTask | undefined;
    for (const t of this.tasks)
      if (
        t.core === from &&
        (this.eevdf === undefined || this.eevdf[from].running !== t.entity) &&
        (oldest === undefined || t.seq < oldest.seq)
      )
        oldest = t;
    const t = oldest!;
    if (this.eevdf !== undefined) this.migrate(t, to);
    this.onCore[from]--;
    this.onCore[to]++;
    t.core = to;
    const p = t.process;
    if (p !== undefined) p.cpuCore = to;
    // Moved, it runs on a core whose caches hold others' memory, however long it ran before.
    if (p?.cacheRefill !== undefined) t.left += this.refills.moved(p, to);
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

function bySeq(x: CoreTask, y: CoreTask): number {
  return x.seq - y.seq;
}
