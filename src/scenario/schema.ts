// The scenario format, defined once. Types (z.infer), validation, defaults and the
// published JSON Schema (scenarios/schema.json) all come from this file, so they cannot
// drift apart. Option names follow gunicorn's settings and hey's flags (camelCased), so
// a user's intuition carries over; each field's description says which one it mirrors.
// `import * as z` (not `{ z }`): the bundler can then leave out the parts of zod no one
// uses (its locales), half of the CLI bundle and 15 ms of every command's start-up.
import * as z from 'zod';
import * as msg from '../messages.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';

// zod compiles a parser for each object schema (with `new Function`) on first use: worth
// it for a server that validates millions of objects, not for a command that validates
// one scenario (`sim run`: 7.5 -> 4.4 ms to validate; same results, same messages).
z.config({ jitless: true });

/**
 * The longest duration a file may state, about 31 years: time is counted in integer
 * microseconds, exact only below 2^53 (285 years), and anything longer is a typo.
 */
export const MAX_SECONDS = 1e9;
/**
 * Rates below one request per 1e9 s would put the next arrival beyond the clock's exact
 * range; a rate of 0 in `steps` means no arrivals for that step.
 */
export const MIN_RATE = 1e-9;
/** Counts that make objects up front (worker processes, hey workers), kept below memory's reach. */
export const MAX_WORKERS = 10_000;
export const MAX_CONCURRENCY = 100_000;

const count = (description: string) => z.number().int().nonnegative().meta({ description });
const positiveCount = (description: string, max = Number.MAX_SAFE_INTEGER) => z.number().int().positive().max(max).meta({ description });
const positiveCountOptional = (description: string) => z.number().int().positive().optional().meta({ description });

/** Seconds, as a number or a string with a unit ("250ms"). */
const seconds = z
  .union([
    z.number().nonnegative().max(MAX_SECONDS),
    z
      .string()
      .regex(DURATION_PATTERN, { message: msg.durationPattern })
      .transform((s) => parseDuration(s)!)
      .refine((v) => v <= MAX_SECONDS, { message: msg.durationTooLong(MAX_SECONDS) }),
  ])
  .meta({ description: 'Seconds: a number, or a string with a unit: "150us", "250ms", "2s", "1m".' });

const positiveSeconds = seconds.refine((v) => v > 0, { message: msg.durationPositive });

/** A random duration: a fixed number of seconds, or a distribution. */
export const durationSpec = z.union([
  seconds,
  z.discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('constant'), value: seconds }),
    z.strictObject({ dist: z.literal('exponential'), mean: positiveSeconds }),
    z
      .strictObject({ dist: z.literal('uniform'), min: seconds, max: seconds })
      .refine((d) => d.max >= d.min, { message: msg.uniformOrder, path: ['max'] }),
    z
      .strictObject({
        dist: z.literal('choice'),
        values: z.array(seconds).min(1),
        weights: z
          .array(z.number().nonnegative())
          .optional()
          .meta({ description: 'Relative weight of each value (default: equal).' }),
      })
      .refine((d) => d.weights === undefined || d.weights.length === d.values.length, {
        message: msg.weightPerValue,
        path: ['weights'],
      })
      .refine((d) => d.weights === undefined || d.weights.some((w) => w > 0), {
        message: msg.someWeightPositive,
        path: ['weights'],
      }),
    z.strictObject({
      dist: z.literal('lognormal'),
      median: positiveSeconds,
      sigma: z.number().nonnegative().max(10).meta({ description: 'Standard deviation of the underlying normal (at most 10).' }),
    }),
  ]),
]);
export type DurationSpec = z.infer<typeof durationSpec>;

const io = z
  .enum(['cooperative', 'blocking'])
  .meta({
    description:
      'cooperative: yields to other greenlets while waiting (gevent-patched IO). blocking: stalls the whole worker process (a C extension gevent cannot patch, e.g. psycopg2 without psycogreen).',
  });

