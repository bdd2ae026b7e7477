// Which cores are idle, since when, and who must hear when one goes idle.
// uvicorn's accept race decides its woken workers' cores itself (src/model/server/uvicorn.ts,
// CoreWaiters): it asks where a woken process can run at once (coreFor: its previous core if
// idle, else an idle one, select_idle_sibling) and hears when a core goes idle (watch), which
// is when a worker waiting on that core's queue runs, or one waiting on another core's is
// pulled (newidle_balance: it has not run since it slept). The moment a core went idle also
// tells a wake-up there whether the core had time to sleep (wakeupLatency.ts), and EEVDF's
// newly idle core when to balance (idleBalance.ts).
import type { Time } from '../time.js';
import type { CoreQueues, CoreTask } from './coreQueues.js';
import type { OnCore } from './cpu.js';

export class IdleCores {
  /** When each core last went idle. */
  readonly since: Time[];
  /** A core went idle since the last look: under EEVDF it balances at once (newidle_balance). */
  wentIdle = false;
  private readonly watchers: ((core: number) => boolean)[] = [];

  constructor(private readonly queues: CoreQueues) {
    this.since = new Array<Time>(queues.cores).fill(0);
  }

  /** Core `c`'s last runnable task left it at `now`. */
  went(c: number, now: Time): void {
    this.since[c] = now;
    this.wentIdle = true;
  }

  /**
   * Where a process woken now runs at once (select_task_rq_fair, then select_idle_sibling):
   * its previous core if idle, else the first idle core after it, in the order
   * select_idle_cpu scans the cache's cores (for_each_cpu_wrap from the target); -1 when
   * every core has a task, and it waits on its previous core's queue. Only uvicorn's accept
   * race asks; the tasks `run` starts wake on their previous core, as the trace of the kit's
   * backends showed (perCore.ts).
   */
  coreFor(process: OnCore): number {
    const { cores, onCore } = this.queues;
    const prev = process.cpuCore >= 0 && process.cpuCore < cores ? process.cpuCore : -1;
    if (prev >= 0 && onCore[prev] === 0) return prev;
    for (let i = 1; i <= cores; i++) {
      const c = (prev + i) % cores;
      if (onCore[c] === 0) return c;
    }
    return -1;
  }

  /**
   * `fn(core)` is called each time a core goes idle: its last runnable task ended or was
   * cancelled, and none started there meanwhile. It answers whether it ran something there;
   * if that left the core idle again at once (it blocked), it is asked again.
   */
  watch(fn: (core: number) => boolean): void {
    this.watchers.push(fn);
  }

  /** Core `c` is idle, unless a task started there since: each watcher hears it while it stays so. */
  tell(c: number): void {
    for (const fn of this.watchers) {
      let ran = true;
      while (ran && this.queues.onCore[c] === 0) ran = fn(c);
    }
  }

  /**
   * The cores the `done` tasks ended on, each once, told after their callbacks: a process
   * whose task ended and that runs again at once (its next piece of work) kept its core busy.
   */
  tellEnded(done: readonly CoreTask[]): void {
    if (this.watchers.length === 0) return;
    for (let c = 0; c < this.queues.cores; c++) if (done.some((t) => t.core === c)) this.tell(c);
  }
}
