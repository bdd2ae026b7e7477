import { describe, expect, it } from 'vitest';
import { run } from '../../helpers.js';

const pgSleep = (seconds: number) => [
  { kind: 'dbConnect' as const },
  { kind: 'dbQuery' as const, time: seconds },
  { kind: 'dbClose' as const },
];

describe('an app-side connection pool (SQLAlchemy QueuePool)', () => {
  it('serves requests that take no time (a pooled connection and nothing else) without nesting them', () => {
    // Each request checks an idle connection out and ends at once, within the event
    // that accepted it; the worker then accepted the next queued connection inside that
    // same call, 20000 deep, until the stack overflowed. Found by the property tests.
    const { result, summary } = run({
      app: { steps: [{ kind: 'dbConnect' }], pool: { size: 1, maxOverflow: 0, timeout: 30 } },
      client: { requests: 20000, concurrency: 1 },
      server: { workerClass: 'sync' },
    });
    expect(result.complete).toBe(true);
    expect(summary.statusCodes).toEqual({ '200': 20000 });
  });

  it('opens its connections through PgBouncer when there is one', () => {
    // Both layers kept the continuation of the connection being opened in one field of
    // the request: PgBouncer overwrote the pool's, and the pool then called itself until
    // the stack overflowed. Found by the property tests.
    const { result, summary } = run({
      app: { steps: pgSleep(0.1), pool: { size: 2, maxOverflow: 0, timeout: 30 } },
      client: { requests: 4, concurrency: 4 },
      server: { workerClass: 'gevent' },
      database: { pgbouncer: { poolMode: 'session', defaultPoolSize: 2 } },
    });
    expect(summary.statusCodes).toEqual({ '200': 4 });
    expect(result.database!.pool!.peakPerWorker).toBe(2);
    expect(result.database!.peakOpen).toBe(2);
  });

  it('never opens more than pool_size + max_overflow connections per worker', () => {
    // 2 gevent workers, pool 2 + overflow 1 each: at most 6 connections, 20 requests.
    const { result } = run({
      app: { steps: pgSleep(0.1), pool: { size: 2, maxOverflow: 1, timeout: 30 } },
      client: { requests: 20, concurrency: 20 },
      server: { workers: 2, acceptPolicy: 'round-robin' },
    });
    expect(result.database!.pool!.peakPerWorker).toBe(3);
    expect(result.database!.peakOpen).toBe(6);
    expect(result.recorder.statusCodes).toEqual(new Map([[200, 20]]));
  });

  it('keeps connections open across requests: the fork and start-up are paid once per connection', () => {
    // One hey worker, 10 sequential requests through a pool of 1: one connection, 10 queries.
    const { result } = run({ app: { steps: pgSleep(0.01), pool: { size: 1, maxOverflow: 0 } }, client: { requests: 10, concurrency: 1 } });
    expect(result.database!.connections).toBe(1);
    expect(result.database!.queries).toBe(10);
  });

  it('turns a checkout that waits longer than pool_timeout into a 500', () => {
    // Pool of 1, timeout 0.5 s, 1 s queries, 3 requests at once: the first gets the
    // connection; the other two give up at 0.5 s.
    const { summary } = run({
      app: { steps: pgSleep(1), pool: { size: 1, maxOverflow: 0, timeout: 0.5 } },
      client: { requests: 3, concurrency: 3 },
    });
    expect(summary.statusCodes).toEqual({ '200': 1, '500': 2 });
    expect(summary.simulation.exceptions).toEqual({
      'sqlalchemy.exc.TimeoutError: QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.50 (Background on this error at: https://sqlalche.me/e/14/3o7r)': 2,
    });
  });

  it('checks a queued connection out without IO: the greenlet goes on to its BEGIN in the same turn of its loop', () => {
    // Pool of 1, two requests one after the other on one kept-alive connection; the worker's
    // request CPU 0.2 ms, a resume after IO 0.1 ms. The second request finds the first's
    // connection queued (QueuePool's Queue.get returns at once): 0.2 + a resume after
    // psycopg2's BEGIN, the query's 10 ms, a resume, SQLAlchemy's ROLLBACK, a resume =
    // 10.5 ms. Giving the loop up for the checkout would add a fourth resume.
    const { summary } = run({
      app: { steps: pgSleep(0.01), pool: { size: 1, maxOverflow: 0, timeout: 30 } },
      client: { requests: 2, concurrency: 1 },
      server: { requestCpu: 0.0002, switchCpu: 0.0001 },
    });
    expect(summary.summary.fastest).toBeCloseTo(0.0105, 6);
  });

  it("asyncpg's acquire of a holder with its connection is no IO either: the task goes on to its query in the same turn", () => {
    // One UvicornWorker whose pool opened its one connection at start-up (min_size 1); two
    // requests one after the other, request CPU 0.2 ms, a resume after IO 0.1 ms. Each
    // finds the holder ready (LifoQueue.get and PoolConnectionHolder.acquire await nothing):
    // 0.2 + the query's 10 ms + its resume = 10.3 ms, not a resume more for the acquire.
    const { summary } = run({
      app: { driver: 'asyncpg', handler: 'async', steps: pgSleep(0.01), asyncpgPool: { minSize: 1, maxSize: 1 } },
      client: { requests: 2, concurrency: 1 },
      server: { workerClass: 'uvicorn.workers.UvicornWorker', requestCpu: 0.0002, switchCpu: 0.0001 },
    });
    expect(summary.summary.fastest).toBeCloseTo(0.0103, 6);
    expect(summary.summary.slowest).toBeCloseTo(0.0103, 6);
  });

  it("charges libpq's start of a connect only to a connection the pool opens, not to every checkout", () => {
    // The same two requests, the connect's worker CPU 3 ms of which 1 ms starts it: the
    // second request's checkout runs none of libpq's connect, so it takes 10.5 ms as above.
    const { summary } = run({
      app: {
        steps: [{ kind: 'dbConnect', cpu: 0.003, startCpu: 0.001 }, { kind: 'dbQuery', time: 0.01 }, { kind: 'dbClose' }],
        pool: { size: 1, maxOverflow: 0, timeout: 30 },
      },
      client: { requests: 2, concurrency: 1 },
      server: { requestCpu: 0.0002, switchCpu: 0.0001 },
    });
    expect(summary.summary.fastest).toBeCloseTo(0.0105, 6);
  });

  it('closes overflow connections when they come back to a full pool', () => {
    const { result } = run({ app: { steps: pgSleep(0.1), pool: { size: 1, maxOverflow: 4 } }, client: { requests: 5, concurrency: 5 } });
    expect(result.database!.peakOpen).toBe(5);
    expect(result.database!.openAtEnd).toBe(1);
  });
});

