// The WSGI application: for each request, the steps of its endpoint, in order.
//
// Where a step waits decides who else can run meanwhile (MODEL.md section 3):
// - CPU work holds the worker's loop (one Python thread runs at a time: the GIL) and a
//   core of the machine;
// - cooperative IO (gevent-patched sockets, psycopg2 with psycogreen) holds nothing:
//   other greenlets of the worker run while it waits;
// - blocking IO (a C extension gevent cannot patch) holds an async worker's loop for the
//   whole wait, so every request in that worker stalls; in a thread it blocks only that
//   thread (the C code releases the GIL).
// A request holds the loop while it runs a CPU step and, in an async worker, through
// blocking IO; it queues for the loop (FIFO, as gevent runs ready greenlets in order)
// only when it has CPU work or blocking IO to do. The Python glue between two IO waits
// is not modelled: it takes no time, and so does not queue. An exception before the
// response (a refused connection, a pool timeout) becomes a 500, as gunicorn's
// handle_error makes it. Every continuation drops requests whose worker was killed.
// The IO itself (breakers, limits, timeouts, caches) is stepIo.ts's.
import type { Uniform } from '../engine/random.js';
import type { Cpu, OnCore } from '../engine/cpu/cpu.js';
import type { Simulation } from '../engine/simulation.js';
import type { DatabaseAccess } from './database/access.js';
import type { Attempt, DbClient } from './database/connectionAttempt.js';
import { Phase, type HttpRequest } from './request.js';
import type { CompiledStep, Endpoint } from './steps.js';
import type { Breakers } from './breaker.js';
import { type Driver, raisedAs } from './database/driverError.js';
import { wait } from './stepIo.js';
import { backToBack, ConnectTurns, takeBackToBackSaving } from './connectTurns.js';

export class App implements DbClient {
  /**
   * Requests that ended in an exception, by the error text (see exceptionsRaised), each
   * count a record changed in place: one lookup of the text per exception, not two.
   */
  private readonly exceptions = new Map<string, { n: number }>();
  private readonly totalWeight: number;
  /** Requests whose `def` handler waited for a thread of the threadpool (all busy). */
  threadWaits = 0;
  /** CPU the workers did (µs; a killed request's unfinished work is not counted), for the report's CPU by process. */
  cpuUsed = 0;
  /** `cpuUsed` when the client started: the workers' start-up (uvicorn's pools), not the load's. */
  cpuBeforeLoad = 0;
  /** What outbound HTTP calls' latency is multiplied by (the timeline's app.httpTime). */
  httpTimeFactor = 1;
  /** Outbound calls that ran out of the app's own timeout. */
  httpTimeouts = 0;
  /** app.breaker: each worker's breakers, set when wired. */
  breakers: { database: Breakers | undefined; http: Breakers | undefined } = { database: undefined, http: undefined };

  constructor(
    readonly sim: Simulation,
    readonly endpoints: readonly Endpoint[],
    readonly cpu: Cpu,
    readonly db: DatabaseAccess | undefined,
    private readonly pick: Uniform,
    /** The worker's CPU for a request whose handler raised (traceback, handle_error, 500 page). */
    private readonly errorCpu = 0,
    /**
     * The worker's CPU to resume a request whose IO completed (gevent's hub switching back
     * to its greenlet, psycogreen's wait callback, the Python up to the next wait). With
     * it, each resume waits its turn on the loop; at 0 the glue is free and does not queue.
     */
    private readonly switchCpu = 0,
    /** The database driver, whose exceptions the worker logs. */
    private readonly driver: Driver = 'psycopg2',
  ) {
    this.totalWeight = endpoints.reduce((sum, e) => sum + e.weight, 0);
  }

