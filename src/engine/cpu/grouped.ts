// Processor sharing between task groups first, then between a group's tasks: how Linux
// shares cores when tasks are grouped (sched(7): with autogroup, every session is a group;
// with the cpu controller, every cgroup is one). The runnable groups split the cores
// equally, except that a group gets no more cores than it has runnable tasks (one task
// runs on one core at a time): the rest goes to the others ("water filling"). A group's
// tasks split its share equally. A task run without a group is a group of its own, as a
// process alone in its session is.
//
// Exact, with one virtual clock per group: a group's clock grows at its tasks' common
// rate, and a task started at V0 with work w ends when its group's clock reaches V0 + w.
// Rates change whenever a task starts or ends anywhere, so every clock is brought up to
// date then and the earliest end rescheduled. Tasks alone in their group all run at the
// same rate (no group is smaller than one task), so they share one clock and one heap,
// as in shared.ts: a change costs the logarithm of their number plus the number of
// groups with several tasks (a few: gunicorn's workers, the client).
import type { Callback } from '../eventQueue.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { Cpu, UnfinishedTask } from './cpu.js';
import { popTask, pushTask, shareLeft, type VirtualTask } from './taskHeap.js';

class Group {
  /** Runnable tasks, by finish in this group's virtual time (a heap). */
  readonly tasks: VirtualTask[] = [];
  virtual = 0;
  /** CPU speed of each of its tasks now. */
  rate = 0;
  /** Where it is in GroupedCpu.active; -1 when it has no runnable task. */
  at = -1;
  constructor(readonly shared: boolean) {}
}

export class GroupedCpu implements Cpu {
  /** Tasks alone in their group: one clock, one rate. */
  private readonly solo = new Group(false);
  /** Groups of several processes with a runnable task. */
  private readonly active: Group[] = [];
  private updated: Time = 0;
  /** From 1: a task id of 0 means "none" to callers (HttpRequest.cpuTask). */
  private seq = 1;
  private token = 0;
  /** Scratch for the water filling. */
  private readonly order: Group[] = [];

  constructor(
    private readonly sim: Simulation,
    public cores: number,
  ) {}

  /** The host gains or loses cores from now (an incident's timeline): every group's share changes. */
  setCores(cores: number): void {
    this.advance();
    this.cores = cores;
    this.shareOut();
    this.reschedule();
  }

  /** Tasks running now. */
  get running(): number {
    let n = this.solo.tasks.length;
    for (const g of this.active) n += g.tasks.length;
    return n;
  }

  runnable(): number {
    return this.running;
  }

