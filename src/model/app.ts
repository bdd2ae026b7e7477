// The WSGI application: a list of steps run for each request, in order.
//
// Where a step waits decides who else can run meanwhile (MODEL.md section 3):
// - CPU work holds the worker's loop (one Python thread runs at a time: the GIL) and a
//   core of the machine;
// - cooperative IO (gevent-patched sockets, psycopg2 with psycogreen) holds nothing:
//   other greenlets of the worker run while it waits;
// - blocking IO (a C extension gevent cannot patch) holds the loop for the whole wait,
//   so every request in that worker stalls.
// A greenlet that was waiting needs the loop again to go on: after cooperative IO it
// queues for the loop behind whatever else is ready (gevent runs ready greenlets in
// order). An exception before the response (here: PostgreSQL refusing the connection)
// becomes a 500, as gunicorn's handle_error makes it.
import type { Distribution } from '../engine/distributions.js';
import type { Uniform } from '../engine/random.js';
import type { Resource } from '../engine/resource.js';
import type { Simulation } from '../engine/simulation.js';
import type { Postgres } from './database/postgres.js';
import type { HttpRequest } from './request.js';

export type StepKind = 'cpu' | 'dbConnect' | 'dbQuery' | 'dbClose' | 'sleep' | 'http';

/** A step ready to run: durations in integer microseconds. */
export interface CompiledStep {
  kind: StepKind;
  duration?: Distribution;
  random?: Uniform;
  blocking: boolean;
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
    this.resume(req);
  }

  /** Continues with the next step once the worker's loop is free to run this greenlet. */
  resume(req: HttpRequest): void {
    req.host!.loop.acquire(resumed, this, req);
  }

  next(req: HttpRequest): void {
    if (req.step >= this.steps.length) {
      req.host!.finished(req, this.okStatus);
      return;
    }
    const step = this.steps[req.step++];
    switch (step.kind) {
      case 'cpu':
        req.host!.loop.acquire(cpuHasLoop, this, req);
        return;
      case 'dbConnect':
        if (step.blocking) req.host!.loop.acquire(connectHoldingLoop, this, req);
        else this.postgres!.connect(req, this.connected);
        return;
      case 'dbClose':
        if (req.holdsDbConnection) {
          this.postgres!.close();
          req.holdsDbConnection = false;
        }
        this.next(req);
        return;
      case 'dbQuery':
      case 'sleep':
      case 'http':
        if (step.blocking) req.host!.loop.acquire(waitHoldingLoop, this, req);
        else this.sim.schedule(this.sample(step), resumeAfterWait, this, req);
        return;
    }
  }

  /** Duration of the step just started (req.step already points past it). */
  sample(step: CompiledStep): number {
    const v = step.duration!.sample(step.random!);
    return v > 0 ? Math.round(v) : 0;
  }

  current(req: HttpRequest): CompiledStep {
    return this.steps[req.step - 1];
  }

  /** Bound once, so a connect allocates no closure. */
  readonly connected = (req: HttpRequest, error: string | undefined): void => {
    const blocking = this.current(req).blocking;
    if (blocking) req.host!.loop.release();
    if (error !== undefined) {
      this.fail(req, `psycopg2.OperationalError: ${error}`);
      return;
    }
    req.holdsDbConnection = true;
    if (blocking) this.next(req);
    else this.resume(req);
  };

  private fail(req: HttpRequest, exception: string): void {
    this.exceptions.set(exception, (this.exceptions.get(exception) ?? 0) + 1);
    if (req.holdsDbConnection) {
      // The connection object is dropped with the frame, which closes it.
      this.postgres!.close();
      req.holdsDbConnection = false;
    }
    req.host!.finished(req, 500);
  }
}

function cpuHasLoop(app: App, req: HttpRequest): void {
  app.cores.acquire(cpuHasCore, app, req);
}

function cpuHasCore(app: App, req: HttpRequest): void {
  app.sim.schedule(app.sample(app.current(req)), cpuDone, app, req);
}

function cpuDone(app: App, req: HttpRequest): void {
  app.cores.release();
  req.host!.loop.release();
  app.next(req);
}

function connectHoldingLoop(app: App, req: HttpRequest): void {
  app.postgres!.connect(req, app.connected);
}

function waitHoldingLoop(app: App, req: HttpRequest): void {
  app.sim.schedule(app.sample(app.current(req)), blockingWaitDone, app, req);
}

function blockingWaitDone(app: App, req: HttpRequest): void {
  req.host!.loop.release();
  app.next(req);
}

function resumeAfterWait(app: App, req: HttpRequest): void {
  app.resume(req);
}

function resumed(app: App, req: HttpRequest): void {
  req.host!.loop.release();
  app.next(req);
}
