// The application's handlers, as scenario files write them: one section of the scenario format (schema.ts assembles them).
import * as z from 'zod';
import * as msg from '../messages.js';
import { count, MAX_LIST, MAX_PG_CONNECTIONS, MAX_WEIGHT, MAX_WORKERS, positiveCount, positiveSeconds, seconds } from './units.js';
import { stepSchema } from './stepSchema.js';
import { inMs, MEASURED_COSTS as M } from './measuredCosts.js';
const handler = z.enum(['async', 'def']);
import { breakerSchema } from './incidentSchema.js';
const stepsSchema = z.array(stepSchema).min(1).max(MAX_LIST).meta({ description: 'At most 10,000 steps.' });

export const appSchema = z
  .strictObject({
    psycogreen: z
      .boolean()
      .default(true)
      .meta({ description: 'psycogreen.gevent.patch_psycopg() applied: database steps default to cooperative IO.' }),
    steps: stepsSchema.optional().meta({ description: 'What the handler does for each request, in order.' }),
    endpoints: z
      .array(
        z.strictObject({
          name: z.string(),
          weight: z
            .number()
            .positive()
            .max(MAX_WEIGHT)
            .meta({ description: 'Share of requests, relative to the other endpoints (at most 1e12).' }),
          steps: stepsSchema,
          status: z
            .number()
            .int()
            .min(100)
            .max(599)
            .optional()
            .meta({ description: "HTTP status of this endpoint's successful response (default: app.status)." }),
          handler: handler.optional().meta({ description: 'How this endpoint is declared (default: app.handler).' }),
        }),
      )
      .min(1)
      .max(MAX_LIST)
      .optional()
      .meta({ description: 'Several endpoints with a request mix, instead of steps (at most 10,000).' }),
    status: z
      .number()
      .int()
      .min(100)
      .max(599)
      .default(200)
      .meta({ description: "HTTP status of a successful response (the article's handler answers 204 No Content)." }),
    pool: z
      .strictObject({
        // SQLAlchemy's own spellings of "no limit" (pool_size=0, max_overflow=-1) are refused
        // with what they are here, rather than as any number out of range.
        size: z
          .number()
          .check(
            z.int(),
            z.refine((v) => v !== 0, { message: msg.poolSizeZero(MAX_PG_CONNECTIONS), abort: true }),
            z.positive(),
            z.lte(MAX_PG_CONNECTIONS),
          )
          .meta({ description: "pool_size: connections kept open; at most 262,143 (PostgreSQL's largest max_connections)." })
          .default(5),
        maxOverflow: z
          .number()
          .check(
            z.int(),
            z.refine((v) => v !== -1, { message: msg.maxOverflowUnlimited(MAX_PG_CONNECTIONS), abort: true }),
            z.nonnegative(),
            z.lte(MAX_PG_CONNECTIONS),
          )
          .meta({ description: 'max_overflow: extra connections opened when all are busy, closed when returned; at most 262,143.' })
          .default(10),
        timeout: seconds.default(30).meta({
          description:
            "pool_timeout: a checkout that waits longer raises (a 500); 0: one that finds no connection free and can open none raises at once, as SQLAlchemy's does (Queue.get with a timeout of 0).",
        }),
        prePing: z.boolean().default(false).meta({
          description:
            'pool_pre_ping: each checkout of a pooled connection first runs a ping (SELECT 1: a round trip, and its CPU in the backend and the worker) before the handler gets it.',
        }),
        pingCpu: seconds.optional().meta({
          description:
            "With prePing: the backend's CPU for the ping. Default: a trivial query's, as the calibration kit measured it (SELECT pg_sleep(0) on an open connection: src/scenario/measuredCosts.ts).",
        }),
      })
      .optional()
      .meta({
        description:
          "A connection pool in each worker process (SQLAlchemy's QueuePool, and create_async_engine's AsyncAdaptedQueuePool, which works the same way): dbConnect checks a connection out, dbClose returns it.",
      }),
    asyncpgPool: z
      .strictObject({
        minSize: count(
          "min_size: connections each worker process opens at start-up, before it serves (uvicorn runs the app's startup first): the first alone, then the others at once (asyncpg's Pool._initialize). At most 262,143.",
          MAX_PG_CONNECTIONS,
        ).default(10),
        maxSize: positiveCount(
          'max_size: connections the pool holds at most; an acquire beyond them waits for a release. At most 262,143.',
          MAX_PG_CONNECTIONS,
        ).default(10),
        timeout: positiveSeconds.optional().meta({
          description:
            'The timeout of pool.acquire(timeout=...): an acquire that waits longer raises asyncio.TimeoutError (a 500). Default: none, as asyncpg (it waits for ever).',
        }),
        maxInactiveConnectionLifetime: seconds.default(300).meta({
          description:
            'max_inactive_connection_lifetime: a connection idle in the pool this long is closed, and opened again by the next acquire that gets it; 0: never.',
        }),
        onStartupError: z.enum(['exit', 'serve']).default('exit').meta({
          description:
            "When the pool cannot open its min_size connections at start-up: exit (create_pool in FastAPI's startup raises, uvicorn's lifespan reports 'Application startup failed', the UvicornWorker exits with WORKER_BOOT_ERROR and gunicorn's arbiter halts: 'Worker failed to boot', every worker stops and nothing listens) or serve (the app catches the error and serves without a pool: every request that needs one raises, a 500).",
        }),
      })
      .optional()
      .meta({
        description:
          "asyncpg's pool (asyncpg.create_pool) in each worker process: dbConnect acquires a connection, dbClose releases it. Use with app.driver asyncpg.",
      }),
    driver: z
      .enum(['psycopg2', 'asyncpg'])
      .default('psycopg2')
      .meta({
        description: `The database driver, for the exceptions it raises (psycopg2's OperationalError, asyncpg's TooManyConnectionsError). Its connect CPU is dbConnect's cpu: asyncpg computes scram-sha-256's proof in Python (measured: ${inMs(M.uvicorn.connectCpu)} ms, src/scenario/measuredCosts.ts), so set it for asyncpg.`,
      }),
    autocommit: z.boolean().optional().meta({
      description:
        "The driver's autocommit (psycopg2's connection.autocommit). Off, psycopg2's default: before the first query psycopg2 sends BEGIN and waits for it (a round trip of its own, one more turn of the worker's loop), and the transaction stays open until the handler closes its connection (it does not commit). Behind PgBouncer that client then holds its server connection until it closes, and closing inside the transaction makes PgBouncer close the server connection ('client disconnect while server was not ready'), so the next client waits for a new one: a fork of PostgreSQL's. Default: off for psycopg2, on for asyncpg (no implicit transaction). With an app-side pool the pool's checkin ends the transaction (SQLAlchemy's reset on return: a ROLLBACK round trip before the connection is back in the pool) and PgBouncer's part does not matter.",
    }),
    handler: handler.default('async').meta({
      description:
        "uvicorn: how the path operation is declared. async: `async def`, run on the worker's loop; def: a plain `def`, which FastAPI/Starlette run in the threadpool (run_in_threadpool), where blocking IO blocks only its thread. Other worker classes ignore it.",
    }),
    threadpool: positiveCount(
      "uvicorn: threads for `def` handlers in each worker process (anyio's default thread limiter: 40 tokens); a request beyond them waits for a thread. At most 10,000.",
      MAX_WORKERS,
    ).default(40),
    threadpoolQueue: z.enum(['fifo', 'lifo']).default('fifo').meta({
      description:
        "uvicorn: which waiting `def` request a freed thread goes to. fifo: the one that has waited longest, as current anyio does. lifo: the one that came last, as anyio 3.x did (3.6.2 read: its asyncio CapacityLimiter wakes waiters with OrderedDict.popitem(), the newest first; agronholm/anyio PR #455 made it FIFO): under a full threadpool some clients wait far longer than others, and a closed-loop run such as hey's ends in a tail of them. Debian 12's python3-anyio is 3.6.2.",
    }),
    breaker: breakerSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.steps === undefined) === (a.endpoints === undefined)) {
      ctx.addIssue({ code: 'custom', message: msg.stepsOrEndpoints, path: ['steps'] });
    }
    if (a.pool !== undefined && a.asyncpgPool !== undefined) {
      ctx.addIssue({ code: 'custom', message: msg.onePool, path: ['asyncpgPool'] });
    }
    if (a.asyncpgPool !== undefined && a.asyncpgPool.minSize > a.asyncpgPool.maxSize) {
      ctx.addIssue({ code: 'custom', message: msg.minSizeAboveMaxSize, path: ['asyncpgPool', 'minSize'] });
    }
  });