export const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('cpu'),
    time: durationSpec.meta({ description: 'Python CPU time; serialized within a worker (the GIL).' }),
  }),
  z.strictObject({
    kind: z.literal('dbConnect'),
    io: io.optional().meta({ description: 'Default: cooperative when app.psycogreen is true, else blocking.' }),
    cpu: durationSpec
      .optional()
      .meta({
        description:
          "Client CPU to connect: libpq's share of authentication (scram-sha-256 computes its proof here), run on the worker's loop when the backend's challenge arrives, while the backend holds its slot. Default: 0.",
      }),
  }),
  z.strictObject({
    kind: z.literal('dbQuery'),
    time: durationSpec
      .default(0)
      .meta({ description: 'Time the query waits without using CPU, e.g. 1 for SELECT pg_sleep(1.0), or disk IO.' }),
    cpu: durationSpec.default(0).meta({ description: "Backend CPU time of the query, on the database's cores." }),
    decodeCpu: durationSpec
      .default(0)
      .meta({ description: "Worker CPU to read and decode the result rows (psycopg2's fetchall), after the query." }),
    io: io.optional().meta({ description: 'Default: cooperative when app.psycogreen is true, else blocking.' }),
  }),
  z.strictObject({ kind: z.literal('dbClose') }),
  z.strictObject({
    kind: z.literal('sleep'),
    time: durationSpec,
    io: io.default('cooperative').meta({ description: 'time.sleep is patched by gevent: cooperative by default.' }),
  }),
  z.strictObject({
    kind: z.literal('http'),
    time: durationSpec.meta({ description: 'Latency of an outbound HTTP call.' }),
    io: io.default('cooperative').meta({ description: 'Sockets are patched by gevent: cooperative by default.' }),
    limit: positiveCountOptional('The third party serves at most this many calls at once (all workers together); others wait in its queue.'),
  }),
  z
    .strictObject({
      kind: z.literal('cache'),
      time: durationSpec.meta({ description: "The cache's own latency for a lookup (and again for storing a miss's result)." }),
      io: io.default('cooperative').meta({ description: 'A Redis or memcached client on patched sockets: cooperative by default.' }),
      covers: z
        .number()
        .int()
        .positive()
        .meta({ description: 'How many of the following steps a hit skips: what a miss costs (e.g. dbConnect, dbQuery, dbClose: 3).' }),
      hitRatio: z.number().min(0).max(1).optional().meta({ description: 'Fraction of lookups that hit.' }),
      ttl: seconds.optional().meta({ description: 'With keys: a result is kept this long after a miss stored it.' }),
      keys: positiveCountOptional('With ttl: requests ask for one of this many keys, uniformly.'),
    })
    .refine((c) => (c.hitRatio !== undefined) !== (c.ttl !== undefined && c.keys !== undefined), {
      message: msg.hitRatioOrTtl,
      path: ['hitRatio'],
    }),
]);
export type Step = z.infer<typeof stepSchema>;



const arrivalsSchema = z
  .strictObject({
    process: z
      .enum(['poisson', 'constant'])
      .default('poisson')
      .meta({ description: 'poisson: independent arrivals (exponential gaps); constant: evenly spaced.' }),
    rate: z.number().min(MIN_RATE).optional().meta({ description: 'Arrivals per second.' }),
    steps: z
      .array(
        z.strictObject({
          from: seconds.meta({ description: 'When this rate starts.' }),
          rate: z
            .number()
            .nonnegative()
            .refine((r) => r === 0 || r >= MIN_RATE, { message: msg.rateZeroOrAtLeast(MIN_RATE) })
            .meta({ description: 'Arrivals per second from then on; 0 for none.' }),
        }),
      )
      .min(1)
      .optional()
      .meta({ description: 'A rate that changes over time; the first step starts at 0.' }),
  })
  .superRefine((a, ctx) => {
    if ((a.rate === undefined) === (a.steps === undefined)) {
      ctx.addIssue({ code: 'custom', message: msg.rateOrSteps, path: ['rate'] });
    }
    if (a.steps !== undefined) {
      if (a.steps[0].from !== 0) ctx.addIssue({ code: 'custom', message: msg.firstStepAtZero, path: ['steps', 0, 'from'] });
      for (let i = 1; i < a.steps.length; i++) {
        if (!(a.steps[i].from > a.steps[i - 1].from)) {
          ctx.addIssue({ code: 'custom', message: msg.stepsIncreasing, path: ['steps', i, 'from'] });
        }
      }
    }
  })
  .meta({
    description:
      'Open loop: requests arrive at this rate whatever the server does, each on a new connection (real traffic). Without it the client is hey: a closed loop of `concurrency` workers.',
  });