  /** A task of a process alone in its group. */
  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): number {
    return this.runIn(this.solo, work, fn, a, b);
  }

  /** A group whose tasks share one share of the cores (a session, a cgroup). */
  group(): Cpu {
    const g = new Group(true);
    return {
      cores: this.cores,
      run: (work, fn, a, b) => this.runIn(g, work, fn, a, b),
      cancel: (id) => this.cancel(id),
      runnable: () => this.running,
    };
  }

  /** @internal */
  runIn<A, B>(g: Group, work: Time, fn: Callback<A, B>, a: A, b?: B): number {
    this.advance();
    const id = this.seq++;
    if (g.at < 0 && g.shared) {
      g.at = this.active.length;
      this.active.push(g);
    }
    pushTask(g.tasks, { finish: g.virtual + work, work, seq: id, fn, a, b });
    this.shareOut();
    this.reschedule();
    return id;
  }

  cancel(id: number): number {
    for (const g of [this.solo, ...this.active]) {
      const task = g.tasks.find((t) => t.seq === id);
      if (task === undefined) continue;
      const rest = g.tasks.filter((t) => t !== task);
      this.advance();
      const left = shareLeft(task, g.virtual);
      g.tasks.length = 0;
      for (const t of rest) pushTask(g.tasks, t);
      if (g.tasks.length === 0 && g.shared) this.retire(g);
      this.shareOut();
      this.reschedule();
      return left;
    }
    return 0;
  }

  unfinished(visit: UnfinishedTask): void {
    // Every group's clock at now, at the rates since the last change (as advance, without changing it).
    const dt = this.sim.now - this.updated;
    for (const g of [this.solo, ...this.active]) {
      const virtual = g.virtual + dt * g.rate;
      for (const t of g.tasks) visit(t.fn, t.a, t.b, shareLeft(t, virtual));
    }
  }

  /** Every group's clock, brought up to now at the rates since the last change. */
  private advance(): void {
    const dt = this.sim.now - this.updated;
    this.updated = this.sim.now;
    if (dt === 0) return;
    this.solo.virtual += dt * this.solo.rate;
    for (const g of this.active) g.virtual += dt * g.rate;
  }

  /** Water filling: groups smaller than the level get a core per task, the rest the level. */
  private shareOut(): void {
    const order = this.order;
    order.length = 0;
    const solo = this.solo.tasks.length;
    let tasks = solo;
    for (const g of this.active) {
      order.push(g);
      tasks += g.tasks.length;
    }
    if (tasks <= this.cores) {
      this.solo.rate = 1;
      for (const g of order) g.rate = 1;
      return;
    }
    order.sort(bySize);
    let cores = this.cores;
    let left = solo + order.length;
    // The lone tasks first: no group is smaller.
    if (solo > 0) {
      const level = cores / left;
      this.solo.rate = Math.min(1, level);
      cores -= solo * this.solo.rate;
      left -= solo;
    }
    for (const g of order) {
      const level = cores / left;
      const k = g.tasks.length;
      const share = Math.min(k, level);
      g.rate = share / k;
      cores -= share;
      left--;
    }
  }

  private reschedule(): void {
    const token = ++this.token;
    let wait = Number.POSITIVE_INFINITY;
    const solo = this.solo;
    if (solo.tasks.length > 0) wait = (solo.tasks[0].finish - solo.virtual) / solo.rate;
    for (const g of this.active) {
      const w = (g.tasks[0].finish - g.virtual) / g.rate;
      if (w < wait) wait = w;
    }
    if (wait === Number.POSITIVE_INFINITY) return;
    // Rounded up to whole microseconds: simulated time is an integer.
    this.sim.schedule(Math.max(0, Math.ceil(wait - 1e-9)), this.ended, token);
  }

  private readonly ended = (token: number): void => {
    if (token !== this.token) return;
    this.advance();
    // Every task whose work is done (within rounding) ends now, oldest first.
    const done: VirtualTask[] = [];
    let soonest: Group | undefined;
    let soonestLeft = Number.POSITIVE_INFINITY;
    for (let i = -1; i < this.active.length; i++) {
      const g = i < 0 ? this.solo : this.active[i];
      while (g.tasks.length > 0 && g.tasks[0].finish <= g.virtual + 1e-6) {
        const t = popTask(g.tasks);
        if (t.finish > g.virtual) g.virtual = t.finish;
        done.push(t);
      }
      if (g.tasks.length > 0) {
        const left = (g.tasks[0].finish - g.virtual) / g.rate;
        if (left < soonestLeft) {
          soonestLeft = left;
          soonest = g;
        }
      }
    }
    if (done.length === 0 && soonest !== undefined) {
      // Rounding left a sliver: it is done.
      const t = popTask(soonest.tasks);
      soonest.virtual = t.finish;
      done.push(t);
    }
    for (let i = this.active.length - 1; i >= 0; i--) {
      const g = this.active[i];
      if (g.tasks.length === 0) this.retire(g);
    }
    if (this.solo.tasks.length === 0) this.solo.rate = 0;
    if (done.length > 1) done.sort(bySeq);
    this.shareOut();
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
  };

  /** `g` has no runnable task left: out of the active list (order kept). */
  private retire(g: Group): void {
    this.active.splice(g.at, 1);
    for (let i = g.at; i < this.active.length; i++) this.active[i].at = i;
    g.at = -1;
    g.rate = 0;
  }
}

function bySize(x: Group, y: Group): number {
  return x.tasks.length - y.tasks.length || x.at - y.at;
}

function bySeq(x: VirtualTask, y: VirtualTask): number {
  return x.seq - y.seq;
}
