// The handler's steps, resolved: what each endpoint runs, in the order it runs it, with
// durations as distributions over integer microseconds, IO marked blocking or
// cooperative, a query's result decoding as a CPU step after it, a connect's client CPU
// split where it runs (at the start, and with the backend's challenge when the app talks
// to PostgreSQL itself), and a cache as a lookup that skips the steps it covers on a hit
// and a store after them on a miss. The driver's own round trips are steps too: psycopg2
// without autocommit sends BEGIN before a transaction's first query, and SQLAlchemy's pool
// rolls that transaction back before it takes the connection back. model/steps.ts gives
// each step its random stream, limit and cache when the model is wired.
import { Constant, type Distribution } from '../engine/distributions.js';
import { fromSeconds, type Time } from '../engine/time.js';
import { toDistribution } from './durations.js';
import type { Scenario, Step } from './schema.js';

export type StepKind = 'cpu' | 'dbConnect' | 'dbQuery' | 'dbClose' | 'wait' | 'cacheGet' | 'cacheSet';

export interface CacheSpec {
  /** The stream its keys (or hits) are drawn from. */
  stream: string;
  hitRatio: number | undefined;
  ttl: Time;
  keys: number;
}

export interface ResolvedStep {
  kind: StepKind;
  /** The step's time (CPU time for cpu, the wait otherwise; a query's wait). */
  duration?: Distribution;
  /** A query's backend CPU; a connect's client share of authentication, when it runs inside the handshake. */
  cpu?: Distribution;
  /** A connect's CPU already spent when it started (µs), to take from `cpu` at the challenge. */
  startCpu?: number;
  /** A cooperative connect's extra worker CPU at each turn (µs). */
  turnCpu?: number;
  /** A blocking connect's extra CPU while another thread of its process connects (µs). */
  contendedCpu?: number;
  /** A connect's start and turns: the share of their worker CPU they cost run back to back on the loop. */
  backToBackShare?: number;
  /** The random stream its durations draw from: the same name, the same stream. */
  stream?: string;
  blocking: boolean;
  /** http: a third party's concurrency limit, and its name in messages. */
  limit?: { capacity: number; name: string };
  /** cacheGet and cacheSet: the same cache, by the same object. */
  cache?: CacheSpec;
  /** cacheGet: the steps a hit skips (the covered ones and the store). */
  skip?: number;
  /** dbQuery: a statement the driver sends by itself (BEGIN, ROLLBACK), not one of the handler's queries. */
  driverOwn?: boolean;
  /** dbQuery: the backend CPU its driver's own statements take from its `cpu` (µs). */
  driverCpu?: number;
  /** An outbound HTTP call (a wait): what app.httpTime and an http breaker act on. */
  http?: boolean;
  /** http: the app's own client timeout (µs). */
  timeout?: Time;
}

export interface ResolvedEndpoint {
  name: string;
  weight: number;
  status: number;
  /** A `def` handler under uvicorn: it runs in the worker's threadpool. */
  inThreadpool: boolean;
  steps: ResolvedStep[];
}

/**
 * `authInHandshake`: the app talks to PostgreSQL itself, which asks the client for its
 * share of authentication mid-handshake (with PgBouncer in between, the client's CPU
 * comes after the connect, as one step).
 */
export function resolveEndpoints(
  app: Scenario['app'],
  authInHandshake: boolean,
  uvicorn: boolean,
  /** database.transactionControlCpu (seconds). */
  transactionControlCpu: number,
): ResolvedEndpoint[] {
  const list = app.endpoints ?? [{ name: 'app', weight: 1, steps: app.steps!, status: undefined, handler: undefined }];
  const transactions = driverTransactions(app, transactionControlCpu);
  return list.map((e, i) => ({
    name: e.name,
    weight: e.weight,
    status: e.status ?? app.status,
    inThreadpool: uvicorn && (e.handler ?? app.handler) === 'def',
    steps: resolveSteps(e.steps, app.psycogreen, list.length === 1 ? 'app' : `app.${i}`, authInHandshake, transactions),
  }));
}

