// PostgreSQL's statement_timeout (postgres.c: enable_timeout_after(STATEMENT_TIMEOUT, ...)
// when a statement starts; the timer's handler sets QueryCancelPending, and the backend's
// next CHECK_FOR_INTERRUPTS raises "canceling statement due to statement timeout",
// SQLSTATE 57014). The statement ends in an error, the transaction is aborted, and the
// session goes on: the connection stays open and usable, so the backend keeps its slot and
// the app's pool gets the connection back. The timer starts with the statement, so time
// the query spends waiting for a core counts as PostgreSQL's does.
//
// The model cancels at the exact deadline: a backend in a CPU loop or a sleep checks for
// interrupts often enough (pg_sleep wakes at least once a second, but is woken by the
// timeout's signal at once: the calibration kit measures it).
import type { Cpu } from '../../engine/cpu/cpu.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { DbDone } from './server.js';

/** PostgreSQL's message (libpq's form: severity, a colon and two spaces); the app names the driver's exception (App.exceptionsRaised). */
export const STATEMENT_TIMEOUT = 'ERROR:  canceling statement due to statement timeout';

/** The backend's side of a query that runs under a statement timeout. */
export interface TimedBackend {
  readonly sim: Simulation;
  /** A query ended (done or cancelled): the backend is idle in its session again. */
  queryEnded(): void;
  /** A query was cancelled. */
  queryCancelled(): void;
  /** Of the CPU its query was given (and counted), `cpu` was never done: the query was cancelled first. */
  cpuNotDone(cpu: Time): void;
}

/** One statement under statement_timeout; not reused (its timer may fire after it ended). */
class TimedQuery {
  over = false;
  task = 0;
  constructor(
    readonly backend: TimedBackend,
    readonly cpu: Cpu,
    /** Its CPU as given. */
    readonly work: Time,
    readonly wait: Time,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

/** Runs a query of `cpu` then `wait` on `cores`, cancelled `limit` after it starts if it has not ended by then. */
export function runTimedQuery<A>(backend: TimedBackend, cores: Cpu, limit: Time, cpu: Time, wait: Time, done: DbDone<A>, a: A): void {
  const q = new TimedQuery(backend, cores, cpu, wait, done, a);
  backend.sim.schedule(limit, timedOut, q);
  if (cpu > 0) q.task = cores.run(cpu, cpuDone, q);
  else backend.sim.schedule(wait, waitDone, q);
}

/** The run has stopped with this task unfinished (Cpu.unfinished): if it is a timed query's CPU, its backend's CPU keeps the part done. */
export function settleTimedQueryCpu(fn: unknown, a: unknown, left: number): boolean {
  if (fn !== cpuDone) return false;
  const q = a as TimedQuery;
  q.backend.cpuNotDone(Math.round(q.work * left));
  return true;
}

function cpuDone(q: TimedQuery): void {
  q.task = 0;
  if (q.over) return;
  q.backend.sim.schedule(q.wait, waitDone, q);
}

function waitDone(q: TimedQuery): void {
  if (q.over) return;
  q.over = true;
  q.backend.queryEnded();
  q.done(q.a, undefined);
}

function timedOut(q: TimedQuery): void {
  if (q.over) return;
  q.over = true;
  // Cancelled mid-CPU: the core goes to others, and the report's backend CPU counts only
  // the part of the query's CPU that ran (it counted the whole when the query started).
  if (q.task !== 0) q.backend.cpuNotDone(Math.round(q.work * q.cpu.cancel(q.task)));
  q.task = 0;
  q.backend.queryEnded();
  q.backend.queryCancelled();
  q.done(q.a, STATEMENT_TIMEOUT);
}
