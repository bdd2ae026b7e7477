// uvicorn's worker under gunicorn, uvicorn.workers.UvicornWorker (uvicorn 0.17: workers.py,
// server.py, protocols/http/httptools_impl.py and h11_impl.py).
//
// One asyncio loop per worker process serves every connection, as gevent's hub does: it
// parses each request and runs the ASGI app as a task; Python runs one piece at a time on
// it. So it shares GeventWorker's mechanics (blocking IO stalling the process, the
// heartbeat on the loop, a 500 closing the connection), with uvicorn's own rules:
// - accepting runs on the loop, as libuv's uv__server_io does it (src/unix/stream.c):
//   when its poll finds the listening socket readable, the loop calls accept again and
//   again until EAGAIN, and sets each connection up (uvloop's UVStreamServer._on_listen:
//   the protocol and the transport, server.acceptCpu) before the next accept. libuv
//   registers the socket without EPOLLEXCLUSIVE, so a connection wakes every worker asleep
//   in its poll (the listener's policy orders the wake-ups), whether or not another is
//   accepting; each runs its accept loop once it has a core, in parallel with those
//   already accepting. With every core taken a woken worker waits (CoreWaiters; with
//   per-core run queues, on its own core's queue), and the workers already accepting take
//   what arrives meanwhile;
// - no cap on connections: gunicorn's worker_connections is not passed on; instead
//   limit_concurrency (CONFIG_KWARGS) answers a request with a 503 ("Exceeded concurrency
//   limit.", `connection: close`) when its worker holds that many connections, its own
//   and keep-alive ones included, or runs that many tasks;
// - timeout_keep_alive is gunicorn's --keep-alive, limit_max_requests its max_requests
//   (+ jitter), backlog its --backlog;
// - the loop notifies the arbiter (Server.on_tick) every timeout / 2: a loop blocked for
//   longer than that can get the worker killed;
// - the app's start-up (FastAPI's startup events: asyncpg's create_pool) runs before the
//   worker serves; if it fails, the worker exits with WORKER_BOOT_ERROR and gunicorn's
//   arbiter halts (Arbiter.bootFailed), unless the app catches the error;
// - `def` handlers run in the threadpool (anyio's limiter, 40 threads; a freed thread goes to
//   the oldest waiter, or with anyio 3.x to the newest: app.threadpoolQueue), see App.
import { Resource } from '../../engine/resource.js';
import { StackResource } from '../../engine/stackResource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { App } from '../app.js';
import type { StartupTasks } from '../database/asyncpgPool.js';
import type { Listener } from '../listener.js';
import { Connection, HttpRequest, PHASE_NAMES, Phase } from '../request.js';
import { GeventWorker } from './gevent.js';
import type { WorkerGauges, WorkerOwner, WorkerSettings } from './worker.js';

/** uvicorn's answer to a request beyond limit_concurrency (protocols/http/flow_control.py service_unavailable). */
export const SERVICE_UNAVAILABLE = 503;

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
  /** Oldest first; with per-core run queues each waits on its previous core (its cpuCore). */
  readonly waiting: UvicornWorker[] = [];
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
    const w = this.waiting.find((x) => x.cpuCore === core) ?? this.waiting[0];
    if (w === undefined) return false;
    this.waiting.splice(this.waiting.indexOf(w), 1);
    w.cpuCore = core;
    w.gotCore();
    return true;
  }
}

/** EEVDF's normalized_sysctl_sched_base_slice (kernel/sched/fair.c), µs. */
export const SCHED_BASE_SLICE = 700;

export class UvicornWorker extends GeventWorker implements StartupTasks {
  override readonly threadpool: Resource | undefined;
  /** Its app's start-up is over (or there was none): it serves. */
  started = false;

  constructor(
    index: number,
    sim: Simulation,
    listener: Listener,
    app: App,
    settings: WorkerSettings,
    gauges: WorkerGauges,
    owner: WorkerOwner,
  ) {
    super(index, sim, listener, app, settings, gauges, owner);
    this.threadpool =
      settings.threadpool <= 0
        ? undefined
        : settings.threadpoolQueue === 'lifo'
          ? new StackResource(settings.threadpool, `worker ${index} threadpool`)
          : new Resource(settings.threadpool, `worker ${index} threadpool`);
  }

