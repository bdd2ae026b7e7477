// A worker whose accepting is a turn of one of its threads, run when that thread has a
// core: uvicorn's event loop (libuv's uv__server_io). libuv registers the listening socket
// without EPOLLEXCLUSIVE, so a connection wakes every worker asleep in its poll, whether or
// not another is accepting; each runs its accept loop once it has a core, in parallel with
// those already accepting. With every core taken a woken worker waits (CoreWaiters; with
// per-core run queues, on its own core's queue), and the workers already accepting take
// what arrives meanwhile: a worker that is running when a burst of connections comes takes
// most of it. A part of its own, apart from UvicornWorker, so that another worker class
// can accept the same way (gthread's main thread was tried so: docs/validation.md, "A
// second set of shapes").
import type { Cpu, OnCore } from '../../engine/cpu/cpu.js';
import type { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Listener } from '../listener.js';
import type { Connection } from '../request.js';

/**
 * The workers the kernel woke that wait for a core (one list per listener). A woken task
 * runs at once on an idle core (select_idle_sibling); with none idle it waits: EEVDF lets
 * the running task finish its slice (RUN_TO_PARITY) unless it blocks first. The model's
 * CPU shares every core among all runnable tasks at once (processor sharing), so it is
 * decided here: a worker woken while the host's cores are all taken calls accept once a
 * slice has passed, or as soon as an accept loop ends (EAGAIN: that worker blocks in its
 * poll, and its core goes to the oldest waiter). The slice is EEVDF's base slice, 0.70 ms x
 * (1 + ilog2(min(cores, 8))) (kernel/sched/fair.c sysctl_sched_base_slice,
 * SCHED_TUNABLESCALING_LOG): 1.4 ms on 2 cores, an upper bound of the running task's
 * remaining slice.
 *
 * With per-core run queues (machine.runQueues per-core, src/engine/cpu/perCore.ts) a core
 * is idle when its own queue is empty, and the woken worker goes where
 * select_task_rq_fair sends it (PerCoreCpu.idleCoreFor): its previous core if idle, else
 * an idle one (select_idle_sibling), else it waits on its previous core's queue. There its
 * wait ends at the first of: the slice; that core's accept loop ending with its worker
 * blocking (the core's next task); that core going idle (its other tasks ended); another
 * core going idle, which pulls it (newidle_balance; coreIdle). Its work then runs on that
 * core, shared with what else runs there.
 */
export class CoreWaiters {
  /** Oldest first; with per-core run queues each waits on its previous core (its process's cpuCore). */
  readonly waiting: AcceptLoop[] = [];
  /** µs. */
  readonly slice: number;
  constructor(cores: number) {
    const n = Math.max(1, Math.floor(cores));
    this.slice = SCHED_BASE_SLICE * (1 + Math.floor(Math.log2(Math.min(n, 8))));
  }

  /**
   * Per-core run queues: core `core` went idle. It runs the oldest woken worker waiting on
   * its queue; with none there, it pulls the oldest waiting on another core's
   * (newidle_balance: a woken worker has not run since it went to sleep in its poll, so
   * it is not cache-hot, task_hot, and may move). Whether it ran one: if that one found
   * EAGAIN and blocked at once, the core is idle again and pulls the next.
   */
  coreIdle(core: number): boolean {
    const w = this.waiting.find((x) => x.host.cpuCore === core) ?? this.waiting[0];
    if (w === undefined) return false;
    this.waiting.splice(this.waiting.indexOf(w), 1);
    w.host.cpuCore = core;
    w.gotCore();
    return true;
  }
}

/** EEVDF's normalized_sysctl_sched_base_slice (kernel/sched/fair.c), µs. */
export const SCHED_BASE_SLICE = 700;

/** The worker an AcceptLoop accepts for. */
export interface AcceptLoopHost extends OnCore {
  readonly sim: Simulation;
  /** The thread the accept turn runs on holds this while it accepts (uvicorn's loop; gthread's GIL). */
  readonly loop: Resource;
  readonly app: { readonly cpu: Cpu; cpuUsed: number };
  readonly dead: boolean;
  /** In the listener's ready list (it has room for connections). */
  readonly listening: boolean;
  /** Takes a connection it accepted. */
  accept(conn: Connection): void;
  /** CPU to set up each connection accepted (server.acceptCpu), on the accepting thread. */
  readonly acceptCpu: number;
  /** When the socket turns readable: its accepting thread is asleep in its poll (it needs a core to run). */
  asleepInPoll(): boolean;
  /** At EAGAIN: its accepting thread has nothing else to run and blocks in its poll (its core goes to the next waiter). */
  blocksAfterAccepting(): boolean;
}

