// Linux's per-CPU run queues: every core has its own, and a runnable task waits on its
// core's queue even while another core is idle. A process wakes on the core it last ran on:
// a trace of the kit's stack showed it (calibration/wakeups.sh), PostgreSQL's backends woke
// on their previous core nearly every time, also while the other core was idle. This file
// runs the tasks; each other decision of the kernel's has a file of its own:
// - coreQueues.ts: the runnable tasks, the core each waits on, each core's load.
// - forkPlacement.ts: the core a new process starts on (find_idlest_group).
// - idleBalance.ts: an idle core pulls a task from a busy one (nohz_balancer_kick, and
//   newidle_balance under EEVDF).
// - idleCores.ts: which cores are idle, and since when; uvicorn's accept race asks.
// - wakeupLatency.ts: a task woken onto an idle core waits for the core to wake.
// - eevdfTasks.ts and eevdf.ts: with machine.timeSlices "eevdf", one task at a time on each
//   core. Without it the runnable tasks share their core as in grouped.ts: a task group (a
//   session, a cgroup) with tasks on several cores has, on each, the part of its weight that
//   its tasks there carry (calc_group_shares), and a task alone in its group weighs one.
// - cacheRefill.ts: a process with a cache refill cost (gunicorn's workers, when measured)
//   pays it when it wakes on a core, or is pulled to one, after other such processes ran
//   there: by how many distinct ones since it last ran there. Its pieces of work that follow
//   one another without a pause are one run and pay once; the processes with no such cost
//   (PostgreSQL's, hey) neither pay nor count, their working sets being small beside a
//   Python worker's. Under EEVDF, where a core runs one task at a time, it pays each time
//   the core switches to it, woken or preempted before.
// Exact: rates are piecewise constant; on every start or end each task's remaining work
// is brought up to date and the earliest end rescheduled. That costs the number of
// runnable tasks per change, which is fine for the few hundred of a connection storm;
// thousands (ten thousand sync workers on a few cores) would cost minutes within the
// event budget, so the tasks gone over are counted (`steps`), and the run stops past them.
import type { Callback } from '../eventQueue.js';
import type { SideSteps } from '../sideSteps.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import { CoreRefills } from './cacheRefill.js';
import { bySeq, CoreGroup, CoreQueues, type CoreTask } from './coreQueues.js';
import { GroupLoad, GroupLoads } from './groupLoad.js';
import type { Cpu, OnCore, UnfinishedTask } from './cpu.js';
import { EevdfTasks, type WakeupPreemption } from './eevdfTasks.js';
import { ForkPlacement } from './forkPlacement.js';
import { IdleBalance } from './idleBalance.js';
import { IdleCores } from './idleCores.js';
import { CoreWakeups, type WakeupLatency } from './wakeupLatency.js';

export class PerCoreCpu implements Cpu {
  readonly placesProcesses = true;
  private readonly queues: CoreQueues;
  private readonly idle: IdleCores;
  private readonly placement: ForkPlacement;
  private readonly wakeups: CoreWakeups;
  private readonly balance: IdleBalance;
  /** Which processes with a cache refill cost ran on each core, and when each woke. */
  private readonly refills: CoreRefills;
  /** EEVDF's one task at a time on each core; none: the core is shared among its tasks. */
  private readonly eevdf: EevdfTasks | undefined;
  private updated: Time = 0;
  /** EEVDF: PELT's load averages of the task groups, which their weight on each core follows. */
  private readonly loads: GroupLoads | undefined;
  /** From 1: a task id of 0 means "none" to callers (HttpRequest.cpuTask). */
  private seq = 1;
  private token = 0;
  /** EEVDF: the ended tasks' callbacks are running, and a newly idle core does not balance yet. */
  private inCallbacks = false;