  get threadpoolCpu(): number {
    return this.settings.threadpoolCpu;
  }

  /** An accept turn waits for its loop, busy when the socket became readable. */
  private turnQueued = false;
  /** It was asleep in its poll when the kernel woke it (not busy on its loop): it needs a core. */
  private woken = false;
  /** Woken, it waits for a core (its loop held: the process is runnable, not running). */
  private waitingForCore = false;
  /** Bumped when it gets a core, so a slice timer set before is ignored. */
  private coreToken = 0;
  /** In uv__server_io: it calls accept, sets up what it got, calls accept again. */
  private inAcceptLoop = false;

  /** Accepting is on the loop, whatever it costs (the connection's CPU is charged there, not with its first request). */
  protected override takesConnectionsAtOnce(): boolean {
    return false;
  }

  private get waiters(): CoreWaiters {
    let waiters = this.listener.coreWaiters;
    if (waiters === undefined) {
      const w = new CoreWaiters(this.app.cpu.cores);
      waiters = this.listener.coreWaiters = w;
      // Per-core run queues say when a core goes idle; one shared queue does not (see leaveAcceptLoop).
      this.app.cpu.watchIdle?.((core) => w.coreIdle(core));
    }
    return waiters;
  }

  /**
   * The kernel wakes every worker asleep in its poll (ep_poll_callback; libuv registers
   * the socket without EPOLLEXCLUSIVE), whether or not another worker is accepting. One
   * asleep runs its accept loop once it has a core; one busy with other work is running
   * already, and accepts when its loop gets to the poll.
   */
  override readable(): void {
    if (this.turnQueued || this.inAcceptLoop || this.waitingForCore || !this.listening) return;
    this.turnQueued = true;
    this.woken = this.loop.available > 0 && this.loop.queueLength === 0;
    this.loop.acquire(acceptTurn, this);
  }

  /**
   * Acceptor.idleWake: only when `readable` returns at once. Woken asleep, it wants a core
   * and runs its accept loop even to find nothing (the herd of workers the kernel wakes).
   */
  override idleWake(_empty: boolean): boolean {
    return this.turnQueued || this.inAcceptLoop || this.waitingForCore || !this.listening;
  }