describe("a pool's wait in an async worker", () => {
  // A blocking connect (psycopg2 without psycogreen, io "blocking") holds its worker's loop
  // for its IO, but waiting for the pool is no IO: a get from a cooperative queue (asyncpg's
  // asyncio.LifoQueue; SQLAlchemy's Condition, which gevent patches). The greenlet holding
  // the connection must be able to run on and return it.
  const blockingConnect = [
    { kind: 'dbConnect' as const, io: 'blocking' as const },
    { kind: 'sleep' as const, time: 0.01 },
    { kind: 'dbClose' as const },
  ];

  it("lets asyncpg's pool hand its one connection on while a blocking connect waits for it", () => {
    // Both requests waited for ever: the second held the loop while it waited, and the
    // first could not resume to release its connection. Found by the property tests.
    const { result, summary } = run({
      app: { steps: blockingConnect, asyncpgPool: { minSize: 0, maxSize: 1 }, driver: 'asyncpg' },
      client: { requests: 2, concurrency: 2 },
    });
    expect(result.complete).toBe(true);
    expect(summary.statusCodes).toEqual({ '200': 2 });
    // The second request's wait ends when the first is done with the connection: after
    // its connect (the measured default costs') and its 10 ms sleep.
    expect(summary.summary.slowest! - summary.summary.fastest!).toBeCloseTo(0.01, 3);
  });

  it("lets SQLAlchemy's pool hand its one connection on while a blocking connect waits for it", () => {
    // The second request held the loop until pool_timeout (30 s) raised, a 500, and only
    // then could the first resume.
    const { summary } = run({
      app: { steps: blockingConnect, pool: { size: 1, maxOverflow: 0, timeout: 30 } },
      client: { requests: 2, concurrency: 2 },
    });
    expect(summary.statusCodes).toEqual({ '200': 2 });
    expect(summary.summary.slowest!).toBeLessThan(0.1);
  });
});