export const clientSchema = z
  .strictObject({
    requests: positiveCount('Number of requests to send (hey -n): each hey worker sends requests/concurrency of them, the remainder is not sent. With arrivals: the number of arrivals.').optional(),
    concurrency: positiveCount('Number of hey workers sending at once (hey -c). Not with arrivals.', MAX_CONCURRENCY).optional(),
    rate: z
      .number()
      .min(MIN_RATE)
      .optional()
      .meta({ description: 'Rate limit of each hey worker in requests per second (hey -q). Not with arrivals.' }),
    duration: positiveSeconds
      .optional()
      .meta({ description: 'Send for this long, then finish the requests in hand (hey -z); replaces requests.' }),
    arrivals: arrivalsSchema.optional(),
    timeout: seconds.default(20).meta({ description: 'Per-request timeout in seconds (hey -t); 0 means none.' }),
    keepAlive: z
      .boolean()
      .default(true)
      .meta({ description: "Reuse each hey worker's connection (hey's default); false is hey -disable-keepalive. Open-loop arrivals always use new connections." }),
    maxIdleConns: positiveCount('Idle keep-alive connections hey keeps (MaxIdleConnsPerHost = min(c, 500)).').optional(),
    url: z.string().default('http://127.0.0.1:8000').meta({ description: 'Only used in error messages, as hey prints them.' }),
    cores: positiveCountOptional("The client's own host's cores; without it, the client shares machine.cores with the server (as the article and the calibration kit ran)."),
    requestCpu: seconds
      .default(0)
      .meta({ description: "The client's CPU per request (hey: write the request, read the response), on the client's host." }),
    dialCpu: seconds
      .default(0)
      .meta({ description: "The client's extra CPU per new connection (hey: Go's dial), on the client's host; hey's goroutines dial before they write." }),
  })
  .superRefine((c, ctx) => {
    if (c.requests === undefined && c.duration === undefined) {
      ctx.addIssue({ code: 'custom', message: msg.requestsOrDuration, path: ['requests'] });
    }
    if (c.arrivals !== undefined) {
      for (const key of ['concurrency', 'rate'] as const) {
        if (c[key] !== undefined) {
          ctx.addIssue({ code: 'custom', message: msg.notForOpenLoop(key), path: [key] });
        }
      }
      return;
    }
    if (c.concurrency === undefined) {
      ctx.addIssue({ code: 'custom', message: msg.concurrencyOrArrivals, path: ['concurrency'] });
    } else if (c.duration === undefined && c.requests !== undefined && c.requests > 0 && c.concurrency > c.requests) {
      ctx.addIssue({ code: 'custom', message: msg.concurrencyAtMostRequests, path: ['concurrency'] });
    }
  });

export const machineSchema = z.strictObject({
  cores: positiveCount('CPU cores shared by all worker processes.').default(4),
  scheduler: z
    .enum(['shared', 'fifo'])
    .default('shared')
    .meta({
      description:
        "How the cores serve CPU work: shared (a time-sharing kernel such as Linux's: n runnable tasks on c cores each run at min(1, c/n) speed) or fifo (a task keeps a core until done, others wait in line).",
    }),
  os: z
    .enum(['linux', 'darwin'])
    .default('linux')
    .meta({ description: "The client's TCP stack: when it retransmits a SYN the server dropped (linux: 1, 3, 7 s...; darwin: 1, 2, 3, 4, 5, 7 s...)." }),
  synRetries: count('net.ipv4.tcp_syn_retries of the client (Linux): SYN retransmissions before "connection timed out". 0: a dropped SYN fails after 1 s.').default(6),
  somaxconn: positiveCount('kern.ipc.somaxconn / net.core.somaxconn: caps the listen backlog (Linux >= 5.4: 4096; older Linux and macOS: 128).').default(4096),
});

