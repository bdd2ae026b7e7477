// A process group under a CFS bandwidth limit (a cgroup's cpu.cfs_quota_us per
// cpu.cfs_period_us; Kubernetes' resources.limits.cpu): its tasks share `cores` cores as
// in shared.ts, but together they may use at most `quota` of CPU time in each period.
// A group that has used its quota is throttled: every one of its tasks stops until the
// next period begins, however idle the cores are (kernel/sched/fair.c,
// throttle_cfs_rq / distribute_cfs_runtime). That pause is the latency spike users of
// CPU limits see: a request that needed a few more milliseconds waits out the rest of
// the period.
//
// Periods start at multiples of `period` from time 0. The kernel hands out quota in
// slices (sched_cfs_bandwidth_slice_us) and lets a group overrun a little; here the quota
// is exact. Computed like shared.ts with a virtual clock, which stands still while the
// group is throttled; the next event is the earliest of a task's end, the quota running
// out, and the period's end.
import type { Callback } from '../eventQueue.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { Cpu, UnfinishedTask } from './cpu.js';
import { popTask, pushTask, shareLeft, type VirtualTask } from './taskHeap.js';

export class QuotaCpu implements Cpu {
  private readonly tasks: VirtualTask[] = [];
  private virtual = 0;
  private updated: Time = 0;
  private seq = 1;
  private token = 0;
  /** CPU the group used in the current period. */
  private used = 0;
  private periodEnd: Time;
  private throttledSince: Time = 0;
  throttled = false;
  /** cpu.stat: periods in which the group was throttled, and the time it spent throttled (µs). */
  nrThrottled = 0;
  throttledTime = 0;
  /** CPU given to the group's tasks (µs), for checks. */
  cpuUsed = 0;

  constructor(
    private readonly sim: Simulation,
    readonly cores: number,
    /** CPU time the group may use per period (µs). */
    readonly quota: Time,
    readonly period: Time,
  ) {
    if (!(quota > 0) || !(period > 0)) throw new RangeError('QuotaCpu: quota and period must be positive');
    this.periodEnd = period;
  }

  get running(): number {
    return this.tasks.length;
  }

  runnable(): number {
    return this.tasks.length;
  }

  /** Time spent throttled so far, the throttle in progress included (µs). */
  throttledUntilNow(): Time {
    return this.throttledTime + (this.throttled ? this.sim.now - this.throttledSince : 0);
  }

  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): number {
    this.advance();
    const id = this.seq++;
    pushTask(this.tasks, { finish: this.virtual + work, work, seq: id, fn, a, b });
    this.cpuUsed += work;
    this.reschedule();
    return id;
  }

  cancel(id: number): number {
    const task = this.tasks.find((t) => t.seq === id);
    if (task === undefined) return 0;
    const rest = this.tasks.filter((t) => t !== task);
    this.advance();
    this.tasks.length = 0;
    for (const t of rest) pushTask(this.tasks, t);
    this.reschedule();
    return shareLeft(task, this.virtual);
  }

  unfinished(visit: UnfinishedTask): void {
    // With tasks runnable an event is due at the period's end, when the quota runs out and
    // when a task ends: the rate has not changed since the last update.
    const virtual = this.virtual + Math.max(0, this.sim.now - this.updated) * this.rate();
    for (const t of this.tasks) visit(t.fn, t.a, t.b, shareLeft(t, virtual));
  }

  /** Per-task speed: shared cores, or nothing while throttled. */
  private rate(): number {
    return this.throttled || this.tasks.length === 0 ? 0 : Math.min(1, this.cores / this.tasks.length);
  }

  /** Accounts the work done since the last update, period by period. */
  private advance(): void {
    const now = this.sim.now;
    while (now >= this.periodEnd) {
      this.account(this.periodEnd);
      // A new period: the quota is refilled and a throttled group runs again.
      this.used = 0;
      if (this.throttled) {
        this.throttled = false;
        this.throttledTime += this.periodEnd - this.throttledSince;
      }
      this.periodEnd =
        this.tasks.length > 0
          ? this.periodEnd + this.period
          : Math.max(this.periodEnd + this.period, (Math.floor(now / this.period) + 1) * this.period);
    }
    this.account(now);
  }

  private account(to: Time): void {
    const dt = to - this.updated;
    if (dt > 0) {
      const rate = this.rate();
      this.virtual += dt * rate;
      this.used += dt * rate * this.tasks.length;
    }
    this.updated = to;
  }

  private reschedule(): void {
    const token = ++this.token;
    if (this.tasks.length === 0) return;
    if (!this.throttled && this.used >= this.quota - 1e-6) {
      this.throttled = true;
      this.throttledSince = this.sim.now;
      this.nrThrottled++;
    }
    let wait = this.periodEnd - this.sim.now;
    if (!this.throttled) {
      const rate = this.rate();
      const finish = Math.ceil((this.tasks[0].finish - this.virtual) / rate - 1e-9);
      const exhausted = Math.ceil((this.quota - this.used) / (rate * this.tasks.length) - 1e-9);
      wait = Math.max(0, Math.min(wait, finish, exhausted));
    }
    this.sim.schedule(wait, this.tick, token);
  }

  private readonly tick = (token: number): void => {
    if (token !== this.token) return;
    this.advance();
    const done: VirtualTask[] = [];
    if (!this.throttled) while (this.tasks.length > 0 && this.tasks[0].finish <= this.virtual + 1e-6) done.push(popTask(this.tasks));
    if (done.length > 0) this.virtual = Math.max(this.virtual, done[done.length - 1].finish);
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
  };
}
