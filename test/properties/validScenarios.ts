// Random valid scenario files, small enough to simulate in a few milliseconds but
// covering every mechanism: all worker classes, hey (keep-alive or not, -q, -z, -t, wrk2's
// schedule, think time) and open-loop clients, tiny backlogs (dropped SYNs), worker
// timeouts and restarts, database limits or no database, every distribution, and every
// way the machine schedules its cores (one run queue or per-core ones, fifo, task groups;
// the client and the database on the machine or on hosts of their own). They are raw
// JSON, as a user writes them. One in seven is a small fleet behind nginx.
import fc from 'fast-check';

/** Seconds as a user writes them: a number or a string with a unit. */
const seconds = (maxMs: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: maxMs * 1000 }).map((us) => us / 1e6),
    fc.integer({ min: 0, max: maxMs }).map((ms) => `${ms}ms`),
    fc.integer({ min: 0, max: maxMs * 1000 }).map((us) => `${us}us`),
  );
const positiveSeconds = (maxMs: number) => fc.integer({ min: 1, max: maxMs * 1000 }).map((us) => us / 1e6);

const duration = (maxMs: number) =>
  fc.oneof(
    { weight: 3, arbitrary: seconds(maxMs) },
    fc.record({ dist: fc.constant('constant'), value: seconds(maxMs) }),
    fc.record({ dist: fc.constant('exponential'), mean: positiveSeconds(maxMs) }),
    fc
      .tuple(fc.integer({ min: 0, max: maxMs * 1000 }), fc.integer({ min: 0, max: maxMs * 1000 }))
      .map(([a, b]) => ({ dist: 'uniform', min: Math.min(a, b) / 1e6, max: Math.max(a, b) / 1e6 })),
    fc.array(seconds(maxMs), { minLength: 1, maxLength: 3 }).chain((values) =>
      fc.oneof(
        fc.constant({ dist: 'choice', values }),
        fc
          .array(fc.integer({ min: 0, max: 5 }), { minLength: values.length, maxLength: values.length })
          .filter((w) => w.some((x) => x > 0))
          .map((weights) => ({ dist: 'choice', values, weights })),
      ),
    ),
    fc.record({ dist: fc.constant('lognormal'), median: positiveSeconds(maxMs), sigma: fc.double({ min: 0, max: 1.5, noNaN: true }) }),
  );

const io = fc.option(fc.constantFrom('cooperative', 'blocking'), { nil: undefined });

const simpleStep = fc.oneof(
  fc.record({ kind: fc.constant('cpu'), time: duration(5) }),
  fc.record({ kind: fc.constant('sleep'), time: duration(20), io }, { requiredKeys: ['kind', 'time'] }),
  fc.record(
    { kind: fc.constant('http'), time: duration(20), io, limit: fc.integer({ min: 1, max: 4 }), timeout: seconds(20) },
    { requiredKeys: ['kind', 'time'] },
  ),
);

/** dbConnect, a few queries, and a dbClose (or none: the connection closes with the request). */
const dbBlock = (close: boolean) =>
  fc
    .tuple(
      fc.record(
        {
          kind: fc.constant('dbConnect'),
          io,
          cpu: duration(2),
          startCpu: seconds(1),
          backToBackShare: fc.double({ min: 0, max: 1, noNaN: true }),
          turnCpu: seconds(1),
          contendedCpu: seconds(2),
        },
        { requiredKeys: ['kind'] },
      ),
      fc.array(
        fc.record(
          { kind: fc.constant('dbQuery'), time: duration(20), cpu: duration(5), decodeCpu: duration(2), io },
          { requiredKeys: ['kind'] },
        ),
        { maxLength: 2 },
      ),
    )
    .map(([connect, queries]) => [connect, ...queries, ...(close ? [{ kind: 'dbClose' }] : [])]);