  /**
   * Runs the handler for `req`, from its first step; calls req.host.finished at the end.
   * `cpu`: the worker's own work first (parse the request, call the app), on its loop.
   */
  start(req: HttpRequest, cpu: number = 0): void {
    req.step = 0;
    const endpoint = this.endpoints[this.endpoints.length === 1 ? 0 : this.route()];
    req.endpoint = endpoint;
    const outer = req.startDepth;
    req.startDepth = ++this.startDepth;
    const host = req.host!;
    if (endpoint.inThreadpool && host.threadpool !== undefined) {
      // Starlette's run_in_threadpool: the loop hands the call to a thread, once one is free.
      cpu += host.threadpoolCpu!;
      if (cpu > 0) this.onLoop(req, cpu, toThreadpool);
      else toThreadpool(this, req);
    } else if (cpu > 0) this.onLoop(req, cpu, afterWorkerCpu);
    else this.next(req);
    this.startDepth--;
    req.startDepth = outer;
  }

  /** The server answers `req` with `status` without running the app (uvicorn's 503 beyond limit_concurrency), after `cpu` on the loop. */
  answer(req: HttpRequest, cpu: number, status: number): void {
    req.step = 0;
    req.endpoint = this.endpoints[0];
    req.pendingStatus = status;
    const outer = req.startDepth;
    req.startDepth = ++this.startDepth;
    if (cpu > 0) this.onLoop(req, cpu, endWithPendingStatus);
    else this.end(req, status);
    this.startDepth--;
    req.startDepth = outer;
  }

  /** @internal a `def` handler got its thread. */
  onThread(req: HttpRequest): void {
    req.onThread = true;
    this.next(req);
  }

  /**
   * @internal the CPU of resuming `req` after IO: in an async worker its greenlet must get
   * the loop back (unless blocking IO kept it); threads take the GIL, not modelled as a cost.
   */
  resumeCpu(req: HttpRequest): number {
    // A switch that costs nothing decides it before the request's state is read.
    return this.switchCpu === 0 || !this.cooperative(req) ? 0 : this.switchCpu;
  }

  /** @internal its greenlet gave the loop up for its IO (gevent-patched, psycogreen): it must get it back. */
  cooperative(req: HttpRequest): boolean {
    return !req.hasLoop && req.host!.blockingHoldsLoop && !req.onThread;
  }

  /**
   * @internal whether `req`'s worker pays a cache refill when its IO completes
   * (server.cacheRefillCpu): then a completion that costs no CPU of its own still wakes the
   * process, a piece of no work on the cores, which charges the refill if other workers ran
   * there meanwhile.
   */
  paysRefill(req: HttpRequest): boolean {
    return req.host?.cacheRefill !== undefined && processOf(req) !== undefined;
  }

  /** @internal runs `cpu` of the worker's work for `req` on its loop (taking the loop if it has not got it), then `then`. */
  onLoop(req: HttpRequest, cpu: number, then: (app: App, req: HttpRequest) => void): void {
    req.pendingCpu = cpu;
    req.afterCpu = then;
    req.enter(Phase.loop, this.sim.now);
    if (req.hasLoop) this.runPendingCpu(req);
    else req.host!.loop.acquire(pendingCpuHasLoop, this, req);
  }

  /**
   * @internal runs `req.pendingCpu` of the worker's work where `req` runs now (its loop, or its
   * own thread), then `req.afterCpu`; the request is in `phase` meanwhile (CPU, or for libpq's
   * share of a connect on a thread of its own, outside the GIL, connecting).
   */
  runPendingCpu(req: HttpRequest, phase: number = Phase.cpu): void {
    takeBackToBackSaving(req);
    req.enter(phase, this.sim.now);
    req.cpuWork = req.pendingCpu;
    req.cpuTask = this.cpu.run(req.pendingCpu, pendingCpuDone, this, req, processOf(req));
  }

  /** DbClient: a message of the connection's handshake arrived; the worker's answer is connectTurns.ts's. */
  turn(attempt: Attempt, cpu: number): void {
    this.connects.turn(attempt, cpu);
  }

  /** @internal the worker's side of connection handshakes. */
  readonly connects = new ConnectTurns(this);

  /**
   * How many start() calls are on the stack (the innermost one's request has this as its
   * startDepth), and how many end() calls are. A depth, not the request itself: storing a
   * young request in this long-lived object would cost V8's write barrier on every start.
   */
  private startDepth = 0;
  private ending = 0;