describe('PostgreSQL limits, end to end', () => {
  it('refuses an ordinary role once 97 connections are open, a superuser once 100 are', () => {
    const ordinary = run({ app: { steps: pgSleep(1) }, client: { requests: 120, concurrency: 120 }, database: { superuser: false } });
    expect(ordinary.summary.statusCodes).toEqual({ '200': 97, '500': 23 });
    expect(Object.keys(ordinary.summary.simulation.exceptions)).toEqual([
      'psycopg2.OperationalError: FATAL:  remaining connection slots are reserved for non-replication superuser connections',
    ]);
    const superuser = run({ app: { steps: pgSleep(1) }, client: { requests: 120, concurrency: 120 }, database: { superuser: true } });
    expect(superuser.summary.statusCodes).toEqual({ '200': 100, '500': 20 });
  });

  it("charges authentication CPU to the database's cores", () => {
    // 10 connections at once, 10 ms of backend CPU each on 1 database core (its own
    // machine, cores served in turn): the CPU work is serialized, the last connection is
    // ready after 100 ms of CPU plus its 2 ms fork, and its request ends 1 s later.
    const { summary } = run({
      machine: { scheduler: 'fifo' },
      app: { steps: pgSleep(1) },
      client: { requests: 10, concurrency: 10 },
      database: { cores: 1, backendStartCpu: 0.01, forkTime: 0.002, backendStartTime: 0 },
    });
    expect(summary.summary.total).toBeCloseTo(1.102, 6);
  });
});

describe('PgBouncer', () => {
  const through = (poolMode: 'session' | 'transaction', clients: number, autocommit = true) =>
    run({
      app: { steps: pgSleep(1), autocommit },
      client: { requests: clients, concurrency: clients, timeout: 0 },
      database: { pgbouncer: { poolMode, defaultPoolSize: 20, maxClientConn: 100, loginTime: 0 } },
    });

  it('in transaction mode runs at most default_pool_size queries at once, and opens no more server connections', () => {
    // 100 clients, 20 server connections, 1 s queries: five rounds.
    const { summary, result } = through('transaction', 100);
    expect(summary.statusCodes).toEqual({ '200': 100 });
    expect(result.database!.peakOpen).toBe(20);
    expect(result.database!.connections).toBe(20);
    // PgBouncer opens its server connections one at a time (launch_new_connection): the
    // twentieth is ready at least 19 openings after the first, and runs its five queries
    // from then (the worker's own connect CPU for the 100 clients adds a little more).
    const opening = through('transaction', 1).summary.summary.total - 1;
    expect(opening).toBeGreaterThan(0.001);
    expect(summary.summary.total).toBeGreaterThan(5 + 19 * opening);
    expect(summary.summary.total).toBeLessThan(6);
  });

  it("with psycopg2's implicit transaction open at close, each client holds its server connection to its close, and PgBouncer closes it: a new one per client", () => {
    // The same 100 clients: still five rounds of 20, but every client's query needs a new server connection.
    const { summary, result } = through('transaction', 100, false);
    expect(summary.statusCodes).toEqual({ '200': 100 });
    expect(result.database!.peakOpen).toBe(20);
    expect(result.database!.connections).toBe(100);
    expect(summary.simulation.database!.pgbouncer!.serversClosed).toBe(100);
    expect(summary.summary.total).toBeGreaterThan(5);
  });

  it('refuses clients beyond max_client_conn: 110 connecting at once, all of them', () => {
    // PgBouncer accepts the 110 pending connections together and counts each from its
    // accept, so every startup packet it reads finds 110 > 100 clients (client.c).
    const { summary } = through('transaction', 110);
    expect(summary.statusCodes['500']).toBe(110);
    expect(Object.keys(summary.simulation.exceptions)).toEqual([
      'psycopg2.OperationalError: ERROR: no more connections allowed (max_client_conn)',
    ]);
  });
});

