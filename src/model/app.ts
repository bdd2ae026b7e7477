// The WSGI application: a list of steps run for each request, in order.
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
// is not modelled: it takes no time, and so does not queue. An exception
// before the response (here: PostgreSQL refusing the connection) becomes a 500, as
// gunicorn's handle_error makes it. Every continuation drops requests whose worker was
// killed meanwhile.
import type { Distribution } from '../engine/distributions.js';
import type { Uniform } from '../engine/random.js';
import type { Resource } from '../engine/resource.js';
import type { Simulation } from '../engine/simulation.js';
import type { Postgres } from './database/postgres.js';
import { Phase, type HttpRequest } from './request.js';

export type StepKind = 'cpu' | 'dbConnect' | 'dbQuery' | 'dbClose' | 'sleep' | 'http';

/** A step ready to run: durations in integer microseconds. */
export interface CompiledStep {
  kind: StepKind;
  duration?: Distribution;
  random?: Uniform;
  blocking: boolean;
  /** The Phase its waiting is charged to. */
  phase: number;
}

export class App {
  /** Requests that ended in an exception, by message (gunicorn logs them). */
  readonly exceptions = new Map<string, number>();

  constructor(
    readonly sim: Simulation,
    readonly steps: CompiledStep[],
    readonly cores: Resource,
    readonly postgres: Postgres | undefined,
    readonly okStatus: number,
  ) {}

  /** Runs the handler for `req`, from its first step; calls req.host.finished at the end. */
  start(req: HttpRequest): void {
    req.step = 0;
    this.next(req);
  }

  next(req: HttpRequest): void {
    if (req.step >= this.steps.length) {
      this.end(req, this.okStatus);
      return;
    }
    const step = this.steps[req.step++];
    switch (step.kind) {
      case 'cpu':
        if (req.hasLoop) this.cores.acquire(cpuHasCore, this, req);
        else req.host!.loop.acquire(cpuHasLoop, this, req);
        return;
      case 'dbClose':
        if (req.holdsDbConnection) {
          this.postgres!.close();
          req.holdsDbConnection = false;
        }
        this.next(req);
        return;
      case 'dbConnect':
      case 'dbQuery':
      case 'sleep':
      case 'http':
        if (step.blocking && req.host!.blockingHoldsLoop) {
          // Blocking IO in an async worker: the whole process waits with this request.
          if (req.hasLoop) this.wait(req);
          else req.host!.loop.acquire(waitHoldingLoop, this, req);
        } else {
          if (req.hasLoop) this.releaseLoop(req);
          this.wait(req);
        }
        return;
    }
  }

  /** The IO of the current step: a database connection, or a timed wait. */
  wait(req: HttpRequest): void {
    const step = this.current(req);
    if (step.kind === 'dbConnect') this.postgres!.connect(req, this.connected);
    else this.sim.schedule(this.sample(step), waited, this, req);
  }

  /** After IO, on to the next step (still holding the loop if the wait held it). */
  afterWait(req: HttpRequest): void {
    req.spend(this.current(req).phase, this.sim.now);
    this.next(req);
  }

  releaseLoop(req: HttpRequest): void {
    req.hasLoop = false;
    req.host!.loop.release();
  }

  /** Duration of a step. */
  sample(step: CompiledStep): number {
    const v = step.duration!.sample(step.random!);
    return v > 0 ? Math.round(v) : 0;
  }

  /** The step just started (req.step already points past it). */
  current(req: HttpRequest): CompiledStep {
    return this.steps[req.step - 1];
  }

  /** Bound once, so a connect allocates no closure. */
  readonly connected = (req: HttpRequest, error: string | undefined): void => {
    if (req.killed) {
      if (error === undefined) this.postgres!.close();
      return;
    }
    if (error !== undefined) {
      req.spend(Phase.dbConnect, this.sim.now);
      this.fail(req, `psycopg2.OperationalError: ${error}`);
      return;
    }
    req.holdsDbConnection = true;
    this.afterWait(req);
  };

  private fail(req: HttpRequest, exception: string): void {
    this.exceptions.set(exception, (this.exceptions.get(exception) ?? 0) + 1);
    this.end(req, 500);
  }

  private end(req: HttpRequest, status: number): void {
    if (req.holdsDbConnection) {
      // The connection object is dropped with the handler's frame, which closes it,
      // whether the handler returned or raised.
      this.postgres!.close();
      req.holdsDbConnection = false;
    }
    if (req.hasLoop) this.releaseLoop(req);
    req.host!.finished(req, status);
  }
}

function cpuHasLoop(app: App, req: HttpRequest): void {
  if (req.killed) return;
  req.hasLoop = true;
  app.cores.acquire(cpuHasCore, app, req);
}

function cpuHasCore(app: App, req: HttpRequest): void {
  if (req.killed) {
    app.cores.release();
    return;
  }
  req.holdsCore = true;
  req.spend(Phase.loop, app.sim.now);
  app.sim.schedule(app.sample(app.current(req)), cpuDone, app, req);
}

function cpuDone(app: App, req: HttpRequest): void {
  if (req.killed) return;
  req.spend(Phase.cpu, app.sim.now);
  req.holdsCore = false;
  app.cores.release();
  app.next(req);
}

function waitHoldingLoop(app: App, req: HttpRequest): void {
  if (req.killed) return;
  req.spend(Phase.loop, app.sim.now);
  req.hasLoop = true;
  app.wait(req);
}

function waited(app: App, req: HttpRequest): void {
  if (req.killed) return;
  app.afterWait(req);
}