export class AcceptLoop {
  /** An accept turn waits for its thread's loop or GIL, held when the socket became readable. */
  private turnQueued = false;
  /** It was asleep in its poll when the kernel woke it (not busy): it needs a core. */
  private woken = false;
  /** Woken, it waits for a core (its loop held: the process is runnable, not running). */
  private waitingForCore = false;
  /** Bumped when it gets a core, so a slice timer set before is ignored. */
  private coreToken = 0;
  /** In its accept loop: it calls accept, sets up what it got, calls accept again. */
  private inAcceptLoop = false;

  constructor(
    readonly host: AcceptLoopHost,
    private readonly listener: Listener,
  ) {}

  private get waiters(): CoreWaiters {
    let waiters = this.listener.coreWaiters;
    if (waiters === undefined) {
      const cpu = this.host.app.cpu;
      const w = new CoreWaiters(cpu.cores);
      waiters = this.listener.coreWaiters = w;
      // Per-core run queues say when a core goes idle; one shared queue does not (see leave).
      cpu.watchIdle?.((core) => w.coreIdle(core));
    }
    return waiters;
  }

  /**
   * The kernel wakes every worker asleep in its poll (ep_poll_callback; the socket is
   * registered without EPOLLEXCLUSIVE), whether or not another worker is accepting. One
   * asleep runs its accept loop once it has a core; one busy with other work is running
   * already, and accepts when its loop gets to the poll.
   */
  readable(): void {
    if (this.turnQueued || this.inAcceptLoop || this.waitingForCore || !this.host.listening) return;
    this.turnQueued = true;
    this.woken = this.host.asleepInPoll();
    this.host.loop.acquire(acceptTurn, this);
  }

  /**
   * Acceptor.idleWake: only when `readable` returns at once. Woken asleep, it wants a core
   * and runs its accept loop even to find nothing (the herd of workers the kernel wakes).
   */
  idleWake(): boolean {
    return this.turnQueued || this.inAcceptLoop || this.waitingForCore || !this.host.listening;
  }

  /** @internal its thread got its loop (or the GIL) and reaches the listening socket. */
  acceptTurn(): void {
    this.turnQueued = false;
    if (this.host.dead) return;
    const cpu = this.host.app.cpu;
    if (this.woken && cpu.idleCoreFor !== undefined) {
      // Per-core run queues: its previous core if idle, else an idle one; with none, it
      // waits on its previous core's queue.
      const core = cpu.idleCoreFor(this.host);
      if (core < 0) {
        this.waitForCore();
        return;
      }
      this.host.cpuCore = core;
    } else if (this.woken && cpu.runnable !== undefined && cpu.runnable() >= cpu.cores) {
      // No core idle: it waits for one (CoreWaiters).
      this.waitForCore();
      return;
    }
    this.gotCore();
  }

  private waitForCore(): void {
    const waiters = this.waiters;
    this.waitingForCore = true;
    waiters.waiting.push(this);
    this.host.sim.schedule(waiters.slice, sliceOver, this, this.coreToken);
  }

  /** @internal a slice has passed since it was woken: the scheduler runs it. */
  sliceOver(token: number): void {
    if (token !== this.coreToken || !this.waitingForCore) return;
    const waiting = this.waiters.waiting;
    waiting.splice(waiting.indexOf(this), 1);
    this.gotCore();
  }

  /** @internal it runs: its accept loop. */
  gotCore(): void {
    this.waitingForCore = false;
    this.coreToken++;
    if (this.host.dead) return;
    this.inAcceptLoop = true;
    this.acceptNext();
  }