describe('a result cache', () => {
  const cached = (cache: object) =>
    run({
      app: { steps: [{ kind: 'cache', time: 0.001, covers: 3, ...cache } as never, ...pgSleep(0.05)] },
      client: { requests: 100, concurrency: 10 },
    });

  it('with a 100 % hit ratio, no query reaches the database', () => {
    const { result, summary } = cached({ hitRatio: 1 });
    expect(result.database!.queries).toBe(0);
    expect(result.database!.connections).toBe(0);
    expect(summary.statusCodes).toEqual({ '200': 100 });
  });

  it('with a 0 % hit ratio, every request pays the miss and stores its result', () => {
    const { result } = cached({ hitRatio: 0 });
    expect(result.database!.queries).toBe(100);
  });

  it('with one key and a long TTL, only the requests before the first store miss', () => {
    // 10 clients at once all miss (nothing stored yet); the rest hit.
    const { result } = cached({ ttl: 60, keys: 1 });
    expect(result.database!.queries).toBe(10);
  });
});

describe('outbound HTTP calls', () => {
  it('wait for the third party when it serves only `limit` calls at once', () => {
    // 10 calls of 1 s, 2 at a time: five rounds.
    const { summary } = run({ app: { steps: [{ kind: 'http', time: 1, limit: 2 }] }, client: { requests: 10, concurrency: 10 } });
    expect(summary.summary.total).toBeCloseTo(5, 6);
  });
});

describe('endpoints', () => {
  it('split requests by weight, each running its own steps and status', () => {
    const { summary } = run({
      app: {
        endpoints: [
          { name: 'home', weight: 3, steps: [{ kind: 'sleep', time: 0.001 }] },
          { name: 'create', weight: 1, steps: [{ kind: 'sleep', time: 0.001 }], status: 201 },
        ],
      },
      client: { requests: 4000, concurrency: 10 },
    });
    const created = summary.statusCodes['201'];
    expect(summary.statusCodes['200'] + created).toBe(4000);
    // Binomial(4000, 1/4): mean 1000, sd 27.
    expect(Math.abs(created - 1000)).toBeLessThan(5 * 27.4);
  });
});

describe('the report', () => {
  it('warns when the pools of all workers together can exceed max_connections', () => {
    const { summary } = run({
      app: { steps: pgSleep(0.01), pool: { size: 20, maxOverflow: 10 } },
      server: { workers: 4 },
      database: { maxConnections: 100 },
    });
    expect(summary.simulation.warnings).toEqual([
      'each worker has its own pool: 4 workers x (pool_size 20 + max_overflow 10) = 120 connections can exceed max_connections (100)',
    ]);
  });

  it("warns so of asyncpg's pools too, each up to its max_size", () => {
    const uvicorn = (workers: number) =>
      run({
        server: { workerClass: 'uvicorn.workers.UvicornWorker', workers },
        app: { driver: 'asyncpg', steps: pgSleep(0.01), asyncpgPool: { minSize: 1, maxSize: 30 } },
        database: { maxConnections: 100 },
      }).summary.simulation.warnings;
    expect(uvicorn(3)).not.toContainEqual(expect.stringMatching(/^each worker has its own pool/));
    expect(uvicorn(4)).toContain(
      'each worker has its own pool: 4 workers x max_size 30 = 120 connections can exceed max_connections (100)',
    );
  });
});
