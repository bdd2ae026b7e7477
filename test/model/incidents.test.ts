// The incident mechanisms inside the app, through whole runs: statement_timeout seen by the
// handler, the app's own timeout on outbound calls, and breakers that fail calls fast.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers.js';

describe('statement_timeout, from the handler', () => {
  it("turns a long query into a 500 with psycopg2's QueryCanceled, and the pooled connection serves the next request", () => {
    // Queries alternate 2 s and 0.1 s (a choice, drawn); the 2 s ones are cancelled at 0.5 s.
    const { summary } = run({
      client: { requests: 20, concurrency: 1 },
      app: {
        steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: { dist: 'choice', values: [2, 0.1] } }, { kind: 'dbClose' }],
        pool: { size: 1, maxOverflow: 0 },
      },
      database: { statementTimeout: 0.5 },
    });
    const cancelled = summary.incident!.statementTimeouts!;
    expect(cancelled).toBeGreaterThan(0);
    expect(summary.statusCodes['500']).toBe(cancelled);
    expect(summary.simulation.exceptions).toEqual({
      'psycopg2.errors.QueryCanceled: canceling statement due to statement timeout': cancelled,
    });
    // One connection for all 20 requests: a cancelled query leaves it usable.
    expect(summary.simulation.database!.connections).toBe(1);
    expect(summary.summary.slowest).toBeLessThan(0.51);
  });

  it("names asyncpg's exception when the app uses asyncpg", () => {
    const { summary } = run({
      client: { requests: 2, concurrency: 1 },
      app: { driver: 'asyncpg', steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 2 }, { kind: 'dbClose' }] },
      database: { statementTimeout: 0.5 },
    });
    expect(summary.simulation.exceptions).toEqual({
      'asyncpg.exceptions.QueryCanceledError: canceling statement due to statement timeout': 2,
    });
  });
});

describe("the app's timeout on an outbound call", () => {
  it('raises ReadTimeout when the call outlasts it (a 500), and lets shorter calls through', () => {
    const { summary } = run({
      client: { requests: 2, concurrency: 1 },
      app: { steps: [{ kind: 'http', time: { dist: 'choice', values: [0.1, 3] }, timeout: 1 }] },
    });
    const timeouts = summary.incident!.httpTimeouts;
    expect(summary.statusCodes['500'] ?? 0).toBe(timeouts);
    expect(summary.summary.slowest).toBeLessThanOrEqual(1);
  });
});

describe('a circuit breaker in the app', () => {
  it('opens after failMax failures and fails the next calls at once, until resetTimeout', () => {
    // Every outbound call times out at 1 s; after 3 the worker's breaker opens, and the
    // requests after that fail without calling (no wait) for the 60 s it stays open.
    const { summary } = run({
      client: { requests: 10, concurrency: 1 },
      app: { steps: [{ kind: 'http', time: 5, timeout: 1 }], breaker: { on: ['http'], failMax: 3, resetTimeout: 60 } },
    });
    expect(summary.statusCodes).toEqual({ 500: 10 });
    expect(summary.incident!.httpTimeouts).toBe(3);
    expect(summary.incident!.breakers).toEqual({ opened: 1, rejected: 7 });
    expect(summary.summary.total).toBeCloseTo(3, 3);
  });

  it('guards the database: refused connections open it, and the requests after that fail without connecting', () => {
    // 10 at once against 5 slots: 5 refusals open the breaker (failMax 2); the workers
    // whose request was refused send their next ones, which the open breaker refuses.
    const { summary } = run({
      client: { requests: 40, concurrency: 10 },
      app: { breaker: { on: ['database'], failMax: 2, resetTimeout: 60 } },
      database: { maxConnections: 5, superuserReservedConnections: 0 },
    });
    expect(summary.incident!.breakers!.opened).toBe(1);
    expect(summary.incident!.breakers!.rejected).toBeGreaterThan(0);
    expect(summary.simulation.exceptions['pybreaker.CircuitBreakerError: Timeout not elapsed yet, circuit breaker still open']).toBe(
      summary.incident!.breakers!.rejected,
    );
  });
});
