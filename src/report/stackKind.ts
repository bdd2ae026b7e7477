// The kind of stack a scenario models, in the terms of docs/validation.md's table "By kind of
// stack". The validation page sums the kit's rows by this function, and `sim run` quotes
// the row of the scenario's own kind (validated.ts), so a user reads how the model did on
// real runs of the same kind, and the two cannot disagree on what a kind is. A kind is told
// from the scenario alone, not from a run's outcome, so every seed of it has the same one.
import { databaseSchema } from '../scenario/databaseSchema.js';
import { meanSeconds as mean } from '../scenario/durations.js';
import { effectiveWorkerClass, UVICORN_WORKER } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';

/** The kinds, in the page's order, each with its label there. */
export const STACK_KINDS = {
  pgbouncer: 'PgBouncer in front of PostgreSQL',
  pool: "SQLAlchemy's pool in gevent workers",
  uvicorn: 'uvicorn workers',
  fleet: 'a fleet behind a load balancer (nginx, haproxy), a CPU quota',
  gthreadPool: "SQLAlchemy's pool in gthread workers (psycopg2 blocking)",
  syncPool: "SQLAlchemy's pool in sync workers (psycopg2 blocking)",
  gthread: 'gthread workers',
  sync: 'sync workers',
  noDatabase: "gevent, no database: the worker's own CPU (the kit: a trivial handler)",
  storm: "gevent, a connection per request spent mostly on CPU, more at once than PostgreSQL's slots: a storm",
  waitingQuery: 'gevent, a connection per request held mostly waiting for its query (the kit: pg_sleep(1))',
  oneWorker: "gevent, one worker, a connection per request spent mostly on CPU, within PostgreSQL's slots (the kit: the actors query)",
  severalWorkers: "gevent, several workers, a connection per request spent mostly on CPU, within PostgreSQL's slots",
} as const;

export type StackKind = keyof typeof STACK_KINDS;

/**
 * The kind of stack `scenario` models; undefined where the kit ran nothing like it
 * (eventlet workers; a gevent handler whose only IO is a sleep or an outbound call).
 */
export function stackKind(scenario: Scenario): StackKind | undefined {
  const { server, app } = scenario;
  const database = scenario.database ?? databaseSchema.parse({});
  if (scenario.fleet !== undefined) return 'fleet';
  // The class gunicorn runs: sync with threads > 1 is gthread, as the run and its report have it.
  const workerClass = effectiveWorkerClass(scenario);
  // The kit ran PgBouncer behind gevent workers that connect per request; behind threads, or
  // a pool of the app's own, it ran nothing, and neither kind's record would say how it does.
  if (database.pgbouncer !== undefined) {
    return workerClass === 'gevent' && app.pool === undefined && app.asyncpgPool === undefined ? 'pgbouncer' : undefined;
  }
  if (workerClass === UVICORN_WORKER) return 'uvicorn';
  // A pool in blocking workers reads differently from a connection per request (its
  // connections stay open; gthread's threads share one pool), so it is a kind of its own.
  if (workerClass === 'gthread') return app.pool !== undefined ? 'gthreadPool' : 'gthread';
  if (workerClass === 'sync') return app.pool !== undefined ? 'syncPool' : 'sync';
  if (workerClass !== 'gevent') return undefined;
  if (app.pool !== undefined || app.asyncpgPool !== undefined) return 'pool';
  const steps = app.steps ?? app.endpoints?.flatMap((e) => e.steps) ?? [];
  const queries = steps.flatMap((s) => (s.kind === 'dbQuery' ? [s] : []));
  if (!steps.some((s) => s.kind === 'dbConnect' || s.kind === 'dbQuery')) {
    return steps.every((s) => s.kind === 'cpu') ? 'noDatabase' : undefined;
  }
  // A connection held a second by pg_sleep is held waiting; one that opens, runs the actors
  // query and closes spends its life on CPU (the handshake's and the query's): which one a
  // request's connection is more like.
  const waits = queries.reduce((sum, q) => sum + mean(q.time), 0);
  const perConnection = database.backendStartupCpu + database.backendStartCpu + database.backendExitCpu;
  const computes =
    queries.reduce((sum, q) => sum + mean(q.cpu), 0) +
    steps.reduce((sum, s) => sum + (s.kind === 'dbConnect' ? (s.cpu === undefined ? 0 : mean(s.cpu)) + perConnection : 0), 0);
  if (waits > computes) return 'waitingQuery';
  const slots = database.maxConnections - (database.superuser ? 0 : database.superuserReservedConnections);
  const atOnce = Math.min(scenario.client.concurrency ?? Number.POSITIVE_INFINITY, server.workers * server.workerConnections);
  if (atOnce > slots) return 'storm';
  return server.workers === 1 ? 'oneWorker' : 'severalWorkers';
}
