// A process's CPU work on its host's cores: at most `threads` pieces of work run at once,
// the others wait their turn first come, first served. One thread is a single-threaded
// process (PostgreSQL's postmaster accepting and forking one connection after another);
// a Go program runs its goroutines on GOMAXPROCS threads, taking runnable goroutines in
// order (hey's goroutines all dial before any of them writes its request). While a piece
// runs it competes for the host's cores with every other process there (`host`).
import type { Callback } from '../eventQueue.js';
import { Resource } from '../resource.js';
import type { Time } from '../time.js';
import type { Cpu } from './cpu.js';

interface Job {
  work: Time;
  fn: Callback<any, any>;
  a: unknown;
  b: unknown;
}

export class ProcessCpu {
  private readonly threads: Resource;
  /** CPU work given to it so far. */
  used = 0;

  constructor(
    private readonly host: Cpu,
    threads: number,
    readonly name = 'process',
  ) {
    this.threads = new Resource(threads, name);
  }

  /** Pieces of work waiting for a thread of this process. */
  get queued(): number {
    return this.threads.queueLength;
  }

  /** Calls fn(a, b) once `work` of CPU has been done on one of the process's threads. */
  run<A, B>(work: Time, fn: Callback<A, B>, a: A, b?: B): void {
    this.used += work;
    this.threads.acquire(startJob, this, { work, fn, a, b } as Job);
  }

  /** @internal a thread is free for `job`. */
  start(job: Job): void {
    this.host.run(job.work, endJob, this, job);
  }

  /** @internal */
  end(job: Job): void {
    this.threads.release();
    job.fn(job.a, job.b);
  }
}

function startJob(p: ProcessCpu, job: Job): void {
  p.start(job);
}

function endJob(p: ProcessCpu, job: Job): void {
  p.end(job);
}