export const serverSchema = z.strictObject({
  workerClass: z
    .enum(['sync', 'gthread', 'gevent', 'eventlet'])
    .default('sync')
    .meta({
      description:
        'gunicorn --worker-class. gevent and eventlet share the async mechanics; sync with threads > 1 becomes gthread, as in gunicorn.',
    }),
  workers: positiveCount('gunicorn --workers: worker processes.', MAX_WORKERS).default(1),
  threads: positiveCount('gunicorn --threads: threads per gthread worker.').default(1),
  workerConnections: positiveCount('gunicorn --worker-connections: greenlets per async worker; connections (keep-alive ones included) per gthread worker.').default(1000),
  backlog: positiveCount('gunicorn --backlog: listen queue length, capped by machine.somaxconn.').default(2048),
  keepalive: seconds.default(2).meta({ description: 'gunicorn --keep-alive: seconds to wait for the next request on a connection; 0 closes after each response.' }),
  timeout: seconds
    .default(30)
    .meta({ description: 'gunicorn --timeout: a worker silent for this long is killed with its requests; 0 disables.' }),
  bootTime: seconds
    .default(0.5)
    .meta({
      description:
        'Time for a replacement worker to be ready (fork + importing the app). An assumption: measure yours from "Booting worker" to its first request.',
    }),
  maxRequests: count('gunicorn --max-requests: a worker restarts gracefully after this many requests; 0 disables.').default(0),
  maxRequestsJitter: count('gunicorn --max-requests-jitter: adds randint(0, jitter) to max_requests, per worker.').default(0),
  requestCpu: seconds
    .default(0)
    .meta({ description: "The worker's CPU per request outside the handler (parse, WSGI call, write the response), on its loop." }),
  acceptCpu: seconds
    .default(0)
    .meta({ description: "The worker's extra CPU per new connection (accept, a greenlet or thread to read it, close), on its loop." }),
  errorCpu: seconds
    .default(0)
    .meta({
      description:
        "The worker's extra CPU for a request whose handler raised (the exception, gunicorn's handle_error with its traceback and log line, the 500 page), on its loop.",
    }),
  acceptPolicy: z
    .enum(['random', 'round-robin', 'first'])
    .default('random')
    .meta({
      description:
        'Which idle worker wins a new connection. Real workers race on one socket (random, seeded); first always prefers the lowest-numbered worker.',
    }),
});

const stepsSchema = z.array(stepSchema).min(1);

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
          weight: z.number().positive().meta({ description: 'Share of requests, relative to the other endpoints.' }),
          steps: stepsSchema,
          status: z.number().int().min(100).max(599).optional(),
        }),
      )
      .min(1)
      .optional()
      .meta({ description: 'Several endpoints with a request mix, instead of steps.' }),
    status: z
      .number()
      .int()
      .min(100)
      .max(599)
      .default(200)
      .meta({ description: "HTTP status of a successful response (the article's handler answers 204 No Content)." }),
    pool: z
      .strictObject({
        size: positiveCount('pool_size: connections kept open.').default(5),
        maxOverflow: count('max_overflow: extra connections opened when all are busy, closed when returned.').default(10),
        timeout: seconds.default(30).meta({ description: 'pool_timeout: a checkout that waits longer raises (a 500).' }),
      })
      .optional()
      .meta({
        description:
          "A connection pool in each worker process (SQLAlchemy's QueuePool): dbConnect checks a connection out, dbClose returns it.",
      }),
  })
  .superRefine((a, ctx) => {
    if ((a.steps === undefined) === (a.endpoints === undefined)) {
      ctx.addIssue({ code: 'custom', message: msg.stepsOrEndpoints, path: ['steps'] });
    }
  });

