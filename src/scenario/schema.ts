// The scenario format, defined once. Types (z.infer), validation, defaults and the
// published JSON Schema (scenarios/schema.json) all come from this file, so they cannot
// drift apart. Option names follow gunicorn's settings and hey's flags (camelCased), so
// a user's intuition carries over; each field's description says which one it mirrors.
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

/** Seconds, as a number or a string with a unit ("250ms"). */
const seconds = z
  .union([
    z.number().nonnegative(),
    z
      .string()
      .regex(DURATION_PATTERN, { message: 'expected a duration such as 0.25, "250ms" or "2s"' })
      .transform((s) => parseDuration(s)!),
  ])
  .meta({ description: 'Seconds: a number, or a string with a unit: "150us", "250ms", "2s", "1m".' });

const positiveSeconds = seconds.refine((v) => v > 0, { message: 'expected a duration greater than 0' });

/** A random duration: a fixed number of seconds, or a distribution. */
export const durationSpec = z.union([
  seconds,
  z.strictObject({ dist: z.literal('constant'), value: seconds }),
  z.strictObject({ dist: z.literal('exponential'), mean: positiveSeconds }),
  z
    .strictObject({ dist: z.literal('uniform'), min: seconds, max: seconds })
    .refine((d) => d.max >= d.min, { message: 'expected max >= min', path: ['max'] }),
  z.strictObject({
    dist: z.literal('lognormal'),
    median: positiveSeconds,
    sigma: z.number().nonnegative().meta({ description: 'Standard deviation of the underlying normal.' }),
  }),
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
  }),
  z.strictObject({
    kind: z.literal('dbQuery'),
    time: durationSpec.meta({ description: 'Time the query holds its connection, e.g. 1 for SELECT pg_sleep(1.0).' }),
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
  }),
]);
export type Step = z.infer<typeof stepSchema>;

const count = (description: string) => z.number().int().nonnegative().meta({ description });
const positiveCount = (description: string) => z.number().int().positive().meta({ description });

export const clientSchema = z
  .strictObject({
    requests: positiveCount('Number of requests to send (hey -n). Each hey worker sends requests/concurrency of them; the remainder is not sent.'),
    concurrency: positiveCount('Number of hey workers sending at once (hey -c).'),
    timeout: seconds.default(20).meta({ description: 'Per-request timeout in seconds (hey -t); 0 means none.' }),
    keepAlive: z
      .boolean()
      .default(true)
      .meta({ description: 'Reuse each hey worker\'s connection (hey\'s default); false is hey -disable-keepalive.' }),
    maxIdleConns: positiveCount('Idle keep-alive connections hey keeps (MaxIdleConnsPerHost = min(c, 500)).').optional(),
    url: z.string().default('http://127.0.0.1:8000').meta({ description: 'Only used in error messages, as hey prints them.' }),
  })
  .refine((c) => !(c.requests > 0) || c.concurrency <= c.requests, {
    message: 'expected concurrency <= requests (hey refuses -c larger than -n)',
    path: ['concurrency'],
  });

export const machineSchema = z.strictObject({
  cores: positiveCount('CPU cores shared by all worker processes.').default(4),
  os: z
    .enum(['linux', 'darwin'])
    .default('linux')
    .meta({ description: "The client's TCP stack: when it retransmits a SYN the server dropped (linux: 1, 3, 7 s...; darwin: 1, 2, 3, 4, 5, 7 s...)." }),
  somaxconn: positiveCount('kern.ipc.somaxconn / net.core.somaxconn: caps the listen backlog (Linux >= 5.4: 4096; older Linux and macOS: 128).').default(4096),
});

export const serverSchema = z.strictObject({
  workerClass: z
    .enum(['gevent', 'eventlet', 'sync'])
    .default('sync')
    .meta({ description: 'gunicorn --worker-class. gevent and eventlet share the async mechanics.' }),
  workers: positiveCount('gunicorn --workers: worker processes.').default(1),
  workerConnections: positiveCount('gunicorn --worker-connections: greenlets per async worker.').default(1000),
  backlog: positiveCount('gunicorn --backlog: listen queue length, capped by machine.somaxconn.').default(2048),
  keepalive: seconds.default(2).meta({ description: 'gunicorn --keep-alive: seconds to wait for the next request on a connection; 0 closes after each response.' }),
  acceptPolicy: z
    .enum(['random', 'round-robin', 'first'])
    .default('random')
    .meta({
      description:
        'Which idle worker wins a new connection. Real workers race on one socket (random, seeded); first always prefers the lowest-numbered worker.',
    }),
});

export const appSchema = z.strictObject({
  psycogreen: z
    .boolean()
    .default(true)
    .meta({ description: 'psycogreen.gevent.patch_psycopg() applied: database steps default to cooperative IO.' }),
  steps: z.array(stepSchema).min(1).meta({ description: 'What the handler does for each request, in order.' }),
  status: z
    .number()
    .int()
    .min(100)
    .max(599)
    .default(200)
    .meta({ description: 'HTTP status of a successful response (the article\'s handler answers 204 No Content).' }),
});

export const databaseSchema = z.strictObject({
  maxConnections: positiveCount('PostgreSQL max_connections.').default(100),
  superuserReservedConnections: count('PostgreSQL superuser_reserved_connections.').default(3),
  superuser: z.boolean().default(false).meta({ description: 'The app connects as a superuser (the article connects as postgres).' }),
  forkTime: seconds.meta({
    description: 'Postmaster time per connection attempt (accept and fork), serialized: one attempt after another.',
  }),
  backendStartTime: seconds.meta({
    description: 'Backend start-up and authentication after the fork, before the connection is ready; runs in parallel.',
  }),
});

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().meta({ description: 'What this scenario models and where its numbers come from.' }),
  seed: z.number().int().default(1).meta({ description: 'Seed of every random stream (sim run --seed overrides it).' }),
  client: clientSchema,
  machine: machineSchema.default({ cores: 4, os: 'linux', somaxconn: 4096 }),
  server: serverSchema,
  app: appSchema,
  database: databaseSchema.optional(),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