  private route(): number {
    let x = this.pick() * this.totalWeight;
    for (let i = 0; i < this.endpoints.length - 1; i++) {
      x -= this.endpoints[i].weight;
      if (x < 0) return i;
    }
    return this.endpoints.length - 1;
  }

  next(req: HttpRequest): void {
    const endpoint = req.endpoint!;
    const steps = endpoint.steps;
    if (req.step >= steps.length) {
      this.end(req, endpoint.status);
      return;
    }
    const step = steps[req.step++];
    if (step.kind === 'cpu') {
      req.enter(Phase.loop, this.sim.now);
      if (req.hasLoop) this.runCpu(req);
      else req.host!.loop.acquire(cpuHasLoop, this, req);
    } else if (step.kind === 'dbClose') {
      if (req.holdsDbConnection) {
        req.holdsDbConnection = false;
        this.db!.close(req);
      }
      this.next(req);
    } else if (step.kind === 'cacheSet' && req.cacheKey < 0) {
      this.next(req); // a hit skipped the covered steps; nothing to store
    } else if (step.blocking && req.host!.blockingHoldsLoop && !req.onThread) {
      // Blocking IO in an async worker: the whole process waits with this request.
      if (req.hasLoop) wait(this, req, step);
      else {
        req.enter(Phase.loop, this.sim.now);
        req.host!.loop.acquire(waitHoldingLoop, this, req);
      }
    } else {
      // A pooled checkout that finds a connection ready is no IO: the greenlet (or task) goes on to
      // its first query in the same turn of the loop.
      if (req.hasLoop && !(step.kind === 'dbConnect' && this.db!.checkoutAtOnce(req))) this.releaseLoop(req);
      wait(this, req, step);
    }
  }

  /** @internal after IO, on to the next step: the greenlet whose IO completed runs again only when its loop gets to it. */
  resume(req: HttpRequest): void {
    const resume = this.resumeCpu(req);
    if (resume > 0 || this.paysRefill(req)) this.onLoop(req, resume, afterWorkerCpu);
    else this.next(req);
  }

  /** The CPU of the current step, on the machine's cores, holding the loop. */
  runCpu(req: HttpRequest): void {
    req.enter(Phase.cpu, this.sim.now);
    const step = this.current(req);
    let work = step.fixedDuration !== undefined ? step.fixedDuration : this.sample(step, step.duration);
    if (step.backToBackShare !== 1 && backToBack(req)) work = Math.round(work * step.backToBackShare);
    req.cpuWork = work;
    req.cpuTask = this.cpu.run(work, cpuDone, this, req, processOf(req));
  }

  /**
   * Its worker process was killed (SIGKILL): the computation stops at once and its core
   * goes to the others. (Its database backend, if any, is the worker's business: see
   * Worker.kill.)
   */
  killed(req: HttpRequest): void {
    this.connects.contended.end(req);
    if (req.cpuTask !== 0) this.cpu.cancel(req.cpuTask);
    req.cpuTask = 0;
    // A backend waiting for this worker's answer reads EOF and exits.
    const attempt = req.authAttempt;
    if (attempt !== undefined) {
      req.authAttempt = undefined;
      attempt.answered('EOF');
    }
  }

  releaseLoop(req: HttpRequest): void {
    req.hasLoop = false;
    req.host!.loop.release();
  }

  /** A duration of `step`. */
  sample(step: CompiledStep, d: CompiledStep['duration']): number {
    const v = d!.sample(step.random!);
    return v > 0 ? Math.round(v) : 0;
  }

  /** The step just started (req.step already points past it). */
  current(req: HttpRequest): CompiledStep {
    return req.endpoint!.steps[req.step - 1];
  }

  /** @internal the handler's IO ended in an exception. */
  fail(req: HttpRequest, exception: string): void {
    // Counted by the server's message; the exception's full text is built when reported.
    const count = this.exceptions.get(exception);
    if (count !== undefined) count.n++;
    else this.exceptions.set(exception, { n: 1 });
    const cpu = this.errorCpu + this.resumeCpu(req);
    if (cpu > 0) this.onLoop(req, cpu, endWith500);
    else this.end(req, 500);
  }

