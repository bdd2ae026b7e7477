// The IO of a handler's step (app.ts runs the steps): a database call, an outbound HTTP
// call, a cache's lookup or store, a sleep. Before it, the worker's breaker for that kind
// of call is asked (breaker.ts) and a third party's limit is waited for; an outbound call
// may outlast the app's own timeout; after it, a cache records what it found, and the
// request resumes on its worker's loop. Every continuation drops requests whose worker
// was killed.
import type { App } from './app.js';
import { BREAKER_OPEN_ERROR } from './breaker.js';
import type { HttpRequest } from './request.js';
import type { CompiledStep } from './steps.js';

/** What requests raises when the app's own client timeout runs out (requests' timeout=). */
export const HTTP_READ_TIMEOUT = 'requests.exceptions.ReadTimeout: Read timed out.';

/** The IO of `step`, the current step (the caller has it at hand). */
export function wait(app: App, req: HttpRequest, step: CompiledStep): void {
  req.enter(step.phase, app.sim.now);
  const guard = step.http ? app.breakers.http : step.kind === 'dbConnect' || step.kind === 'dbQuery' ? app.breakers.database : undefined;
  if (guard !== undefined && !guard.of(req.host!).admit(app.sim.now)) {
    // pybreaker raises CircuitBreakerError without calling: the handler fails at once.
    app.fail(req, BREAKER_OPEN_ERROR);
    return;
  }
  switch (step.kind) {
    case 'dbConnect':
      // The client's share of authentication, if it runs inside the handshake.
      app.db!.connect(req, step.cpu !== undefined ? Math.max(0, app.sample(step, step.cpu) - (step.startCpu ?? 0)) : 0, connected, req);
      return;
    case 'dbQuery':
      app.db!.query(
        req,
        step.cpu !== undefined ? Math.max(0, app.sample(step, step.cpu) - step.driverCpu) : 0,
        app.sample(step, step.duration!),
        queried,
        req,
        step.driverOwn,
      );
      return;
    default:
      if (step.limit !== undefined) step.limit.acquire(limitGranted, app, req);
      else startWait(app, req, step);
  }
}

/** The wait of a sleep, an outbound call or a cache, once any third-party limit is granted. */
function startWait(app: App, req: HttpRequest, step: CompiledStep): void {
  let d = app.sample(step, step.duration!);
  if (step.http) {
    if (app.httpTimeFactor !== 1) d = Math.round(d * app.httpTimeFactor);
    if (step.timeout > 0 && d > step.timeout) {
      // The app gives up; the third party works on, holding its slot of the limit.
      if (step.limit !== undefined) app.sim.schedule(d, releaseLimit, step.limit);
      app.sim.schedule(step.timeout, httpTimedOut, app, req);
      return;
    }
  }
  app.sim.schedule(d, waited, app, req);
}

/** A guarded call (a database step, an outbound call) ended: its worker's breaker hears of it. */
function callEnded(app: App, req: HttpRequest, step: CompiledStep, failed: boolean): void {
  const guard = step.http ? app.breakers.http : app.breakers.database;
  if (guard === undefined) return;
  const b = guard.of(req.host!);
  if (failed) b.failure(app.sim.now);
  else b.success();
}

/** After IO, on to the next step (still holding the loop if the wait held it). */
function afterWait(app: App, req: HttpRequest): void {
  const step = app.current(req);
  if (step.limit !== undefined) step.limit.release();
  if (step.cache !== undefined) {
    if (step.kind === 'cacheGet') {
      req.cacheKey = step.cache.lookup(app.sim.now);
      if (req.cacheKey < 0) req.step += step.skip!;
    } else {
      step.cache.store(req.cacheKey, app.sim.now);
      req.cacheKey = -1;
    }
  }
  app.resume(req);
}

function limitGranted(app: App, req: HttpRequest): void {
  if (req.killed) {
    app.current(req).limit!.release();
    return;
  }
  startWait(app, req, app.current(req));
}

function waited(app: App, req: HttpRequest): void {
  if (req.killed) {
    const limit = app.current(req).limit;
    if (limit !== undefined) limit.release();
    return;
  }
  const step = app.current(req);
  if (step.http) callEnded(app, req, step, false);
  afterWait(app, req);
}

function releaseLimit(limit: NonNullable<CompiledStep['limit']>): void {
  limit.release();
}

/** The app's own timeout for an outbound call ran out: the handler raises. */
function httpTimedOut(app: App, req: HttpRequest): void {
  if (req.killed) return;
  app.httpTimeouts++;
  callEnded(app, req, app.current(req), true);
  app.fail(req, HTTP_READ_TIMEOUT);
}

/** A connect ended: the request holds its connection now, or raises. */
function connected(req: HttpRequest, error: string | undefined): void {
  const app = req.host!.app;
  if (req.killed) {
    if (error === undefined) app.db!.drop(req);
    return;
  }
  if (app.breakers.database !== undefined) callEnded(app, req, app.current(req), error !== undefined);
  if (error !== undefined) {
    app.fail(req, error);
    return;
  }
  req.holdsDbConnection = true;
  afterWait(app, req);
}

function queried(req: HttpRequest, error: string | undefined): void {
  if (req.killed) return;
  const app = req.host!.app;
  if (app.breakers.database !== undefined) callEnded(app, req, app.current(req), error !== undefined);
  if (error !== undefined) app.fail(req, error);
  else afterWait(app, req);
}
