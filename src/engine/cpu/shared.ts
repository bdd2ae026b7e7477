// Processor sharing, as a time-sharing kernel (Linux's CFS) gives it: n runnable tasks on
// c cores each progress at min(1, c / n) of a core's speed, so all make progress together
// and short tasks are not stuck behind long ones. Computed exactly with a virtual clock: V
// grows at the per-task rate, a task started at V0 with work w ends when V reaches V0 + w;
// only the earliest end is ever scheduled, and rescheduled when a task starts or ends.
import type { Callback } from '../eventQueue.js';
import type { Simulation } from '../simulation.js';
import type { Time } from '../time.js';
import type { Cpu, UnfinishedTask } from './cpu.js';
import { popTask, pushTask, shareLeft, type VirtualTask } from './taskHeap.js';

export class SharedCpu implements Cpu {
  private readonly tasks: VirtualTask[] = [];
  /** Virtual time: CPU work done by each runnable task since the start. */
  private virtual = 0;
  private updated: Time = 0;
  /** From 1: a task id of 0 means "none" to callers (HttpRequest.cpuTask). */
  private seq = 1;
  /** Bumped to cancel the scheduled end when the set of tasks changes. */
  private token = 0;

  constructor(
    private readonly sim: Simulation,
    public cores: number,
  ) {}

  /**
   * The host has `cores` from now on (fewer: a host losing cores, a CPU quota lowered):
   * the work done so far counts at the old rate, the rest at the new one.
   */
  setCores(cores: number): void {
    this.advance();
    this.cores = cores;
    this.reschedule();
  }

  /** Tasks running now. */
  get running(): number {
    return this.tasks.length;
  }

  runnable(): number {
    return this.tasks.length;
  }

  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): number {
    this.advance();
    const id = this.seq++;
    pushTask(this.tasks, { finish: this.virtual + work, work, seq: id, fn, a, b });
    this.reschedule();
    return id;
  }

  cancel(id: number): number {
    const task = this.tasks.find((t) => t.seq === id);
    if (task === undefined) return 0; // it has ended
    const rest = this.tasks.filter((t) => t !== task);
    // The others speed up from now: account the work done so far at the old rate first.
    this.advance();
    this.tasks.length = 0;
    for (const t of rest) pushTask(this.tasks, t);
    this.reschedule();
    return shareLeft(task, this.virtual);
  }

  unfinished(visit: UnfinishedTask): void {
    // The rate has not changed since the last update: no task started or ended.
    const virtual = this.tasks.length > 0 ? this.virtual + (this.sim.now - this.updated) * this.rate() : this.virtual;
    for (const t of this.tasks) visit(t.fn, t.a, t.b, shareLeft(t, virtual));
  }

  private rate(): number {
    return Math.min(1, this.cores / this.tasks.length);
  }

  private advance(): void {
    const now = this.sim.now;
    if (this.tasks.length > 0) this.virtual += (now - this.updated) * this.rate();
    this.updated = now;
  }

  private reschedule(): void {
    const token = ++this.token;
    if (this.tasks.length === 0) return;
    // Rounded up to whole microseconds: simulated time is an integer.
    const wait = Math.max(0, Math.ceil((this.tasks[0].finish - this.virtual) / this.rate() - 1e-9));
    this.sim.schedule(wait, this.ended, token);
  }

  private readonly ended = (token: number): void => {
    if (token !== this.token) return;
    this.advance();
    // Every task whose work is done (within rounding) ends now, oldest first.
    const done: VirtualTask[] = [];
    while (this.tasks.length > 0 && this.tasks[0].finish <= this.virtual + 1e-6) done.push(popTask(this.tasks));
    if (done.length === 0) done.push(popTask(this.tasks)); // rounding left a sliver: it is done
    this.virtual = Math.max(this.virtual, done[done.length - 1].finish);
    this.reschedule();
    for (const t of done) t.fn(t.a, t.b);
  };
}