/** A cache lookup in front of the steps a hit skips. */
const cacheBlock = (covered: fc.Arbitrary<Record<string, unknown>[]>) =>
  fc
    .tuple(
      duration(2),
      io,
      fc.oneof(
        fc.double({ min: 0, max: 1, noNaN: true }).map((hitRatio) => ({ hitRatio })),
        fc.record({ ttl: seconds(50), keys: fc.integer({ min: 1, max: 20 }) }),
      ),
      covered,
    )
    .map(([time, cacheIo, hits, steps]) => [
      { kind: 'cache', time, ...(cacheIo ? { io: cacheIo } : {}), covers: steps.length, ...hits },
      ...steps,
    ]);

/** Handler steps; with a database, one connection at a time, as the schema requires. */
const steps = (withDb: boolean) => {
  const block = withDb
    ? fc.oneof(
        simpleStep.map((s) => [s]),
        dbBlock(true),
        cacheBlock(dbBlock(true)),
        cacheBlock(simpleStep.map((s) => [s])),
      )
    : fc.oneof({ weight: 3, arbitrary: simpleStep.map((s) => [s]) }, cacheBlock(simpleStep.map((s) => [s])));
  return fc
    .tuple(fc.array(block, { maxLength: 3 }), withDb ? fc.option(dbBlock(false), { nil: undefined }) : fc.constant(undefined))
    .map(([blocks, last]) => [...blocks.flat(), ...(last ?? [])])
    .filter((list) => list.length > 0);
};

const app = (withDb: boolean) =>
  fc
    .record(
      {
        psycogreen: fc.boolean(),
        status: fc.constantFrom(200, 204, 201, 404),
        handler: fc.oneof(
          { weight: 3, arbitrary: steps(withDb).map((list) => ({ steps: list })) },
          fc
            .array(
              fc.record(
                {
                  weight: fc.integer({ min: 1, max: 5 }),
                  steps: steps(withDb),
                  status: fc.constantFrom(200, 302, 500),
                  handler: fc.constantFrom('async', 'def'),
                },
                { requiredKeys: ['weight', 'steps'] },
              ),
              {
                minLength: 1,
                maxLength: 3,
              },
            )
            .map((endpoints) => ({ endpoints: endpoints.map((e, i) => ({ name: `endpoint${i}`, ...e })) })),
        ),
        pool: withDb
          ? fc.oneof(
              fc.record(
                {
                  size: fc.integer({ min: 1, max: 4 }),
                  maxOverflow: fc.integer({ min: 0, max: 3 }),
                  timeout: positiveSeconds(50),
                  prePing: fc.boolean(),
                },
                { requiredKeys: [] },
              ),
              // asyncpg's pool: min_size at most max_size.
              fc
                .record({
                  sizes: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 })),
                  timeout: fc.option(positiveSeconds(50), { nil: undefined }),
                  maxInactiveConnectionLifetime: seconds(5),
                  onStartupError: fc.constantFrom('exit', 'serve'),
                })
                .map(({ sizes: [a, b], timeout, ...rest }) => ({
                  asyncpg: { minSize: Math.min(a, b), maxSize: b, ...(timeout === undefined ? {} : { timeout }), ...rest },
                })),
            )
          : fc.constant(undefined),
        // uvicorn: an async def or a def path operation, and the threadpool's size.
        uvicornHandler: fc.constantFrom('async', 'def'),
        threadpool: fc.integer({ min: 1, max: 4 }),
        threadpoolQueue: fc.constantFrom('fifo', 'lifo'),
        autocommit: fc.boolean(),
      },
      { requiredKeys: ['handler'] },
    )
    .map(({ handler, pool, ...rest }) => ({
      ...rest,
      ...handler,
      ...(pool === undefined ? {} : 'asyncpg' in pool ? { asyncpgPool: pool.asyncpg, driver: 'asyncpg' } : { pool }),
    }))
    .map(({ uvicornHandler, ...rest }) => ({ ...rest, ...(uvicornHandler === undefined ? {} : { handler: uvicornHandler }) }));