/** The round trips the driver and the pool add around the handler's own queries. */
interface DriverTransactions {
  /**
   * psycopg2 without autocommit: a transaction's first query is preceded by BEGIN, sent and
   * waited for on its own (pqpath.c: pq_begin_locked, then PQexec or, with a wait callback,
   * psyco_exec_green). The transaction stays open until the connection closes or rolls back.
   */
  begin: boolean;
  /**
   * SQLAlchemy's QueuePool resets a connection on its return (reset_on_return='rollback'):
   * psycopg2's rollback() sends ROLLBACK and waits for it when a transaction is open, and
   * only then is the connection back in the pool.
   */
  rollbackOnReturn: boolean;
  /**
   * A pool of the worker's own (SQLAlchemy's, asyncpg's) stands between the handler and
   * libpq: a checkout that finds an idle connection runs none of libpq's connect, so its
   * start is part of opening a connection, not of every checkout.
   */
  pooled: boolean;
  /** Each of those statements' backend CPU (seconds). */
  statementCpu: number;
}

function driverTransactions(app: Scenario['app'], statementCpu: number): DriverTransactions {
  const begin = app.driver === 'psycopg2' && !(app.autocommit ?? false);
  const pooled = app.pool !== undefined || app.asyncpgPool !== undefined;
  return { begin, rollbackOnReturn: begin && app.pool !== undefined, pooled, statementCpu };
}

/**
 * A round trip of the driver's own (BEGIN, ROLLBACK) around `query`: its wait, the worker's
 * turn of its loop to resume after it, and its backend's CPU, which wakes the backend. That
 * CPU is taken from the query's: the kit measures a query as psycopg2 runs it, its BEGIN
 * (costs.py: "psycopg2's implicit BEGIN included") and a pool's ROLLBACK with it.
 */
function driverRoundTrip(stream: string, blocking: boolean, query: ResolvedStep, transactions: DriverTransactions): ResolvedStep {
  const lends = transactions.statementCpu > 0 && query.cpu !== undefined && !(query.cpu instanceof Constant && query.cpu.value === 0);
  if (!lends) return { kind: 'dbQuery', duration: toDistribution(0), stream, blocking, driverOwn: true };
  query.driverCpu = (query.driverCpu ?? 0) + fromSeconds(transactions.statementCpu);
  return {
    kind: 'dbQuery',
    duration: toDistribution(0),
    cpu: toDistribution(transactions.statementCpu),
    stream,
    blocking,
    driverOwn: true,
  };
}