  constructor(
    private readonly sim: Simulation,
    readonly cores: number,
    wakeup?: WakeupLatency,
    eevdf = false,
    /** Under EEVDF: when a woken task takes the core (EevdfTasks). */
    wakeupPreemption: WakeupPreemption = 'pick',
    /** Counts the runnable tasks gone over at each change (every host's together), which no event counts. */
    private readonly steps?: SideSteps,
  ) {
    this.queues = new CoreQueues(cores);
    this.idle = new IdleCores(this.queues);
    this.placement = new ForkPlacement(this.queues);
    this.refills = new CoreRefills(cores);
    this.wakeups = new CoreWakeups(sim, this.queues, this.idle, wakeup, this.woken);
    this.eevdf = eevdf
      ? new EevdfTasks(sim, this.queues, this.sliceTick, wakeupPreemption, (t) => {
          // A worker the core switches to, woken or preempted before, refills what others evicted.
          if (t.process?.cacheRefill !== undefined) t.left += this.refills.runsAgain(t.process, t.core);
        })
      : undefined;
    this.loads = eevdf ? new GroupLoads() : undefined;
    this.balance = new IdleBalance(sim, this.queues, this.idle, this.refills, this.eevdf, this.tick, (t, from, to) => {
      if (t.group?.load !== undefined) this.loads!.migrate(t.group.load, from, to, this.sim.now, t.process);
    });
  }

  runnable(): number {
    return this.queues.tasks.length;
  }

  /** Where a process woken now runs at once, or -1 (IdleCores.coreFor). */
  idleCoreFor(process: OnCore): number {
    return this.idle.coreFor(process);
  }

  /** `fn(core)` hears each time a core goes idle (IdleCores.watch). */
  watchIdle(fn: (core: number) => boolean): void {
    this.idle.watch(fn);
  }

