// Incidents, as scenario files write them: conditions that change during a run (the
// top-level `timeline`), the client's retries (`client.retries`) and circuit breakers in
// the app (`app.breaker`). Option names follow the tools users know: Envoy's retry_on and
// retry_budget, the AWS Architecture Blog's jitter names, pybreaker's fail_max and
// reset_timeout.
import * as z from 'zod';
import * as msg from '../messages.js';
import { MAX_LIST, MAX_WORKERS, positiveSeconds, seconds } from './units.js';

export const RETRY_ON = ['connect-failure', 'timeout', 'reset', '5xx', 'gateway-error'] as const;

export const retriesSchema = z
  .strictObject({
    count: z
      .number()
      .int()
      .nonnegative()
      .max(100)
      .default(3)
      .meta({ description: 'Retries after the first attempt (urllib3 Retry(total=3); gRPC maxAttempts is this + 1). At most 100.' }),
    on: z.array(z.enum(RETRY_ON)).min(1).max(RETRY_ON.length).default(['connect-failure', 'timeout', 'reset', '5xx']).meta({
      description:
        "Failures retried, as Envoy's retry_on names them: connect-failure (the TCP connect failed), timeout (client.timeout ran out), reset (the server closed the connection without a response), 5xx (any 5xx status), gateway-error (502, 503, 504 only).",
    }),
    backoff: z.enum(['constant', 'exponential']).default('exponential').meta({
      description: 'constant: wait `base` before each retry; exponential: base x 2^n before the n-th retry (n from 0), at most `cap`.',
    }),
    base: seconds.default(0.1).meta({ description: 'The first wait (and every wait with constant backoff).' }),
    cap: positiveSeconds.default(10).meta({ description: 'The longest wait.' }),
    jitter: z.enum(['none', 'full', 'equal', 'decorrelated']).default('none').meta({
      description:
        'As the AWS Architecture Blog ("Exponential Backoff And Jitter") defines them: none (the backoff itself), full (uniform between 0 and it), equal (half of it plus uniform up to the other half), decorrelated (uniform between base and 3 x the previous wait, at most cap).',
    }),
    budget: z
      .strictObject({
        budgetPercent: z
          .number()
          .min(0)
          .max(100)
          .default(20)
          .meta({ description: "Envoy's budget_percent: retries active at most this percentage of requests active (retries included)." }),
        minRetryConcurrency: z.number().int().nonnegative().max(1_000_000).default(3).meta({
          description: "Envoy's min_retry_concurrency: retries always allowed at once, whatever the percentage. At most 1,000,000.",
        }),
      })
      .optional()
      .meta({
        description: "A retry budget (Envoy's retry_budget): a retry it does not allow is not made, and the failure is the result.",
      }),
  })
  .refine((r) => r.jitter !== 'decorrelated' || r.base > 0, { message: msg.decorrelatedNeedsBase, path: ['base'] })
  .meta({
    description:
      "The client retries failed attempts, as a client library would (the load tester then sees one result per request). Latency counts from the first attempt's send.",
  });

export const TIMELINE_CHANGES = ['database.queryTime', 'app.httpTime', 'client.rate', 'machine.cores'] as const;

export const timelineEventSchema = z
  .strictObject({
    at: seconds.meta({ description: 'When the change starts (simulated seconds from the start of the run).' }),
    until: seconds.optional().meta({
      description: 'When it is undone (multiply, set); when a ramp reaches its rate. Without it a multiply or set lasts to the end.',
    }),
    change: z.enum(TIMELINE_CHANGES).optional().meta({
      description:
        "What changes: database.queryTime (every query's CPU and wait, for queries that start meanwhile), app.httpTime (outbound HTTP calls' latency, for calls that start meanwhile), client.rate (the open-loop arrival rate), machine.cores (the app machine's cores, for everything running there, from that instant; machine.scheduler and machine.runQueues shared, with or without task groups).",
    }),
    multiply: z.number().positive().max(1e6).optional().meta({ description: 'Multiply it by this much (at most 1,000,000).' }),
    set: z
      .number()
      .nonnegative()
      .max(1e6)
      .optional()
      .meta({ description: 'client.rate only: set the rate to this (requests per second, at most 1,000,000).' }),
    rampTo: z.number().nonnegative().max(1e6).optional().meta({
      description:
        'client.rate only: move the rate linearly from what it is at `at` to this at `until` (in 100 ms steps), and keep it. At most 1,000,000 requests per second.',
    }),
    killWorkers: z.number().int().positive().max(MAX_WORKERS).optional().meta({
      description:
        'Instead of a change: SIGKILL this many gunicorn workers (the lowest-numbered alive), as the OOM killer would; their requests are lost and the arbiter boots replacements after server.bootTime. At most 10,000 (and server.workers).',
    }),
    reload: z.literal(true).optional().meta({
      description:
        "Instead of a change: gunicorn's reload (kill -HUP): new workers boot (ready server.bootTime later) while the old ones stop gracefully, finishing their requests for at most server.gracefulTimeout.",
    }),
    note: z.string().max(200).optional().meta({ description: 'A label for the charts, e.g. "disk saturated".' }),
  })
  .superRefine((e, ctx) => {
    if ([e.change, e.killWorkers, e.reload].filter((x) => x !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', message: msg.changeOrKill, path: ['change'] });
      return;
    }
    if (e.until !== undefined && !(e.until > e.at)) ctx.addIssue({ code: 'custom', message: msg.untilAfterAt, path: ['until'] });
    if (e.killWorkers !== undefined || e.reload !== undefined) {
      for (const key of ['until', 'multiply', 'set', 'rampTo'] as const)
        if (e[key] !== undefined) ctx.addIssue({ code: 'custom', message: msg.notWithKill(key), path: [key] });
      return;
    }
    const how = (['multiply', 'set', 'rampTo'] as const).filter((k) => e[k] !== undefined);
    if (how.length !== 1) {
      ctx.addIssue({ code: 'custom', message: msg.oneHowToChange, path: [how[1] ?? 'multiply'] });
      return;
    }
    if (e.change !== 'client.rate' && how[0] !== 'multiply')
      ctx.addIssue({ code: 'custom', message: msg.onlyMultiply(e.change!), path: [how[0]] });
    if (how[0] === 'rampTo' && e.until === undefined) ctx.addIssue({ code: 'custom', message: msg.rampNeedsUntil, path: ['until'] });
  });

export const timelineSchema = z.array(timelineEventSchema).min(1).max(MAX_LIST).meta({
  description:
    'Conditions that change during the run (an incident): each event at its time, undone at `until`. The run reports whether goodput recovered after the last one.',
});

export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const breakerSchema = z
  .strictObject({
    on: z
      .array(z.enum(['database', 'http']))
      .min(1)
      .max(2)
      .meta({ description: 'What each worker guards with a breaker of its own: database (dbConnect and dbQuery), http (outbound calls).' }),
    failMax: z
      .number()
      .int()
      .positive()
      .max(1_000_000)
      .default(5)
      .meta({ description: "pybreaker's fail_max: consecutive failures that open it. At most 1,000,000." }),
    resetTimeout: positiveSeconds
      .default(60)
      .meta({ description: "pybreaker's reset_timeout: how long it stays open before a trial call." }),
  })
  .meta({
    description:
      'A circuit breaker per worker process and dependency, as pybreaker implements it: closed counts consecutive failures; at failMax it opens and calls fail at once (a 500) for resetTimeout; then one trial call (half-open) closes it on success or opens it again.',
  });