export const databaseSchema = z.strictObject({
  maxConnections: positiveCount('PostgreSQL max_connections.').default(100),
  superuserReservedConnections: count('PostgreSQL superuser_reserved_connections.').default(3),
  superuser: z.boolean().default(false).meta({ description: 'The app connects as a superuser (the article connects as postgres).' }),
  cores: positiveCountOptional("The database's own machine's cores; without it, backends share machine.cores with the workers."),
  somaxconn: positiveCountOptional(
    "net.core.somaxconn of the database's host: caps the postmaster's listen queue. Default: machine.somaxconn when it shares the machine; 4096 (Linux >= 5.4) on a host of its own.",
  ),
  listenBacklog: positiveCountOptional(
    "The postmaster's listen queue. Default: min(2 x MaxBackends, somaxconn), as PostgreSQL 15 sets it (pqcomm.c StreamServerPort; MaxBackends = maxConnections + 22 with default settings).",
  ),
  authMethod: z
    .enum(['scram-sha-256', 'md5', 'trust'])
    .default('scram-sha-256')
    .meta({ description: "pg_hba.conf's method for the app's connections (PostgreSQL 14 and later default to scram-sha-256)." }),
  forkTime: seconds.meta({
    description: 'Postmaster time per connection attempt (accept and fork) that is not CPU on a modelled core, serialized: one attempt after another.',
  }),
  postmasterCpu: seconds
    .default(0)
    .meta({ description: "The postmaster's CPU per connection attempt (accept, fork), serialized: it is one process." }),
  backendStartupCpu: seconds
    .default(0)
    .meta({ description: 'A new backend\'s CPU before it takes its slot (BackendInitialize: the startup packet), on the database\'s cores.' }),
  backendStartCpu: seconds
    .default(0)
    .meta({ description: "Backend CPU holding its slot until ready for queries (the server's share of authentication, InitPostgres), on the database's cores." }),
  backendStartTime: seconds.meta({
    description: 'Backend start-up waiting that is not CPU on a modelled core (e.g. a proxy), after its CPU, before the connection is ready; in parallel.',
  }),
  backendExitTime: seconds.default(0).meta({ description: 'A closed connection frees its slot when its backend has exited, this long after.' }),
  backendExitCpu: seconds
    .default(0)
    .meta({ description: 'A backend\'s CPU after its connection closed and its slot was freed, until the process has exited.' }),
  refusedCpu: seconds
    .default(0)
    .meta({
      description:
        'A refused backend\'s CPU after it found no free slot ("sorry, too many clients already": the FATAL message and exit); its start-up before that is backendStartupCpu.',
    }),
  pgbouncer: z
    .strictObject({
      poolMode: z.enum(['session', 'transaction']).default('session').meta({ description: 'pool_mode.' }),
      defaultPoolSize: positiveCount('default_pool_size: server connections to PostgreSQL.').default(20),
      maxClientConn: positiveCount('max_client_conn: client connections accepted.').default(100),
      loginTime: seconds
        .default(0.0002)
        .meta({ description: "PgBouncer's own time per client login, one at a time (single thread). An assumption." }),
      queryWaitTimeout: seconds.default(120).meta({ description: 'query_wait_timeout: a client waiting longer for a server connection gets an error.' }),
    })
    .optional()
    .meta({ description: 'PgBouncer between the app and PostgreSQL.' }),
});

/**
 * 10 million events take some seconds and, with every event holding a pending request,
 * stay within Node's default heap; an hour of simulated time is longer than any load test.
 */
export const DEFAULT_LIMITS = { maxEvents: 10_000_000, maxSimTime: 3600 };

export const limitsSchema = z
  .strictObject({
    maxEvents: positiveCount(
      `Stop after this many simulation events (${DEFAULT_LIMITS.maxEvents / 1e6} million by default, some seconds of computing): the report is then marked partial. sim run --max-events overrides it.`,
    ).default(DEFAULT_LIMITS.maxEvents),
    maxSimTime: positiveSeconds
      .default(DEFAULT_LIMITS.maxSimTime)
      .meta({ description: 'Stop when the simulated clock would pass this (1 h by default): the report is then marked partial. sim run --max-sim-time overrides it.' }),
  })
  .meta({ description: 'Budgets that stop a runaway scenario; a run that reaches one is reported as partial.' });

/** A saved what-if curve: what `sim sweep` varies when no --vary is given. */
export const sweepSchema = z
  .strictObject({
    vary: z
      .array(z.string())
      .min(1)
      .meta({
        description:
          'Axes of the grid, as sim sweep --vary takes them: "client.concurrency=10..200:10" (from..to:step), "server.workers=1,2,4" (a list), "client.concurrency,client.requests=10..150:5" (fields set together).',
      }),
    replications: positiveCount('Runs per point, seeded from the scenario seed; 2 or more give 95 % confidence intervals.').default(1),
  })
  .meta({ description: 'What sim sweep varies when run without --vary; sim run ignores it.' });

/** `measured` and `fitted`: cost paths (src/scenario/costs.ts) with a line on each. */
const costNotes = (description: string) => z.record(z.string(), z.string()).optional().meta({ description });

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().meta({ description: 'What this scenario models and where its numbers come from.' }),
  seed: z.number().int().default(1).meta({ description: 'Seed of every random stream (sim run --seed overrides it).' }),
  client: clientSchema,
  machine: machineSchema.default({ cores: 4, scheduler: 'shared', os: 'linux', synRetries: 6, somaxconn: 4096 }),
  server: serverSchema,
  app: appSchema,
  database: databaseSchema.optional(),
  limits: limitsSchema.default(DEFAULT_LIMITS),
  sweep: sweepSchema.optional(),
  measured: costNotes(
    'Costs you measured, each with how: {"database.forkTime": "perf trace of the postmaster"}. Keys are cost paths (app.steps.0.time...). sim run --sensitivity does not move them.',
  ),
  fitted: costNotes(
    'Costs fitted to load runs (sim fit), each with how. sim run --sensitivity moves them like unmeasured costs (a fit is not a measurement) and names them as fitted.',
  ),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