  /** A task of a process alone in its group; `process` keeps the core it runs on from one task to the next. */
  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B, process?: OnCore): number {
    return this.runIn(undefined, work, fn, a, b, process);
  }

  /** A group whose tasks share one weight (a session, a cgroup). */
  group(): Cpu {
    const g = new CoreGroup();
    if (this.loads !== undefined) g.load = new GroupLoad(this.cores);
    return {
      cores: this.cores,
      placesProcesses: true,
      run: (work, fn, a, b, process) => this.runIn(g, work, fn, a, b, process),
      cancel: (id) => this.cancel(id),
      runnable: () => this.queues.tasks.length,
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
      core = this.placement.place(process?.parent);
      if (process !== undefined) {
        process.cpuCore = core;
        this.placement.attach(core);
      }
    }
    const id = this.seq++;
    if (g?.load !== undefined) this.loads!.start(g.load, core, this.sim.now, process);
    else if (this.loads !== undefined && process !== undefined) this.loads.leave(process, this.sim.now);
    // Under EEVDF a process pays when a core switches to it (the pick), woken or preempted.
    if (process?.cacheRefill !== undefined && this.eevdf === undefined) work += this.refills.started(process, core, this.sim.now);
    const from = this.wakeups.startOn(core);
    const task: CoreTask = { process, from, left: work, work, rate: 0, core, group: g, entity: undefined, seq: id, fn, a, b };
    this.queues.tasks.push(task);
    this.queues.onCore[core]++;
    if (g !== undefined) g.total++;
    if (this.eevdf !== undefined) this.eevdf.wake(task, process !== undefined && newProcess);
    this.balance.armTick();
    this.shareOut();
    this.reschedule();
    return id;
  }

  cancel(id: number): number {
    const tasks = this.queues.tasks;
    const i = tasks.findIndex((t) => t.seq === id);
    if (i < 0) return 0; // it has ended
    this.advance();
    const t = tasks[i];
    const left = t.work > 0 ? Math.min(1, Math.max(0, t.left / t.work)) : 0;
    const core = t.core;
    this.remove(tasks[i]);
    if (this.eevdf !== undefined) this.eevdf.killed(tasks[i]);
    tasks.splice(i, 1);
    this.balance.armTick();
    this.shareOut();
    this.reschedule();
    this.idle.tell(core);
    return left;
  }

  unfinished(visit: UnfinishedTask): void {
    // Each task's work at now, at its rate since the last change (as advance, without changing it).
    const dt = this.sim.now - this.updated;
    for (const t of this.queues.tasks) {
      const left = t.left - dt * t.rate;
      visit(t.fn, t.a, t.b, t.work > 0 ? Math.min(1, Math.max(0, left / t.work)) : 0);
    }
  }

  private remove(t: CoreTask): void {
    if (--this.queues.onCore[t.core] === 0) this.idle.went(t.core, this.sim.now);
    if (t.process?.cacheRefill !== undefined && this.eevdf === undefined) this.refills.ended(t.process, this.sim.now);
    if (t.group !== undefined) t.group.total--;
    if (t.group?.load !== undefined) this.loads!.stop(t.group.load, t.core, this.sim.now, t.process);
  }

  /** Work done since the last change, at the rates since then; the cores' averages too. */
  private advance(): void {
    const now = this.sim.now;
    const dt = now - this.updated;
    this.updated = now;
    if (dt === 0) return;
    for (const t of this.queues.tasks) t.left -= dt * t.rate;
    if (this.eevdf !== undefined) this.eevdf.charge(dt);
    this.placement.decay(dt);
  }

  /** Each core's weight, then each task's speed: its share of its core (none before it starts). */
  private shareOut(): void {
    const { tasks, weight: w } = this.queues;
    const now = this.sim.now;
    // The change's cost: this and the other passes over the tasks (advance, reschedule, EEVDF's).
    this.steps?.take(tasks.length);
    w.fill(0);
    for (const t of tasks) if (t.from <= now) w[t.core] += t.group === undefined ? 1 : 1 / t.group.total;
    const ev = this.eevdf;
    if (ev !== undefined) {
      ev.pickWhereNeeded(now);
      if (!this.inCallbacks) this.balance.newIdle();
      for (const t of tasks) t.rate = t.from <= now && ev.running(t) ? 1 : 0;
      ev.armSliceTick();
      return;
    }
    for (const t of tasks) t.rate = t.from <= now ? (t.group === undefined ? 1 : 1 / t.group.total) / w[t.core] : 0;
  }

  private reschedule(): void {
    const token = ++this.token;
    let wait = Number.POSITIVE_INFINITY;
    for (const t of this.queues.tasks) {
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
    const tasks = this.queues.tasks;
    // Every task whose work is done (within rounding) ends now, oldest first.
    const done: CoreTask[] = [];
    let soonest = -1;
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i];
      if (t.rate === 0) continue; // its core is still waking
      if (t.left <= 1e-6) done.push(t);
      else if (soonest < 0 || t.left / t.rate < tasks[soonest].left / tasks[soonest].rate) soonest = i;
    }
    // Rounding left a sliver: it is done.
    if (done.length === 0 && soonest >= 0) done.push(tasks[soonest]);
    for (const t of done) {
      this.remove(t);
      tasks.splice(tasks.indexOf(t), 1);
    }
    if (done.length > 1) done.sort(bySeq);
    if (this.eevdf !== undefined) {
      this.endedEevdf(this.eevdf, done);
      return;
    }
    this.balance.armTick();
    this.shareOut();
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
    this.idle.tellEnded(done);
  };

  /** EEVDF: the ended tasks' processes run their callbacks; those that did not go on at once sleep. */
  private endedEevdf(eevdf: EevdfTasks, done: CoreTask[]): void {
    const ending = eevdf.ending(done);
    // A core is not idle while the process that just ran there may go on at once.
    this.inCallbacks = true;
    this.shareOut();
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
    this.inCallbacks = false;
    eevdf.sleep(ending);
    this.advance();
    this.balance.armTick();
    this.shareOut();
    this.reschedule();
    this.idle.tellEnded(done);
  }

  // The other events: each brings the tasks' work up to date, lets its part act, and
  // shares the cores out anew.

  /** A core has woken: its tasks start. */
  private readonly woken = (): void => {
    this.advance();
    this.shareOut();
    this.reschedule();
  };

  /** The scheduler tick of a busy core beside an idle one: the idle cores pull. */
  private readonly tick = (): void => {
    if (!this.balance.ticked()) return;
    this.advance();
    this.balance.pullToIdle();
    this.shareOut();
    this.reschedule();
  };

  /** EEVDF: the scheduler tick of a core with tasks waiting: a running task past its slice gives way. */
  private readonly sliceTick = (): void => {
    this.advance();
    this.eevdf!.tick(this.sim.now);
    this.shareOut();
    this.reschedule();
  };
}
