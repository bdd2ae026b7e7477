// What a handler's steps become once resolved: the driver's own round trips included.
import { describe, expect, it } from 'vitest';
import { resolve } from '../../src/scenario/resolve.js';
import { run, scenario } from '../helpers.js';

const steps = [
  { kind: 'dbConnect' as const },
  { kind: 'dbQuery' as const, time: 0.001 },
  { kind: 'dbQuery' as const, time: 0.002 },
  { kind: 'dbClose' as const },
];

/** The resolved steps of the only endpoint, as "kind" or "kind (the driver's)". */
function resolvedSteps(app: NonNullable<Parameters<typeof scenario>[0]>['app']): string[] {
  const r = resolve(scenario({ app }));
  return r.app.endpoints[0].steps.map((s) => (s.driverOwn === true ? `${s.kind} (the driver's)` : s.kind));
}

describe("the driver's own round trips", () => {
  it('psycopg2 without autocommit sends BEGIN before the first query of its transaction, once', () => {
    expect(resolvedSteps({ steps })).toEqual(['dbConnect', "dbQuery (the driver's)", 'dbQuery', 'dbQuery', 'dbClose']);
  });

  it('with autocommit, or with asyncpg, there is none', () => {
    expect(resolvedSteps({ steps, autocommit: true })).toEqual(['dbConnect', 'dbQuery', 'dbQuery', 'dbClose']);
    expect(resolvedSteps({ steps, driver: 'asyncpg' })).toEqual(['dbConnect', 'dbQuery', 'dbQuery', 'dbClose']);
  });

  it("SQLAlchemy's pool rolls the transaction back before it takes the connection back, also at the handler's end", () => {
    const pool = { size: 5, maxOverflow: 10, timeout: 30 };
    expect(resolvedSteps({ steps, pool })).toEqual([
      'dbConnect',
      "dbQuery (the driver's)",
      'dbQuery',
      'dbQuery',
      "dbQuery (the driver's)",
      'dbClose',
    ]);
    expect(resolvedSteps({ steps: steps.slice(0, 2), pool })).toEqual([
      'dbConnect',
      "dbQuery (the driver's)",
      'dbQuery',
      "dbQuery (the driver's)",
    ]);
    // Nothing to roll back when no query opened a transaction.
    expect(resolvedSteps({ steps: [steps[0], steps[3]], pool })).toEqual(['dbConnect', 'dbClose']);
  });

  it("a new connection opens a new transaction: each connect's first query has its BEGIN", () => {
    expect(resolvedSteps({ steps: [...steps, ...steps] })).toEqual([
      'dbConnect',
      "dbQuery (the driver's)",
      'dbQuery',
      'dbQuery',
      'dbClose',
      'dbConnect',
      "dbQuery (the driver's)",
      'dbQuery',
      'dbQuery',
      'dbClose',
    ]);
  });

  it("costs its worker one more resume, and is not counted among the handler's queries", () => {
    // One request; resuming a greenlet after IO costs 1 ms of the worker's CPU: BEGIN's
    // round trip adds exactly one resume. PostgreSQL counts the handler's two queries.
    const s = (autocommit: boolean) =>
      run({ app: { steps, autocommit }, server: { switchCpu: 0.001 }, client: { requests: 1, concurrency: 1 } });
    const withBegin = s(false);
    const without = s(true);
    expect(withBegin.result.database!.queries).toBe(2);
    expect(without.result.database!.queries).toBe(2);
    expect(withBegin.summary.summary.slowest! - without.summary.summary.slowest!).toBeCloseTo(0.001, 9);
  });

  it("takes each statement's backend CPU (database.transactionControlCpu) from the query it opens or closes", () => {
    // The kit measures a query's backend CPU as psycopg2 runs it, BEGIN and a pool's ROLLBACK
    // included: the model runs that share at the statement itself, so it wakes its backend.
    const pool = { size: 5, maxOverflow: 10, timeout: 30 };
    const one = [steps[0], { kind: 'dbQuery' as const, time: 0.001, cpu: 0.005 }, steps[3]];
    const r = resolve(scenario({ app: { steps: one, pool }, database: { transactionControlCpu: 0.001 } }));
    const [, begin, query, rollback] = r.app.endpoints[0].steps;
    expect([begin.driverOwn, rollback.driverOwn]).toEqual([true, true]);
    expect([begin.cpu!.mean, rollback.cpu!.mean]).toEqual([1000, 1000]);
    expect(query.driverCpu).toBe(2000);
    // A query with no backend CPU of its own lends none.
    const free = resolve(scenario({ app: { steps, pool }, database: { transactionControlCpu: 0.001 } }));
    for (const step of free.app.endpoints[0].steps) expect([step.cpu?.mean ?? 0, step.driverCpu ?? 0]).toEqual([0, 0]);
  });

  it('moves the backend CPU, without adding any: the same total and the same latency, uncontended', () => {
    const pool = { size: 5, maxOverflow: 10, timeout: 30 };
    const one = [steps[0], { kind: 'dbQuery' as const, time: 0.001, cpu: 0.005 }, steps[3]];
    const s = (transactionControlCpu: number) =>
      run({ app: { steps: one, pool }, database: { transactionControlCpu }, client: { requests: 1, concurrency: 1 } });
    const split = s(0.001);
    const whole = s(0);
    expect(split.result.cpu.backends).toBe(whole.result.cpu.backends);
    expect(split.summary.summary.slowest).toBeCloseTo(whole.summary.summary.slowest!, 9);
  });
});