  /** Exceptions the handler raised, by the message gunicorn logs. */
  exceptionsRaised(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [error, count] of this.exceptions) out.set(raisedAs(this.driver, error), count.n);
    return out;
  }

  private readonly endLater = (req: HttpRequest, status: number): void => {
    if (!req.killed) this.end(req, status);
  };

  /** @internal the handler ended with `status` (its response, or the 500 of an exception). */
  end(req: HttpRequest, status: number): void {
    if (this.startDepth > 0 && req.startDepth === this.startDepth && this.ending > 0) {
      // A handler that takes no time (a pooled connection and nothing else) ends within
      // its own start, which another request's end set off (its worker took the next
      // connection or thread): ending here would nest one level per request until the
      // stack overflows. It ends in an event at the same instant instead.
      this.sim.schedule(0, this.endLater, req, status);
      return;
    }
    this.ending++;
    if (req.holdsDbConnection) {
      // The connection object is dropped with the handler's frame, which closes (or
      // returns) it, whether the handler returned or raised.
      req.holdsDbConnection = false;
      this.db!.close(req);
    }
    if (req.hasLoop) this.releaseLoop(req);
    req.host!.finished(req, status);
    if (req.onThread) {
      // The thread is free once the response is on its way (the loop sends it).
      req.onThread = false;
      req.host!.threadpool!.release();
    }
    this.ending--;
  }
}

function pendingCpuHasLoop(app: App, req: HttpRequest): void {
  // A killed request's backend, if it waited for this answer, was told at the kill (App.killed).
  if (req.killed) return;
  req.hasLoop = true;
  app.runPendingCpu(req);
}

/**
 * Whose CPU it is, for cores that keep a process on one: the worker's when its Python runs
 * on the process's one thread; none (each piece placed anew) on one of a gthread worker's
 * or uvicorn's threadpool threads, each a task of its own to the kernel.
 */
function processOf(req: HttpRequest): OnCore | undefined {
  const host = req.host;
  return host?.blockingHoldsLoop && !req.onThread ? host : undefined;
}

/**
 * The run has stopped with this task unfinished on a host's cores (Cpu.unfinished): if it is
 * a worker's CPU, which counts when done, its part done counts now, and the answer is true.
 */
export function settleWorkerCpu(fn: unknown, a: unknown, b: unknown, left: number): boolean {
  if (fn !== cpuDone && fn !== pendingCpuDone) return false;
  const work = (b as HttpRequest).cpuWork;
  (a as App).cpuUsed += work - Math.round(work * left);
  return true;
}

function pendingCpuDone(app: App, req: HttpRequest): void {
  req.cpuTask = 0;
  app.cpuUsed += req.cpuWork;
  if (req.killed) return;
  req.afterCpu!(app, req);
}

function afterWorkerCpu(app: App, req: HttpRequest): void {
  app.next(req);
}

function endWith500(app: App, req: HttpRequest): void {
  app.end(req, 500);
}

function endWithPendingStatus(app: App, req: HttpRequest): void {
  app.end(req, req.pendingStatus);
}

/** The loop's part is done: the call waits for a thread of the threadpool. */
function toThreadpool(app: App, req: HttpRequest): void {
  if (req.hasLoop) app.releaseLoop(req);
  req.enter(Phase.thread, app.sim.now);
  const pool = req.host!.threadpool!;
  if (pool.available === 0 || pool.queueLength > 0) app.threadWaits++;
  pool.acquire(threadGranted, app, req);
}

function threadGranted(app: App, req: HttpRequest): void {
  // A killed worker's threadpool dies with it: nothing to release.
  if (req.killed) return;
  app.onThread(req);
}

function cpuHasLoop(app: App, req: HttpRequest): void {
  if (req.killed) return;
  req.hasLoop = true;
  app.runCpu(req);
}

function cpuDone(app: App, req: HttpRequest): void {
  req.cpuTask = 0;
  app.cpuUsed += req.cpuWork;
  if (req.killed) return;
  app.next(req);
}

function waitHoldingLoop(app: App, req: HttpRequest): void {
  if (req.killed) return;
  req.hasLoop = true;
  wait(app, req, app.current(req));
}