const database = fc
  .record(
    {
      maxConnections: fc.integer({ min: 1, max: 12 }),
      superuserReservedConnections: fc.integer({ min: 0, max: 3 }),
      superuser: fc.boolean(),
      cores: fc.integer({ min: 1, max: 4 }),
      forkTime: seconds(3),
      backendStartCpu: seconds(3),
      backendStartTime: seconds(15),
      backendExitTime: seconds(5),
      // Its own host's listen queue, and the costs of forking and authenticating a backend.
      somaxconn: fc.integer({ min: 1, max: 64 }),
      listenBacklog: fc.integer({ min: 1, max: 16 }),
      authMethod: fc.constantFrom('scram-sha-256', 'md5', 'trust'),
      postmasterCpu: seconds(2),
      postmasterWakeCpu: seconds(1),
      backendStartupCpu: seconds(2),
      backendBeforeSetsidCpu: seconds(2),
      backendBeforeAuthCpu: seconds(5),
      backendExitCpu: seconds(5),
      refusedCpu: seconds(3),
      pgbouncer: fc.record(
        {
          poolMode: fc.constantFrom('session', 'transaction'),
          defaultPoolSize: fc.integer({ min: 1, max: 6 }),
          maxClientConn: fc.integer({ min: 1, max: 12 }),
          loginTime: seconds(2),
          loginCpu: seconds(1),
          queryCpu: seconds(1),
          serverCpu: seconds(1),
          queryWaitTimeout: positiveSeconds(80),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['forkTime', 'backendStartTime'] },
  )
  .map((d) => {
    // PostgreSQL starts only with fewer reserved connections than max_connections (3 by default).
    const max = d.maxConnections ?? 100;
    return (d.superuserReservedConnections ?? 3) < max ? d : { ...d, superuserReservedConnections: max - 1 };
  });

/**
 * Where the client runs and what it costs: on the machine (in its own task group or in
 * gunicorn's) or on a host of its own, its goroutines on GOMAXPROCS threads.
 */
const clientHost = fc.record(
  {
    taskGroup: fc.constantFrom('own', 'server'),
    cores: fc.integer({ min: 1, max: 4 }),
    cpus: fc.integer({ min: 1, max: 4 }),
    requestCpu: seconds(1),
    dialCpu: seconds(1),
  },
  { requiredKeys: [] },
);

const heyClient = fc
  .record({
    requests: fc.integer({ min: 1, max: 40 }),
    concurrencyShare: fc.double({ min: 0, max: 1, noNaN: true }),
    keepAlive: fc.option(fc.boolean(), { nil: undefined }),
    timeout: fc.option(fc.oneof(fc.constant(0), positiveSeconds(60)), { nil: undefined }),
    rate: fc.option(fc.integer({ min: 20, max: 2000 }), { nil: undefined }),
    // hey -q's ticker or wrk2's schedule; only with a rate.
    pacing: fc.option(fc.constantFrom('ticker', 'schedule'), { nil: undefined }),
    thinkTime: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: duration(10) }),
    duration: fc.option(
      fc.integer({ min: 5, max: 100 }).map((ms) => `${ms}ms`),
      { nil: undefined },
    ),
    maxIdleConns: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    host: clientHost,
  })
  .map(({ requests, concurrencyShare, pacing, host, ...rest }) => {
    const client: Record<string, unknown> = { requests, concurrency: Math.max(1, Math.ceil(requests * concurrencyShare)) };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) client[k] = v;
    if (pacing !== undefined && rest.rate !== undefined) client.pacing = pacing;
    return { ...client, ...host };
  });

