// The application's handlers, as scenario files write them: one section of the scenario format (schema.ts assembles them).
import * as z from 'zod';
import * as msg from '../messages.js';
import { count, MAX_LIST, MAX_PG_CONNECTIONS, MAX_WEIGHT, positiveCount, seconds } from './units.js';
import { stepSchema } from './stepSchema.js';
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
    breaker: breakerSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.steps === undefined) === (a.endpoints === undefined)) {
      ctx.addIssue({ code: 'custom', message: msg.stepsOrEndpoints, path: ['steps'] });
    }
  });
