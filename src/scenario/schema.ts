// The scenario format, defined once. Types (z.infer), validation, defaults and the
// published JSON Schema (scenarios/schema.json) all come from this file and the sections
// it assembles (clientSchema.ts, serverSchema.ts, appSchema.ts, stepSchema.ts,
// databaseSchema.ts), so they cannot drift apart. Option names follow gunicorn's settings
// and hey's flags (camelCased), so
// a user's intuition carries over; each field's description says which one it mirrors.
// `import * as z` (not `{ z }`): the bundler can then leave out the parts of zod no one
// uses (its locales), much of the CLI bundle and of every command's start-up.
import * as z from 'zod';
import { clientSchema } from './clientSchema.js';
import { defaultTaskGroups, machineSchema, serverSchema } from './serverSchema.js';
import { appSchema } from './appSchema.js';
import { databaseSchema } from './databaseSchema.js';
import { fleetSchema } from './fleetSchema.js';
import { timelineSchema } from './incidentSchema.js';
import { MAX_EVENTS, MAX_REPLICATIONS, positiveCount, positiveSeconds } from './units.js';

export * from './units.js';
export { stepSchema, type Step } from './stepSchema.js';
export { databaseSchema } from './databaseSchema.js';
export { clientSchema } from './clientSchema.js';
export { machineSchema, serverSchema } from './serverSchema.js';
export { appSchema } from './appSchema.js';
export { fleetSchema } from './fleetSchema.js';

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
  machine: machineSchema.default({
    cores: 4,
    scheduler: 'shared',
    taskGroups: defaultTaskGroups('linux'),
    runQueues: 'shared',
    timeSlices: 'none',
    wakeupPreemption: 'pick',
    wakeupLatency: 0,
    speedVariation: 0,
    os: 'linux',
    synRetries: 6,
    somaxconn: 4096,
  }),
  server: serverSchema,
  app: appSchema,
  database: databaseSchema.optional(),
  fleet: fleetSchema.optional(),
  timeline: timelineSchema.optional(),
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
