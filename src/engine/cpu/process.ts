// A process's CPU work on its host's cores: at most `threads` pieces of work run at once,
// the others wait their turn first come, first served. One thread is a single-threaded
// process (PostgreSQL's postmaster accepting and forking one connection after another);
// a Go program runs its goroutines on GOMAXPROCS threads, taking runnable goroutines in
// order (hey's goroutines all dial before any of them writes its request). While a piece
// runs it competes for the host's cores with every other process there (`host`). On
// per-core run queues each thread is one task from piece to piece, as the kernel sees it:
// it keeps its core and, under EEVDF's slices, its place in the queue; a new process for
// each piece would be placed, and wait, as a fork does.
import type { Callback } from '../eventQueue.js';
import { Resource } from '../resource.js';
import type { Time } from '../time.js';
import type { Cpu, OnCore } from './cpu.js';

interface Job {
  work: Time;
  fn: Callback<any, any>;
  a: unknown;
  b: unknown;
  thread: Thread | undefined;
}

/**
 * One of the process's threads as per-core run queues see it: the same task from one piece
 * of work to the next, as the kernel sees a thread that runs its goroutines one after
 * another, not a new process for each piece.
 */
interface Thread extends OnCore {
  busy: boolean;
}

export class ProcessCpu {
  private readonly threads: Resource;
  /** Per-core run queues only (the others ignore who runs). */
  private readonly threadIds: Thread[];
  /** CPU work given to it so far (once the run has stopped, `settle` keeps what was done). */
  used = 0;
  /** Of `used`, the work of pieces waiting for a thread. */
  private waiting = 0;

  constructor(
    private readonly host: Cpu,
    threads: number,
    readonly name = 'process',
  ) {
    this.threads = new Resource(threads, name);
    this.threadIds = host.placesProcesses ? Array.from({ length: threads }, () => ({ cpuCore: -1, busy: false })) : [];
  }

  /** Pieces of work waiting for a thread of this process. */
  get queued(): number {
    return this.threads.queueLength;
  }

  /** Calls fn(a, b) once `work` of CPU has been done on one of the process's threads. */
  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): void {
    this.used += work;
    this.waiting += work;
    this.threads.acquire(startJob, this, { work, fn, a, b, thread: undefined } as Job);
  }

  /**
   * @internal a thread is free for `job`: the first idle one, so that a lone thread goes on.
   * Woken, it runs on its previous core if that is idle, else on an idle one
   * (select_idle_sibling), else it waits on its previous core.
   */
  start(job: Job): void {
    this.waiting -= job.work;
    const thread = this.threadIds.find((t) => !t.busy);
    if (thread !== undefined) {
      thread.busy = true;
      if (thread.cpuCore >= 0 && this.host.idleCoreFor !== undefined) {
        const core = this.host.idleCoreFor(thread);
        if (core >= 0) thread.cpuCore = core;
      }
    }
    job.thread = thread;
    this.host.run(job.work, endJob, this, job, thread);
  }

  /** The run has stopped: the pieces waiting for a thread did none of their work. */
  dropWaiting(): void {
    this.used -= this.waiting;
    this.waiting = 0;
  }

  /** @internal */
  end(job: Job): void {
    // Idle before the next job takes a thread: release may start it at once, on this one.
    if (job.thread !== undefined) job.thread.busy = false;
    this.threads.release();
    job.fn(job.a, job.b);
  }
}

/**
 * The run has stopped with this task unfinished on a host's cores (Cpu.unfinished): if it is
 * a process's piece of work, `used` keeps the part done, and the answer is true.
 */
export function settleProcessCpu(fn: Callback<any, any>, a: unknown, b: unknown, left: number): boolean {
  if (fn !== endJob) return false;
  (a as ProcessCpu).used -= Math.round((b as Job).work * left);
  return true;
}

function startJob(p: ProcessCpu, job: Job): void {
  p.start(job);
}

function endJob(p: ProcessCpu, job: Job): void {
  p.end(job);
}