  /** @internal the thread calls accept: a connection to set up, or EAGAIN, which ends the turn. */
  acceptNext(): void {
    const host = this.host;
    for (;;) {
      if (host.dead) return;
      const conn = host.listening ? this.listener.take() : undefined;
      if (conn === undefined) {
        const next = this.leave(host.blocksAfterAccepting());
        if (next !== undefined) {
          // Its core goes to the next waiter, whose turn runs before this loop is released.
          const chain = handoff;
          if (chain !== undefined && chain.current === this && chain.next === undefined) {
            chain.next = next;
            chain.held.push(this);
            return;
          }
          handOn(next);
        }
        host.loop.release();
        return;
      }
      const cpu = host.acceptCpu;
      if (cpu > 0) {
        host.app.cpuUsed += cpu;
        host.app.cpu.run(cpu, acceptedOne, this, conn, host);
        return;
      }
      host.accept(conn);
    }
  }

  /** @internal the connection is set up (its first request waits for the loop, after the accept loop): the next accept. */
  acceptedOne(conn: Connection): void {
    if (this.host.dead) {
      // Killed while accepting: the process's sockets close with it.
      if (conn.open) {
        conn.open = false;
        conn.client.serverClosed(conn);
      }
      return;
    }
    if (conn.open) this.host.accept(conn);
    this.acceptNext();
  }

  /**
   * Its accept loop ends (EAGAIN, or it died). If it blocks (`blocks`: its thread has
   * nothing else to run, or it is gone), its core goes to the oldest woken worker waiting
   * for one (per-core run queues: waiting on that core's queue; a core left idle pulls
   * one from another's, CoreWaiters.coreIdle).
   */
  private leave(blocks: boolean): AcceptLoop | undefined {
    if (!this.inAcceptLoop) return undefined;
    this.inAcceptLoop = false;
    const waiting = this.waiters.waiting;
    let next: AcceptLoop | undefined;
    if (blocks) {
      const i = this.host.app.cpu.idleCoreFor === undefined ? 0 : waiting.findIndex((w) => w.host.cpuCore === this.host.cpuCore);
      if (i >= 0 && i < waiting.length) next = waiting.splice(i, 1)[0];
    }
    // It left connections queued (it stopped listening, or died) and nobody is accepting
    // or about to: the sleepers would find them now.
    if (next === undefined && this.listener.queued > 0 && this.waiters.waiting.length === 0) this.listener.wakeAll();
    return next;
  }

  /** Its worker was killed: it waits for no core, and its accept loop ends. */
  killed(): void {
    if (this.waitingForCore) {
      this.waitingForCore = false;
      const waiting = this.waiters.waiting;
      waiting.splice(waiting.indexOf(this), 1);
    }
    const next = this.leave(true);
    if (next !== undefined) handOn(next);
  }
}

/**
 * A core handed from worker to worker: each that finds EAGAIN and blocks gives its core
 * to the next waiter, whose turn runs before the giver's loop is released. Called one
 * inside the other, a few thousand workers woken together overflowed the stack ("Maximum
 * call stack size exceeded" at 4,000 UvicornWorkers); run here one after the other, with
 * the loops released afterwards, last first, in the order the nested calls released them.
 */
interface Handoff {
  /** The worker whose turn runs now. */
  current: AcceptLoop;
  /** The waiter it handed its core to, when it did. */
  next: AcceptLoop | undefined;
  /** Workers that handed their core on: their loops are released after the last turn. */
  held: AcceptLoop[];
}
let handoff: Handoff | undefined;

function handOn(first: AcceptLoop): void {
  const outer = handoff;
  const chain: Handoff = { current: first, next: undefined, held: [] };
  handoff = chain;
  for (let w: AcceptLoop | undefined = first; w !== undefined; w = chain.next) {
    chain.current = w;
    chain.next = undefined;
    w.gotCore();
  }
  handoff = outer;
  for (let i = chain.held.length - 1; i >= 0; i--) chain.held[i].host.loop.release();
}

function acceptTurn(a: AcceptLoop): void {
  a.acceptTurn();
}

function sliceOver(a: AcceptLoop, token: number): void {
  a.sliceOver(token);
}

/** The run has stopped with this task unfinished (Cpu.unfinished): if it is an accept, its worker's CPU keeps the part done. */
export function settleLoopAcceptCpu(fn: unknown, a: unknown, _b: unknown, left: number): boolean {
  if (fn !== acceptedOne) return false;
  const host = (a as AcceptLoop).host;
  host.app.cpuUsed -= Math.round(host.acceptCpu * left);
  return true;
}

function acceptedOne(a: AcceptLoop, conn: Connection): void {
  a.acceptedOne(conn);
}