function resolveSteps(
  steps: readonly Step[],
  psycogreen: boolean,
  prefix: string,
  authInHandshake: boolean,
  transactions: DriverTransactions,
): ResolvedStep[] {
  const out: ResolvedStep[] = [];
  // Whether the connection the handler holds is inside a transaction psycopg2 opened.
  let inTransaction = false;
  let lastQuery: ResolvedStep | undefined;
  // Each cache's store goes after the last step it covers: scenario step index -> the
  // store, and where its lookup is in `out` (to count the steps a hit skips).
  const stores = new Map<number, { store: ResolvedStep; get: number }>();
  steps.forEach((step, i) => {
    const stream = `${prefix}.step${i}.${step.kind}`;
    const blocking = blocks(step, psycogreen);
    switch (step.kind) {
      case 'cpu':
        out.push({ kind: 'cpu', duration: toDistribution(step.time), stream, blocking: false });
        break;
      case 'dbConnect':
        inTransaction = false;
        if (step.cpu === undefined || step.cpu === 0) out.push({ kind: 'dbConnect', stream, blocking });
        else if (authInHandshake) {
          // libpq's own work starts the connect on the loop; the proof's comes with the challenge.
          // Behind a pool only a connection the pool opens runs it: the start's CPU stays in
          // the connect's, which the pool charges with the proof when it opens one.
          const start = transactions.pooled ? 0 : typeof step.cpu === 'number' ? Math.min(step.startCpu, step.cpu) : step.startCpu;
          if (start > 0)
            out.push({ kind: 'cpu', duration: toDistribution(start), stream, blocking: false, backToBackShare: step.backToBackShare });
          out.push({
            kind: 'dbConnect',
            cpu: toDistribution(step.cpu),
            startCpu: fromSeconds(start),
            turnCpu: fromSeconds(step.turnCpu),
            ...((step.contendedCpu ?? 0) > 0 ? { contendedCpu: fromSeconds(step.contendedCpu!) } : {}),
            backToBackShare: step.backToBackShare,
            stream,
            blocking,
          });
        } else {
          out.push({ kind: 'dbConnect', stream, blocking });
          out.push({ kind: 'cpu', duration: toDistribution(step.cpu), stream, blocking: false });
        }
        break;
      case 'dbQuery': {
        const query: ResolvedStep = {
          kind: 'dbQuery',
          duration: toDistribution(step.time),
          cpu: toDistribution(step.cpu),
          stream,
          blocking,
        };
        if (transactions.begin && !inTransaction) out.push(driverRoundTrip(`${stream}.begin`, blocking, query, transactions));
        inTransaction = transactions.begin;
        lastQuery = query;
        out.push(query);
        if (step.decodeCpu !== 0) out.push({ kind: 'cpu', duration: toDistribution(step.decodeCpu), stream, blocking: false });
        break;
      }
      case 'dbClose':
        if (transactions.rollbackOnReturn && inTransaction) out.push(rollback(lastQuery!, transactions));
        inTransaction = false;
        out.push({ kind: 'dbClose', blocking: false });
        break;
      case 'sleep':
      case 'http':
        out.push({
          kind: 'wait',
          duration: toDistribution(step.time),
          stream,
          blocking,
          limit: step.kind === 'http' && step.limit !== undefined ? { capacity: step.limit, name: `${prefix}.step${i} limit` } : undefined,
          ...(step.kind === 'http' ? { http: true } : {}),
          ...(step.kind === 'http' && step.timeout !== undefined && step.timeout > 0 ? { timeout: fromSeconds(step.timeout) } : {}),
        });
        break;
      case 'cache': {
        const cache: CacheSpec = {
          stream: `${prefix}.step${i}.cache.keys`,
          hitRatio: step.hitRatio,
          ttl: fromSeconds(step.ttl ?? 0),
          keys: step.keys ?? 0,
        };
        const get: ResolvedStep = { kind: 'cacheGet', duration: toDistribution(step.time), stream, blocking, cache };
        out.push(get);
        stores.set(i + step.covers, { store: { ...get, kind: 'cacheSet' }, get: out.length - 1 });
        break;
      }
    }
    const pending = stores.get(i);
    if (pending !== undefined) {
      out.push(pending.store);
      // Counted now that the cover is compiled: a query's decoding adds a step.
      out[pending.get].skip = out.length - 1 - pending.get;
    }
  });
  // A pooled connection still held when the handler returns goes back then, rolled back first.
  if (transactions.rollbackOnReturn && inTransaction) out.push(rollback(lastQuery!, transactions));
  return out;
}

/** The pool's ROLLBACK of a returned connection, after the transaction's last query. */
function rollback(lastQuery: ResolvedStep, transactions: DriverTransactions): ResolvedStep {
  return driverRoundTrip(`${lastQuery.stream!}.rollback`, lastQuery.blocking, lastQuery, transactions);
}

/**
 * Whether a step's IO blocks its worker process (a C extension gevent cannot patch): its
 * `io` when given; else a database step blocks without psycogreen, and nothing else does.
 */
export function blocks(step: Step, psycogreen: boolean): boolean {
  if ('io' in step && step.io !== undefined) return step.io === 'blocking';
  return (step.kind === 'dbConnect' || step.kind === 'dbQuery') && !psycogreen;
}

/** Every step the handler may run: its steps, or those of all its endpoints. */
export function allSteps(s: Pick<Scenario, 'app'>): Step[] {
  return s.app.steps ?? (s.app.endpoints ?? []).flatMap((e) => e.steps);
}
