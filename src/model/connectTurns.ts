// The worker's side of PostgreSQL's connection handshake: connectionAttempt.ts hands the
// client's process each message (DbClient.turn), and the worker answers when it gets to it.
// - A cooperative connect (psycopg2 with psycogreen) gives the gevent loop up between
//   messages, so each answer waits for the loop like any resume, and pays psycogreen's
//   wait callback (the step's turnCpu).
// - The same code just run costs less: a connect's turn that follows another's, the loop
//   not having slept in between, pays only the step's backToBackShare of its turnCpu, and
//   of the connect's start (HubLoop.connectTurn).
// - A blocking connect (no psycogreen) waits inside libpq: in an async worker it holds the
//   loop throughout; on a thread of its own it competes for a core, not for the GIL, and
//   threads of one process at it together fight over OpenSSL 3's lock (contendedConnects.ts).
// The app (app.ts) runs the handler's steps; it hands each turn here (App.turn).
import type { App } from './app.js';
import type { Attempt } from './database/connectionAttempt.js';
import { ContendedConnects } from './contendedConnects.js';
import { Phase, type HttpRequest } from './request.js';
import { HubLoop } from './hubLoop.js';

/** The handshakes' turns of an app's workers. */
export class ConnectTurns {
  /** @internal connect work on threads of one process at once (OpenSSL 3's lock). */
  readonly contended = new ContendedConnects();

  constructor(private readonly app: App) {}

  /**
   * A message of the connection's handshake arrived; the worker answers when its loop gets
   * to the greenlet (a resume, and `cpu` of libpq's own work such as the proof).
   */
  turn(attempt: Attempt, cpu: number): void {
    const app = this.app;
    const req = attempt.req;
    if (req.killed) {
      attempt.answered('EOF');
      return;
    }
    // Blocking connect (no psycogreen) holds the loop already, and keeps it after;
    // psycogreen's wait callback runs at each turn of a cooperative connect.
    const step = req.step > 0 ? app.current(req) : undefined;
    const turn = step !== undefined && app.cooperative(req) ? step.turnCpu : 0;
    const work = cpu + app.resumeCpu(req) + turn;
    if (work === 0 && !app.paysRefill(req)) {
      attempt.answered();
      return;
    }
    req.authAttempt = attempt;
    req.authKeepsLoop = req.hasLoop;
    if (turn > 0) req.pendingBackToBackSaving = turn * (1 - step!.backToBackShare);
    // (A pool's start-up connect is no step of a handler: req.step is 0.)
    if (!req.hasLoop && step !== undefined && step.blocking) {
      // A blocking connect on a thread of its own (gthread, a `def` handler's threadpool):
      // psycopg2 runs PQconnectdb with the GIL released (connection_int.c
      // _conn_sync_connect, Py_BEGIN_ALLOW_THREADS), so libpq's share of authentication
      // competes for a core, not for the GIL, and the process's other threads run meanwhile.
      // The request is connecting meanwhile, not in the CPU the GIL serialises (the
      // utilization law reads the worker's loop, its GIL, from the time in CPU).
      const contended = step.contendedCpu > 0 && cpu > 0;
      req.pendingCpu = contended ? work + this.contended.start(req, step.contendedCpu) : work;
      req.afterCpu = contended ? answeredContended : answered;
      app.runPendingCpu(req, Phase.dbConnect);
      return;
    }
    app.onLoop(req, work, answered);
  }
}

/** A connect's turn of `req`'s greenlet runs now: back to back with another's (see HubLoop.connectTurn)? */
export function backToBack(req: HttpRequest): boolean {
  const loop = req.host?.loop;
  return loop instanceof HubLoop && loop.connectTurn();
}

/** `req`'s pending CPU is about to run: a connect's turn run back to back costs less (pendingBackToBackSaving). */
export function takeBackToBackSaving(req: HttpRequest): void {
  if (req.pendingBackToBackSaving > 0) {
    if (backToBack(req)) req.pendingCpu = Math.round(req.pendingCpu - req.pendingBackToBackSaving);
    req.pendingBackToBackSaving = 0;
  }
}

/** A thread's contended connect work is done: it answers the backend. */
function answeredContended(app: App, req: HttpRequest): void {
  app.connects.contended.end(req);
  answered(app, req);
}

/** The worker computed its answer to the backend's message. */
function answered(app: App, req: HttpRequest): void {
  const attempt = req.authAttempt!;
  req.authAttempt = undefined;
  if (req.hasLoop && !req.authKeepsLoop) app.releaseLoop(req);
  req.enter(Phase.dbConnect, app.sim.now);
  attempt.answered();
}