const openLoopClient = fc
  .record({
    arrivals: fc.oneof(
      fc.record({ process: fc.constantFrom('poisson', 'constant'), rate: fc.integer({ min: 10, max: 3000 }) }, { requiredKeys: ['rate'] }),
      fc
        .array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 2000 })), { minLength: 1, maxLength: 3 })
        .map((steps) => {
          let from = 0;
          return {
            steps: steps.map(([gapMs, rate], i) => {
              if (i > 0) from += gapMs;
              return { from: `${from}ms`, rate };
            }),
          };
        }),
    ),
    bound: fc.oneof(
      fc.integer({ min: 1, max: 40 }).map((requests) => ({ requests })),
      fc.integer({ min: 5, max: 60 }).map((ms) => ({ duration: `${ms}ms` })),
      fc
        .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 5, max: 60 }))
        .map(([requests, ms]) => ({ requests, duration: `${ms}ms` })),
    ),
    timeout: fc.option(fc.oneof(fc.constant(0), positiveSeconds(60)), { nil: undefined }),
    host: clientHost,
  })
  .map(({ arrivals, bound, timeout, host }) => {
    // A client that counts requests needs a last rate above 0, or they would never all be
    // sent (clientSchema.ts refuses it); one that stops at a duration may end at 0.
    const last = 'steps' in arrivals ? arrivals.steps[arrivals.steps.length - 1] : undefined;
    if (!('duration' in bound) && last !== undefined && last.rate === 0) last.rate = 10;
    return { arrivals, ...bound, ...(timeout === undefined ? {} : { timeout }), ...host };
  });

const server = fc.record(
  {
    workerClass: fc.constantFrom('sync', 'gthread', 'gevent', 'eventlet', 'uvicorn.workers.UvicornWorker'),
    limitConcurrency: fc.integer({ min: 1, max: 8 }),
    workers: fc.integer({ min: 1, max: 4 }),
    threads: fc.integer({ min: 1, max: 4 }),
    workerConnections: fc.integer({ min: 1, max: 8 }),
    backlog: fc.integer({ min: 1, max: 16 }),
    keepalive: fc.oneof(fc.constant(0), seconds(30), fc.constant(2)),
    timeout: fc.oneof(fc.constant(0), positiveSeconds(40), fc.constant(30)),
    bootTime: seconds(20),
    gracefulTimeout: seconds(30),
    maxRequests: fc.integer({ min: 0, max: 6 }),
    maxRequestsJitter: fc.integer({ min: 0, max: 3 }),
    acceptPolicy: fc.constantFrom('random', 'round-robin', 'first'),
    // The workers' CPU costs (uvicorn's boot and threadpool hand-off included).
    bootCpu: seconds(30),
    requestCpu: seconds(1),
    acceptCpu: seconds(1),
    switchCpu: seconds(1),
    errorCpu: seconds(2),
    threadpoolCpu: seconds(1),
    // Measured on a KVM guest (calibration/switch_in.sh): nothing after one other, tens of us after more.
    cacheRefillCpu: fc.constantFrom(
      [{ others: 1, cpu: 0.00005 }],
      [
        { others: 1, cpu: 0 },
        { others: 2, cpu: 0.000057 },
        { others: 3, cpu: 0.000052 },
      ],
    ),
  },
  { requiredKeys: [] },
);

/**
 * The machine and how it schedules: one run queue or per-core ones (the measured kit's),
 * fifo, task groups. Per-core queues get most of the weight: with 2-4 cores they decide
 * where every process runs, and their rules (fork placement, the tick's pull, uvicorn's
 * accept race) are the intricate ones.
 */
const machine = fc
  .record(
    {
      cores: fc.integer({ min: 1, max: 4 }),
      os: fc.constantFrom('linux', 'darwin'),
      synRetries: fc.integer({ min: 0, max: 6 }),
      somaxconn: fc.integer({ min: 1, max: 64 }),
      scheduler: fc.constantFrom('shared', 'shared', 'shared', 'fifo'),
      taskGroups: fc.constantFrom('none', 'session', 'service'),
      runQueues: fc.constantFrom('shared', 'per-core', 'per-core'),
      // Measured on a KVM guest: tens of microseconds, each wake-up its own.
      wakeupLatency: fc.constantFrom(0, 0.00004, { dist: 'choice', values: [0.00002, 0.00004, 0.00011] }),
      // As calibration/core_speed.sh measured them on a shared virtual machine.
      slowSpells: fc.constantFrom(
        { slowdown: 1.87, slow: { dist: 'lognormal', median: 0.15, sigma: 1.1 }, fast: { dist: 'lognormal', median: 0.33, sigma: 1.5 } },
        { slowdown: 3, slow: 0.002, fast: { dist: 'exponential', mean: 0.005 } },
      ),
    },
    { requiredKeys: [] },
  )
  // A wake-up latency needs per-core run queues (an idle core's): elsewhere it is left out.
  .map(({ wakeupLatency, ...m }) => (m.runQueues === 'per-core' && m.scheduler !== 'fifo' ? { ...m, wakeupLatency } : m));

