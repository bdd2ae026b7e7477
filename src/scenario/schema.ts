// The scenario format, defined once. Types (z.infer), validation, defaults and the
// published JSON Schema (scenarios/schema.json) all come from this file and the sections
// it assembles (stepSchema.ts, databaseSchema.ts), so they cannot drift apart. Option names follow gunicorn's settings and hey's flags (camelCased), so
// a user's intuition carries over; each field's description says which one it mirrors.
// `import * as z` (not `{ z }`): the bundler can then leave out the parts of zod no one
// uses (its locales), half of the CLI bundle and 15 ms of every command's start-up.
import * as z from 'zod';
import * as msg from '../messages.js';
import { MEASURED_COSTS as M } from './measuredCosts.js';
import { stepSchema } from './stepSchema.js';
import { databaseSchema } from './databaseSchema.js';
import {
  count,
  durationSpec,
  MAX_BACKLOG,
  MAX_CONCURRENCY,
  MAX_CORES,
  MAX_EVENTS,
  MAX_FDS,
  MAX_LIST,
  MAX_PG_CONNECTIONS,
  MAX_RATE,
  MAX_REPLICATIONS,
  MAX_REQUESTS,
  MAX_SYN_RETRIES,
  MAX_WEIGHT,
  MAX_WORKERS,
  MIN_RATE,
  positiveCount,
  positiveCountOptional,
  positiveSeconds,
  seconds,
} from './units.js';

export * from './units.js';
export { stepSchema, type Step } from './stepSchema.js';
export { databaseSchema } from './databaseSchema.js';