  /** @internal its loop got to the listening socket. */
  acceptTurn(): void {
    this.turnQueued = false;
    if (this.dead) return;
    const cpu = this.app.cpu;
    if (this.woken && cpu.idleCoreFor !== undefined) {
      // Per-core run queues: its previous core if idle, else an idle one; with none, it
      // waits on its previous core's queue.
      const core = cpu.idleCoreFor(this);
      if (core < 0) {
        this.waitForCore();
        return;
      }
      this.cpuCore = core;
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
    this.sim.schedule(waiters.slice, sliceOver, this, this.coreToken);
  }

  /** @internal a slice has passed since it was woken: the scheduler runs it. */
  sliceOver(token: number): void {
    if (token !== this.coreToken || !this.waitingForCore) return;
    const waiting = this.waiters.waiting;
    waiting.splice(waiting.indexOf(this), 1);
    this.gotCore();
  }

  /** @internal it runs: uv__server_io. */
  gotCore(): void {
    this.waitingForCore = false;
    this.coreToken++;
    if (this.dead) return;
    this.inAcceptLoop = true;
    this.acceptNext();
  }

  /** @internal the loop calls accept: a connection to set up, or EAGAIN, which ends the turn. */
  acceptNext(): void {
    for (;;) {
      if (this.dead) return;
      const conn = this.listening ? this.listener.take() : undefined;
      if (conn === undefined) {
        // Nothing else for its loop to do (no request waits for it): it blocks in its poll.
        const next = this.leaveAcceptLoop(this.loop.queueLength === 0);
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
        this.loop.release();
        return;
      }
      const cpu = this.settings.acceptCpu;
      if (cpu > 0) {
        this.app.cpuUsed += cpu;
        this.app.cpu.run(cpu, acceptedOne, this, conn, this);
        return;
      }
      this.accept(conn);
    }
  }

  /** @internal the connection is set up (its first request waits for the loop, after the accept loop): the next accept. */
  acceptedOne(conn: Connection): void {
    if (this.dead) {
      // Killed while accepting: the process's sockets close with it.
      if (conn.open) {
        conn.open = false;
        conn.client.serverClosed(conn);
      }
      return;
    }
    if (conn.open) this.accept(conn);
    this.acceptNext();
  }

  /**
   * Its accept loop ends (EAGAIN, or it died). If it blocks (`blocks`: its loop has
   * nothing else to run, or it is gone), its core goes to the oldest woken worker waiting
   * for one (per-core run queues: waiting on that core's queue; a core left idle pulls
   * one from another's, CoreWaiters.coreIdle).
   */
  private leaveAcceptLoop(blocks: boolean): UvicornWorker | undefined {
    if (!this.inAcceptLoop) return undefined;
    this.inAcceptLoop = false;
    const waiting = this.waiters.waiting;
    let next: UvicornWorker | undefined;
    if (blocks) {
      const i = this.app.cpu.idleCoreFor === undefined ? 0 : waiting.findIndex((w) => w.cpuCore === this.cpuCore);
      if (i >= 0 && i < waiting.length) next = waiting.splice(i, 1)[0];
    }
    // It left connections queued (it stopped listening, or died) and nobody is accepting
    // or about to: the sleepers would find them now.
    if (next === undefined && this.listener.queued > 0 && this.waiters.waiting.length === 0) this.listener.wakeAll();
    return next;
  }

  override kill(graceful = false): void {
    super.kill(graceful);
    if (this.waitingForCore) {
      this.waitingForCore = false;
      const waiting = this.waiters.waiting;
      waiting.splice(waiting.indexOf(this), 1);
    }
    const next = this.leaveAcceptLoop(true);
    if (next !== undefined) handOn(next);
  }

  protected override hasRoom(): boolean {
    return this.started && this.open < this.settings.connections;
  }

  override boot(): void {
    const db = this.app.db;
    if (db === undefined || !db.opensAtStartup) {
      this.started = true;
      super.boot();
      this.owner.booted?.(this, undefined);
      return;
    }
    // Lifespan start-up: create_pool opens min_size connections on this loop, before serving.
    db.startWorker(this, startupOver, this);
  }

  /** @internal the app's start-up ended (`error`: create_pool raised). */
  startupOver(error: string | undefined): void {
    if (this.dead) return;
    this.started = true;
    super.boot();
    this.owner.booted?.(this, error);
  }

  /** A record for one of the start-up's connects: it answers PostgreSQL's handshake on this loop, as a request would. */
  startupTask(): HttpRequest {
    const task = new HttpRequest(-1, STARTUP, this.sim.now, SCRATCH, Phase.dbConnect);
    // Not a client's request: nothing of it goes to the requests' figures.
    task.abandoned = true;
    task.host = this;
    return task;
  }

  protected override dispatch(conn: Connection): void {
    const limit = this.settings.limitConcurrency;
    if (limit > 0 && (this.open >= limit || this.inFlightCount >= limit)) this.run(conn, SERVICE_UNAVAILABLE);
    else this.run(conn);
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
  current: UvicornWorker;
  /** The waiter it handed its core to, when it did. */
  next: UvicornWorker | undefined;
  /** Workers that handed their core on: their loops are released after the last turn. */
  held: UvicornWorker[];
}
let handoff: Handoff | undefined;

function handOn(first: UvicornWorker): void {
  const outer = handoff;
  const chain: Handoff = { current: first, next: undefined, held: [] };
  handoff = chain;
  for (let w: UvicornWorker | undefined = first; w !== undefined; w = chain.next) {
    chain.current = w;
    chain.next = undefined;
    w.gotCore();
  }
  handoff = outer;
  for (let i = chain.held.length - 1; i >= 0; i--) chain.held[i].loop.release();
}

function acceptTurn(w: UvicornWorker): void {
  w.acceptTurn();
}

function sliceOver(w: UvicornWorker, token: number): void {
  w.sliceOver(token);
}

function acceptedOne(w: UvicornWorker, conn: Connection): void {
  w.acceptedOne(conn);
}

function startupOver(w: UvicornWorker, error: string | undefined): void {
  w.startupOver(error);
}

/** The connection and phase ledger of start-up tasks, which no client sent. */
const STARTUP = new Connection(-1, {
  connected() {},
  connectFailed() {},
  response() {},
  lateResponse() {},
  serverClosed() {},
});
const SCRATCH = new Float64Array(PHASE_NAMES.length);