/**
 * A few instances behind nginx, on hosts of their own or packed (each host a machine as
 * the machine section sets it), with a CFS quota or not; one may be down.
 */
const fleet = fc
  .record(
    {
      instances: fc.integer({ min: 1, max: 3 }),
      instancesPerHost: fc.integer({ min: 1, max: 2 }),
      cpuLimit: fc.constantFrom(0.5, 1, 2),
      pgbouncer: fc.constantFrom('shared', 'sidecar'),
      down: fc.integer({ min: 1, max: 3 }),
      loadBalancer: fc.record(
        {
          policy: fc.constantFrom('round-robin', 'least-connections', 'random', 'two-choices'),
          requestCpu: seconds(1),
          connectionCpu: seconds(1),
          cores: fc.integer({ min: 1, max: 2 }),
          workerProcesses: fc.integer({ min: 1, max: 2 }),
          backlog: fc.integer({ min: 1, max: 16 }),
          keepaliveTimeout: seconds(30),
          upstreamKeepalive: fc.integer({ min: 0, max: 2 }),
          maxConns: fc.integer({ min: 0, max: 4 }),
          connectTimeout: positiveSeconds(50),
          readTimeout: positiveSeconds(80),
          nextUpstream: fc.boolean(),
          nextUpstreamTries: fc.integer({ min: 0, max: 3 }),
          maxFails: fc.integer({ min: 0, max: 2 }),
          failTimeout: seconds(50),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  )
  .map(({ cpuLimit, down, ...f }) => ({
    ...f,
    // A quota needs an instance per host (load.ts); the instance down must be one of them.
    ...((f.instancesPerHost ?? 1) === 1 ? { cpuLimit } : {}),
    ...(down !== undefined && down <= (f.instances ?? 2) ? { down: [down] } : {}),
  }));

/** Incidents (issue 21): retries, a timeline, statement_timeout, breakers; each may be absent. */
const incident = fc.record(
  {
    retries: fc.record(
      {
        count: fc.integer({ min: 0, max: 3 }),
        on: fc.subarray(['connect-failure', 'timeout', 'reset', '5xx', 'gateway-error'], { minLength: 1 }),
        backoff: fc.constantFrom('constant', 'exponential'),
        base: positiveSeconds(20),
        jitter: fc.constantFrom('none', 'full', 'equal', 'decorrelated'),
        budget: fc.record(
          { budgetPercent: fc.integer({ min: 0, max: 100 }), minRetryConcurrency: fc.integer({ min: 0, max: 3 }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['base'] },
    ),
    slowdown: fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 10 })),
    kill: fc.integer({ min: 0, max: 40 }),
    reload: fc.integer({ min: 0, max: 40 }),
    coresLost: fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom(0.25, 0.5, 2)),
    statementTimeout: seconds(20),
    breaker: fc.record({ failMax: fc.integer({ min: 1, max: 3 }), resetTimeout: positiveSeconds(20) }),
    // The open-loop rate set, ramped or multiplied for a while; outbound calls slowed from then on.
    rateChange: fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 2000 }))
        .map(([at, d, set]) => ({ at: `${at}ms`, until: `${at + d}ms`, set })),
      fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2000 })).map(([at, set]) => ({ at: `${at}ms`, set })),
      fc
        .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 2000 }))
        .map(([at, d, rampTo]) => ({ at: `${at}ms`, until: `${at + d}ms`, rampTo })),
      fc
        .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom(0.1, 0.5, 2, 5))
        .map(([at, d, multiply]) => ({ at: `${at}ms`, until: `${at + d}ms`, multiply })),
    ),
    httpSlowdown: fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom(0.5, 2, 10)),
  },
  { requiredKeys: [] },
);

