// One client operation in PgBouncer (pgbouncer.ts): a client's login, a query it relays, or
// the opening of a server connection; and the continuations through which PgBouncer's
// events, its one thread and PostgreSQL call it back, each a plain function of the
// operation (events and grants carry no closures).
import type { DbDone } from './server.js';
import type { HttpRequest } from '../request.js';
import type { PgBouncer } from './pgbouncer.js';

/** One client operation in PgBouncer: a login, a query, or the opening of a server connection. */
export class Operation {
  /** What it does once it has a server connection (or failed to get one). */
  granted: DbDone<Operation> | undefined = undefined;
  /** What it does once its work on PgBouncer's thread is done, and that work. */
  next: ((op: Operation) => void) | undefined = undefined;
  work = 0;
  /** Time it holds the thread beyond its CPU (a login's loginTime). */
  hold = 0;
  /** A query's backend CPU and wait. */
  cpu = 0;
  wait = 0;
  /** A statement of the driver's own (not counted among the handler's queries). */
  driverOwn = false;
  /** Its startup packet came while PgBouncer counted more than max_client_conn clients. */
  refusedAtStartup = false;
  constructor(
    readonly bouncer: PgBouncer,
    /** The app's request it serves (waiters are dropped when its worker was killed). */
    readonly req: HttpRequest,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

export function listenReadable(bouncer: PgBouncer): void {
  bouncer.listenReadable();
}

export function acceptTurn(bouncer: PgBouncer): void {
  bouncer.acceptTurn();
}

export function startupRead(bouncer: PgBouncer, op: Operation): void {
  bouncer.startupRead(op);
}

export function startupDone(bouncer: PgBouncer, op: Operation): void {
  bouncer.startupDone(op);
}

export function loopGot(bouncer: PgBouncer, op: Operation): void {
  bouncer.loopGot(op);
}

/** The run has stopped with this task unfinished (Cpu.unfinished): if it is PgBouncer's, its CPU, counted when given, keeps the part done. */
export function settlePgBouncerCpu(fn: unknown, a: unknown, b: unknown, left: number): boolean {
  if (fn !== cpuDone) return false;
  (a as PgBouncer).cpuUsed -= Math.round((b as Operation).work * left);
  return true;
}

export function cpuDone(bouncer: PgBouncer, op: Operation): void {
  bouncer.cpuDone(op);
}

export function loopDone(bouncer: PgBouncer, op: Operation): void {
  bouncer.loopDone(op);
}

export function login(op: Operation): void {
  op.bouncer.loggedIn(op);
}

export function relay(op: Operation): void {
  op.bouncer.relayed(op);
}

export function openOnPostgres(op: Operation): void {
  op.bouncer.openOnPostgres(op);
}

export function waited(op: Operation, error: string | undefined): void {
  op.bouncer.waited(op, error);
}

export function serverOpened(op: Operation, error: string | undefined): void {
  op.bouncer.serverOpened(op, error);
}

export function runQuery(op: Operation, error: string | undefined): void {
  op.bouncer.runQuery(op, error);
}

export function queryDone(op: Operation): void {
  op.bouncer.queryDone(op);
}

/** The operation is over: its caller hears of it. */
export function deliver(op: Operation, error: string | undefined): void {
  op.done(op.a, error);
}