const arrivalsSchema = z
  .strictObject({
    process: z
      .enum(['poisson', 'constant'])
      .default('poisson')
      .meta({ description: 'poisson: independent arrivals (exponential gaps); constant: evenly spaced.' }),
    rate: z
      .number()
      .min(MIN_RATE)
      .max(MAX_RATE)
      .optional()
      .meta({ description: "Arrivals per second, at most 1,000,000 (one per microsecond, the clock's resolution)." }),
    steps: z
      .array(
        z.strictObject({
          from: seconds.meta({ description: 'When this rate starts.' }),
          rate: z
            .number()
            .nonnegative()
            .max(MAX_RATE)
            .refine((r) => r === 0 || r >= MIN_RATE, { message: msg.rateZeroOrAtLeast(MIN_RATE) })
            .meta({
              description:
                'Arrivals per second from then on (at most 1,000,000, one per microsecond); 0 for none (not in the last step when the client counts requests: they would never all be sent).',
            }),
        }),
      )
      .min(1)
      .max(MAX_LIST)
      .optional()
      .meta({ description: 'A rate that changes over time; the first step starts at 0. At most 10,000 steps.' }),
  })
  .superRefine((a, ctx) => {
    if ((a.rate === undefined) === (a.steps === undefined)) {
      ctx.addIssue({ code: 'custom', message: msg.rateOrSteps, path: ['rate'] });
    }
    if (a.steps !== undefined && a.steps.length > 0) {
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
    requests: positiveCount(
      'Number of requests to send (hey -n): each hey worker sends requests/concurrency of them, the remainder is not sent. With arrivals: the number of arrivals. At most 500 million. Each request sent takes one event or more: sim run refuses more than limits.maxEvents.',
      MAX_REQUESTS,
    ).optional(),
    concurrency: positiveCount(
      'Number of hey workers sending at once (hey -c). Not with arrivals. At most 100,000: each is an object made before the run starts.',
      MAX_CONCURRENCY,
    ).optional(),
    rate: z.number().min(MIN_RATE).max(MAX_RATE).optional().meta({
      description:
        "Rate limit of each hey worker in requests per second (hey -q), at most 1,000,000 (one per microsecond, the clock's resolution). Not with arrivals.",
    }),
    duration: positiveSeconds
      .optional()
      .meta({ description: 'Send for this long, then finish the requests in hand (hey -z); replaces requests.' }),
    arrivals: arrivalsSchema.optional(),
    pacing: z.enum(['ticker', 'schedule']).optional().meta({
      description:
        "With rate: ticker (hey -q, the default): each worker waits for its own ticker, ticks missed while busy are dropped, latency counts from the send. schedule (wrk2 -R, with rate = R / connections): a worker's k-th request is due at k / rate; a late one goes at once, and its latency counts from when it was due (wrk2's coordinated-omission correction).",
    }),
    thinkTime: durationSpec.optional().meta({
      description:
        "Time each worker waits after a result before sending its next request: locust's wait_time (between(1, 3) is uniform 1..3 s), siege -d, a sleep in a k6 script. hey, wrk and ab have none. Not with arrivals.",
    }),
    timeout: seconds.default(20).meta({ description: 'Per-request timeout in seconds (hey -t); 0 means none.' }),
    keepAlive: z.boolean().default(true).meta({
      description:
        "Reuse each hey worker's connection (hey's default); false is hey -disable-keepalive. Open-loop arrivals always use new connections.",
    }),
    maxIdleConns: positiveCount(
      'Idle keep-alive connections hey keeps (MaxIdleConnsPerHost = min(c, 500)); at most 100,000, as many as hey workers.',
      MAX_CONCURRENCY,
    ).optional(),
    url: z.string().default('http://127.0.0.1:8000').meta({ description: 'Only used in error messages, as hey prints them.' }),
    cores: positiveCountOptional(
      "The client's own host's cores; without it, the client shares machine.cores with the server (as the article and the calibration kit ran). At most 8192.",
      MAX_CORES,
    ),
    requestCpu: seconds
      .default(M.client.requestCpu)
      .meta({ description: "The client's CPU per request (hey: write the request, read the response), on the client's host." }),
    dialCpu: seconds.default(M.client.dialCpu).meta({
      description:
        "The client's extra CPU per new connection (hey: Go's dial), on the client's host; hey's goroutines dial before they write.",
    }),
  })
  .superRefine((c, ctx) => {
    if (c.requests === undefined && c.duration === undefined) {
      ctx.addIssue({ code: 'custom', message: msg.requestsOrDuration, path: ['requests'] });
    }
    if (c.pacing !== undefined && c.rate === undefined && c.arrivals === undefined) {
      ctx.addIssue({ code: 'custom', message: msg.pacingWithoutRate, path: ['pacing'] });
    }
    if (c.arrivals !== undefined) {
      const steps = c.arrivals.steps;
      if (c.duration === undefined && steps !== undefined && steps.length > 0 && steps[steps.length - 1].rate === 0) {
        ctx.addIssue({ code: 'custom', message: msg.lastRateZero, path: ['arrivals', 'steps', steps.length - 1, 'rate'] });
      }
      for (const key of ['concurrency', 'rate', 'thinkTime', 'pacing'] as const) {
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
  cores: positiveCount('CPU cores shared by all worker processes; at most 8192 (Linux: CONFIG_NR_CPUS).', MAX_CORES).default(4),
  scheduler: z.enum(['shared', 'fifo']).default('shared').meta({
    description:
      "How the cores serve CPU work: shared (a time-sharing kernel such as Linux's: n runnable tasks on c cores each run at min(1, c/n) speed) or fifo (a task keeps a core until done, others wait in line).",
  }),
  os: z.enum(['linux', 'darwin']).default('linux').meta({
    description:
      "The client's TCP stack: when it retransmits a SYN the server dropped (linux: 1, 3, 7 s...; darwin: 1, 2, 3, 4, 5, 7 s...).",
  }),
  synRetries: count(
    'net.ipv4.tcp_syn_retries of the client (Linux): SYN retransmissions before "connection timed out". 0: a dropped SYN fails after 1 s. At most 127, the kernel\'s limit (MAX_TCP_SYNCNT).',
    MAX_SYN_RETRIES,
  ).default(6),
  somaxconn: positiveCount(
    'kern.ipc.somaxconn / net.core.somaxconn: caps the listen backlog (Linux >= 5.4: 4096; older Linux and macOS: 128). At most 2^31 - 1 (a C int).',
    MAX_BACKLOG,
  ).default(4096),
});

export const serverSchema = z.strictObject({
  workerClass: z.enum(['sync', 'gthread', 'gevent', 'eventlet']).default('sync').meta({
    description:
      'gunicorn --worker-class. gevent and eventlet share the async mechanics; sync with threads > 1 becomes gthread, as in gunicorn.',
  }),
  workers: positiveCount(
    'gunicorn --workers: worker processes; at most 10,000, each an object made before the run starts.',
    MAX_WORKERS,
  ).default(1),
  threads: positiveCount(
    'gunicorn --threads: threads per gthread worker; at most 10,000 (each thread reserves a stack, 8 MB by default).',
    MAX_WORKERS,
  ).default(1),
  workerConnections: positiveCount(
    'gunicorn --worker-connections: greenlets per async worker; connections (keep-alive ones included) per gthread worker. At most 1,048,576 (Linux fs.nr_open: file descriptors per process).',
    MAX_FDS,
  ).default(1000),
  backlog: positiveCount(
    'gunicorn --backlog: listen queue length, capped by machine.somaxconn; at most 2^31 - 1 (a C int).',
    MAX_BACKLOG,
  ).default(2048),
  keepalive: seconds
    .default(2)
    .meta({ description: 'gunicorn --keep-alive: seconds to wait for the next request on a connection; 0 closes after each response.' }),
  timeout: seconds
    .default(30)
    .meta({ description: 'gunicorn --timeout: a worker silent for this long is killed with its requests; 0 disables.' }),
  bootTime: seconds.default(0.5).meta({
    description:
      'Time for a replacement worker to be ready (fork + importing the app). An assumption: measure yours from "Booting worker" to its first request.',
  }),
  maxRequests: count(
    'gunicorn --max-requests: a worker restarts gracefully after this many requests; 0 disables. At most 500 million, the most requests a run sends.',
    MAX_REQUESTS,
  ).default(0),
  maxRequestsJitter: count(
    'gunicorn --max-requests-jitter: adds randint(0, jitter) to max_requests, per worker. At most 500 million.',
    MAX_REQUESTS,
  ).default(0),
  requestCpu: seconds
    .default(M.server.requestCpu)
    .meta({ description: "The worker's CPU per request outside the handler (parse, WSGI call, write the response), on its loop." }),
  acceptCpu: seconds
    .default(M.server.acceptCpu)
    .meta({ description: "The worker's extra CPU per new connection (accept, a greenlet or thread to read it, close), on its loop." }),
  switchCpu: seconds.default(M.server.switchCpu).meta({
    description:
      "The worker's CPU to resume a request whose IO completed (gevent's hub switching back to its greenlet, psycogreen's wait callback, the Python up to the next wait), on its loop: each resume waits its turn there. 0: the glue is free and does not queue.",
  }),
  errorCpu: seconds.default(M.server.errorCpu).meta({
    description:
      "The worker's extra CPU for a request whose handler raised (the exception, gunicorn's handle_error with its traceback and log line, the 500 page), on its loop.",
  }),
  acceptPolicy: z.enum(['random', 'round-robin', 'first']).default('random').meta({
    description:
      'Which idle worker wins a new connection. Real workers race on one socket (random, seeded); first always prefers the lowest-numbered worker.',
  }),
});

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
        size: positiveCount(
          "pool_size: connections kept open; at most 262,143 (PostgreSQL's largest max_connections).",
          MAX_PG_CONNECTIONS,
        ).default(5),
        maxOverflow: count(
          'max_overflow: extra connections opened when all are busy, closed when returned; at most 262,143.',
          MAX_PG_CONNECTIONS,
        ).default(10),
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

/**
 * 10 million events take some seconds and, with every event holding a pending request,
 * stay within Node's default heap; an hour of simulated time is longer than any load test.
 */
export const DEFAULT_LIMITS = { maxEvents: 10_000_000, maxSimTime: 3600 };

export const limitsSchema = z
  .strictObject({
    maxEvents: positiveCount(
      `Stop after this many simulation events (${DEFAULT_LIMITS.maxEvents / 1e6} million by default, some seconds of computing): the report is then marked partial. sim run --max-events overrides it. At most 1e9, about a quarter of an hour of computing.`,
      MAX_EVENTS,
    ).default(DEFAULT_LIMITS.maxEvents),
    maxSimTime: positiveSeconds.default(DEFAULT_LIMITS.maxSimTime).meta({
      description:
        'Stop when the simulated clock would pass this (1 h by default): the report is then marked partial. sim run --max-sim-time overrides it.',
    }),
  })
  .meta({
    description:
      'Budgets that stop a runaway scenario; a run that reaches one is reported as partial. A scenario whose work is predictably beyond them (more requests than events, hey -z longer than maxSimTime...) is refused before it runs, with the estimate.',
  });

/** A saved what-if curve: what `sim sweep` varies when no --vary is given. */
export const sweepSchema = z
  .strictObject({
    vary: z.array(z.string()).min(1).meta({
      description:
        'Axes of the grid, as sim sweep --vary takes them: "client.concurrency=10..200:10" (from..to:step), "server.workers=1,2,4" (a list), "client.concurrency,client.requests=10..150:5" (fields set together).',
    }),
    replications: positiveCount(
      "Runs per point, seeded from the scenario seed; 2 or more give 95 % confidence intervals. At most 10,000 (the interval narrows as 1/sqrt(R): by then to 1 % of one run's spread).",
      MAX_REPLICATIONS,
    ).default(1),
  })
  .meta({ description: 'What sim sweep varies when run without --vary; sim run ignores it.' });

/** `measured` and `fitted`: cost paths (src/scenario/costs.ts) with a line on each. */
const costNotes = (description: string) => z.record(z.string(), z.string()).optional().meta({ description });

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional().meta({ description: 'What this scenario models and where its numbers come from.' }),
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
  notes: z.record(z.string(), z.string()).optional().meta({
    description:
      'Free-text notes keyed by field path, e.g. {"server.requestCpu": "the default, measured on Linux; measure yours with calibration/costs.sh"}: what sim init writes as comments. The simulator does not read them.',
  }),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