/** A valid scenario file's content (before defaults). */
export const validScenario = fc
  .record({
    seed: fc.integer({ min: -1000, max: 1_000_000 }),
    client: fc.oneof({ weight: 3, arbitrary: heyClient }, { weight: 1, arbitrary: openLoopClient }),
    machine: fc.option(machine, { nil: undefined }),
    server,
    withDb: fc.boolean(),
    database,
    appWithDb: app(true),
    appWithoutDb: app(false),
    incident: fc.option(incident, { nil: undefined }),
    fleet: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fleet }),
  })
  .map(({ withDb, database, appWithDb, appWithoutDb, machine, incident: i, fleet, ...rest }) => {
    const app = withDb ? appWithDb : appWithoutDb;
    const client: Record<string, unknown> = { ...rest.client, ...(i?.retries === undefined ? {} : { retries: i.retries }) };
    // Each change only where it applies (incidentChecks.ts refuses the others): the app
    // machine's cores change only under processor sharing with one run queue, the rate only
    // of open-loop arrivals, the HTTP latency only of an app that calls out.
    const coresChange = machine?.scheduler !== 'fifo' && machine?.runQueues !== 'per-core';
    // A cache refill is paid on a core: only per-core run queues have one (load.ts refuses the others).
    const { cacheRefillCpu, ...otherServer } = rest.server as Record<string, unknown>;
    const server =
      machine?.runQueues === 'per-core' && machine.scheduler !== 'fifo' && cacheRefillCpu !== undefined ? rest.server : otherServer;
    // A client that counts requests needs a rate above 0 once the timeline is over.
    const rateChange = (e: Record<string, unknown>) =>
      client.duration === undefined && (e.set === 0 || e.rampTo === 0) && (e.until === undefined || e.rampTo !== undefined)
        ? { ...e, ...(e.set === 0 ? { set: 10 } : { rampTo: 10 }) }
        : e;
    const timeline = [
      ...(withDb && i?.slowdown !== undefined
        ? [{ at: `${i.slowdown[0]}ms`, until: `${i.slowdown[0] + i.slowdown[1]}ms`, change: 'database.queryTime', multiply: i.slowdown[2] }]
        : []),
      ...(i?.kill !== undefined ? [{ at: `${i.kill}ms`, killWorkers: 1 }] : []),
      ...(i?.reload !== undefined ? [{ at: `${i.reload}ms`, reload: true }] : []),
      ...(coresChange && i?.coresLost !== undefined
        ? [{ at: `${i.coresLost[0]}ms`, until: `${i.coresLost[0] + i.coresLost[1]}ms`, change: 'machine.cores', multiply: i.coresLost[2] }]
        : []),
      ...(client.arrivals !== undefined && i?.rateChange !== undefined ? [{ change: 'client.rate', ...rateChange(i.rateChange) }] : []),
      ...(JSON.stringify(app).includes('"http"') && i?.httpSlowdown !== undefined
        ? [{ at: `${i.httpSlowdown[0]}ms`, change: 'app.httpTime', multiply: i.httpSlowdown[1] }]
        : []),
    ];
    return {
      $schema: './schema.json',
      description: 'generated by a property test',
      ...rest,
      server,
      client,
      ...(machine === undefined ? {} : { machine }),
      app: {
        ...app,
        ...(i?.breaker === undefined || fleet !== undefined
          ? {}
          : { breaker: { on: withDb ? ['database', 'http'] : ['http'], ...i.breaker } }),
      },
      ...(withDb
        ? { database: { ...database, ...(i?.statementTimeout === undefined ? {} : { statementTimeout: i.statementTimeout }) } }
        : {}),
      // A fleet has no one server for a timeline or a breaker to act on (load.ts).
      ...(fleet !== undefined ? { fleet } : timeline.length === 0 ? {} : { timeline }),
      // A budget far below the default: a generated scenario that spins (hey -z with
      // zero-time handlers) ends as a partial run within milliseconds.
      limits: { maxEvents: 200_000, maxSimTime: '10m' },
    };
  });

export type RawScenario = Record<string, any>;
