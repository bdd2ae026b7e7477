// The load generator, as scenario files write it (hey's and wrk's flags): one section of the scenario format (schema.ts assembles them).
import * as z from 'zod';
import * as msg from '../messages.js';
import { MEASURED_COSTS as M } from './measuredCosts.js';
import {
  durationSpec,
  MAX_CONCURRENCY,
  MAX_CORES,
  MAX_LIST,
  MAX_RATE,
  MAX_REQUESTS,
  MIN_RATE,
  positiveCount,
  positiveCountOptional,
  positiveSeconds,
  seconds,
} from './units.js';
import { retriesSchema } from './incidentSchema.js';

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
      'Number of requests to send (hey -n): each hey worker sends requests/concurrency of them, the remainder is not sent (unless remainder is "sent"). With arrivals: the number of arrivals. At most 500 million. Each request sent takes one event or more: sim run refuses more than limits.maxEvents.',
      MAX_REQUESTS,
    ).optional(),
    concurrency: positiveCount(
      'Number of hey workers sending at once (hey -c). Not with arrivals. At most 100,000: each is an object made before the run starts.',
      MAX_CONCURRENCY,
    ).optional(),
    remainder: z.enum(['dropped', 'sent']).optional().meta({
      description:
        'The requests left over when concurrency does not divide requests: dropped (hey -n, the default: each worker sends requests/concurrency, rounded down) or sent (the first of the workers send one more each, so that requests are sent in all: what ab -n, locust and k6 shared-iterations send; sim compare and fit set it for their runs). Not with arrivals or duration.',
    }),
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
    timeoutMode: z.enum(['cancel', 'count']).default('cancel').meta({
      description:
        "What the timeout does. cancel (hey -t, the default): the request fails (Client.Timeout exceeded) and its connection is closed; the worker's response goes nowhere. count (wrk --timeout, wg/wrk src/wrk.c): nothing is cancelled, the connection waits for its response however long; a response later than the timeout is counted as a response (by status, in Requests/sec) and as a timeout (wrk's \"Socket errors: ... timeout N\"), and its latency is left out of the latency figures. sim compare and fit set count, and wrk's default of 2 s, for a wrk run.",
    }),
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
    cpus: positiveCountOptional(
      "hey -cpus: the threads its goroutines run on (GOMAXPROCS); without it, the client host's cores, as hey's default. At most 8192.",
      MAX_CORES,
    ),
    taskGroup: z.enum(['own', 'server']).default('own').meta({
      description:
        "With machine.taskGroups, the client's group on a shared host: own (started from another terminal, its own service or container) or server (started from the same shell script as gunicorn, or inside its container: it shares gunicorn's group, as the calibration kit's hey does).",
    }),
    requestCpu: seconds
      .default(M.client.requestCpu)
      .meta({ description: "The client's CPU per request (hey: write the request, read the response), on the client's host." }),
    retries: retriesSchema.optional(),
    dialCpu: seconds.default(M.client.dialCpu).meta({
      description:
        "The client's extra CPU per new connection (hey: Go's dial), on the client's host; hey's goroutines dial before they write.",
    }),
  })
  .superRefine((c, ctx) => {
    if (c.requests === undefined && c.duration === undefined) {
      ctx.addIssue({ code: 'custom', message: msg.requestsOrDuration, path: ['requests'] });
    }
    if (c.remainder !== undefined && c.duration !== undefined) {
      ctx.addIssue({ code: 'custom', message: msg.remainderWithDuration, path: ['remainder'] });
    }
    if (c.pacing !== undefined && c.rate === undefined && c.arrivals === undefined) {
      ctx.addIssue({ code: 'custom', message: msg.pacingWithoutRate, path: ['pacing'] });
    }
    if (c.arrivals !== undefined) {
      const steps = c.arrivals.steps;
      if (c.duration === undefined && steps !== undefined && steps.length > 0 && steps[steps.length - 1].rate === 0) {
        ctx.addIssue({ code: 'custom', message: msg.lastRateZero, path: ['arrivals', 'steps', steps.length - 1, 'rate'] });
      }
      for (const key of ['concurrency', 'rate', 'thinkTime', 'pacing', 'remainder'] as const) {
        if (c[key] !== undefined) {
          ctx.addIssue({ code: 'custom', message: msg.notForOpenLoop(key), path: [key] });
        }
      }
      return;
    }
    if (c.concurrency === undefined) {
      ctx.addIssue({ code: 'custom', message: msg.concurrencyOrArrivals, path: ['concurrency'] });
    } else if (c.duration === undefined && c.requests !== undefined && c.requests > 0 && c.concurrency > c.requests) {
      ctx.addIssue({
        code: 'custom',
        message: msg.concurrencyAtMostRequests(c.requests),
        path: ['concurrency'],
        params: { related: ['requests'] },
      });
    }
  });
