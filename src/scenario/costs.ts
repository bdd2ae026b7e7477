// The costs of a scenario: the durations that stand for work the real system does (CPU
// time, the postmaster's fork, a backend's start-up...), as opposed to the load and the
// configuration. They are what a prediction hangs on and what is hardest to know, so
// `sim run --sensitivity` moves them, and a scenario's `measured` and `fitted` blocks say
// which of them were measured or fitted. This registry is the one list of them.
//
// A path names a field as `--set` does (dots, list indexes as numbers). A registry entry
// is either a field of its own (`database.forkTime`) or a field of every step of a kind
// (`app.steps.N.cpu` of each dbConnect step; also `app.endpoints.E.steps.N.cpu`). A scenario
// "has" a cost when the field holds a value once validated (given, or by its default): a
// path the scenario lacks (no database section, or a field this version of the schema
// does not define) is simply not one of its costs.
import * as msg from '../messages.js';
import { nearest } from './errors.js';
import type { DurationSpec, Scenario, Step } from './schema.js';
import { MIN_POSITIVE_SECONDS } from './units.js';
import { valueAt } from './valueAt.js';

export interface CostSpec {
  /** The field's path; for a step field, with N for the step's index: app.steps.N.cpu. */
  readonly path: string;
  /** For a step field: the kind of step that has it. */
  readonly stepKind?: Step['kind'];
  readonly description: string;
  /** A fraction rather than a duration: its largest value (1). */
  readonly max?: number;
  /** CPU time on a host's cores (not a wait, not a fraction): what a slower machine takes longer to do. */
  readonly cpu?: true;
}

export const COSTS: readonly CostSpec[] = [
  { path: 'client.requestCpu', cpu: true, description: "the client's CPU per request (hey: write it, read the response)" },
  { path: 'client.dialCpu', cpu: true, description: "the client's extra CPU per new connection (hey: Go's dial)" },
  { path: 'server.acceptCpu', cpu: true, description: "a worker's extra CPU per new connection (accept, a greenlet to read it, close)" },
  {
    path: 'server.requestCpu',
    cpu: true,
    description: "gunicorn's own CPU per request: parsing it, calling the app, writing the response",
  },
  { path: 'server.switchCpu', cpu: true, description: "a worker's CPU to resume a request whose IO completed (its turn on the loop)" },
  { path: 'server.errorCpu', cpu: true, description: "a worker's CPU to turn an exception into a 500 response (logging the traceback)" },
  { path: 'server.bootCpu', cpu: true, description: "a uvicorn worker's CPU from its fork to its app's start-up (importing the app)" },
  {
    path: 'server.threadpoolCpu',
    cpu: true,
    description: "a uvicorn worker's CPU to run a `def` handler in its threadpool (hand-off and back)",
  },
  {
    path: 'app.steps.N.cpu',
    cpu: true,
    stepKind: 'dbConnect',
    description: "the worker's CPU to connect (libpq's side of authentication)",
  },
  {
    path: 'app.steps.N.turnCpu',
    cpu: true,
    stepKind: 'dbConnect',
    description: "a cooperative connect's extra worker CPU at each turn (psycogreen's wait callback)",
  },
  {
    path: 'app.steps.N.backToBackShare',
    stepKind: 'dbConnect',
    description: 'the share of startCpu and turnCpu a connect turn costs right after another (a fraction)',
    max: 1,
  },
  {
    path: 'app.steps.N.contendedCpu',
    cpu: true,
    stepKind: 'dbConnect',
    description: "a blocking connect's extra CPU while another thread of its process connects (OpenSSL 3's lock)",
  },
  { path: 'app.steps.N.cpu', cpu: true, stepKind: 'dbQuery', description: "the backend's CPU for the query" },
  { path: 'app.steps.N.decodeCpu', cpu: true, stepKind: 'dbQuery', description: "the worker's CPU to read and decode the result rows" },
  { path: 'app.steps.N.time', cpu: true, stepKind: 'cpu', description: 'Python CPU time of the handler step' },
  { path: 'app.pool.pingCpu', cpu: true, description: "the backend's CPU for pool_pre_ping's ping (SELECT 1) at each checkout" },
  { path: 'machine.wakeupLatency', description: 'the wait of a task woken onto an idle core for the core to wake (per-core run queues)' },
  { path: 'database.forkTime', description: "the postmaster's time per connection attempt (accept and fork)" },
  { path: 'database.postmasterCpu', cpu: true, description: "the postmaster's CPU per connection attempt" },
  { path: 'database.postmasterWakeCpu', cpu: true, description: "the postmaster's extra CPU when an attempt wakes it" },
  { path: 'database.backendStartTime', description: "a new backend's start-up and authentication waiting" },
  {
    path: 'database.backendStartCpu',
    cpu: true,
    description: "a backend's CPU holding its slot until ready (the server's share of authentication, InitPostgres)",
  },
  {
    path: 'database.backendBeforeAuthCpu',
    cpu: true,
    description: 'of that, the part before its first authentication request (InitPostgres up to PerformAuthentication)',
  },
  { path: 'database.backendStartupCpu', cpu: true, description: "a new backend's CPU before it takes its slot (the startup packet)" },
  { path: 'database.backendBeforeSetsidCpu', cpu: true, description: "of that, the part before setsid(), in the postmaster's session" },
  { path: 'database.backendExitTime', description: 'how long after a close a backend frees its slot' },
  { path: 'database.backendExitCpu', cpu: true, description: "a backend's CPU after its connection closed, until it has exited" },
  { path: 'database.refusedCpu', cpu: true, description: "a refused backend's CPU after it found no slot (the FATAL message and exit)" },
  {
    path: 'database.transactionControlCpu',
    cpu: true,
    description: "a BEGIN's or ROLLBACK's backend CPU, of its query's (the driver's own statements)",
  },
  { path: 'database.pgbouncer.loginTime', description: "PgBouncer's time per client login beyond its CPU" },
  {
    path: 'database.pgbouncer.loginCpu',
    cpu: true,
    description: "PgBouncer's CPU per client login and close (its side of authentication)",
  },
  { path: 'database.pgbouncer.queryCpu', cpu: true, description: "PgBouncer's CPU to relay a query" },
  { path: 'database.pgbouncer.serverCpu', cpu: true, description: "PgBouncer's CPU to open a server connection and close it" },
];

/** One cost of one scenario. */
export interface Cost {
  /** Its path with dots and indexes, as --set takes it: app.steps.1.cpu. */
  readonly path: string;
  /** The same as keys: ["app", "steps", 1, "cpu"]. */
  readonly keys: readonly (string | number)[];
  readonly description: string;
  /** Its value in the validated scenario (given, or the default): seconds or a distribution (a fraction: a number). */
  readonly value: DurationSpec;
  /** A fraction's largest value. */
  readonly max?: number;
  /** CPU time (CostSpec.cpu). */
  readonly cpu: boolean;
}

/**
 * The costs `scenario` has, in the registry's order; the step fields where the first of
 * them stands, step by step (each step's fields in the registry's order).
 */
export function costsOf(scenario: Scenario): Cost[] {
  const out: Cost[] = [];
  const stepSpecs = COSTS.filter((c) => c.stepKind !== undefined);
  const stepLists: { keys: (string | number)[]; steps: readonly Step[] }[] = [];
  if (scenario.app.steps !== undefined) stepLists.push({ keys: ['app', 'steps'], steps: scenario.app.steps });
  for (const [i, e] of (scenario.app.endpoints ?? []).entries()) stepLists.push({ keys: ['app', 'endpoints', i, 'steps'], steps: e.steps });
  for (const spec of COSTS) {
    if (spec.stepKind === undefined) {
      const keys = spec.path.split('.');
      const value = valueAt(scenario, keys);
      if (isDuration(value))
        out.push({ path: spec.path, keys, description: spec.description, value, max: spec.max, cpu: spec.cpu === true });
    } else if (spec === stepSpecs[0]) {
      for (const list of stepLists) {
        list.steps.forEach((step, i) => {
          for (const s of stepSpecs) {
            if (s.stepKind !== step.kind) continue;
            const field = s.path.split('.').at(-1)!;
            const value = (step as Record<string, unknown>)[field];
            if (!isDuration(value)) continue;
            const keys = [...list.keys, i, field];
            out.push({ path: keys.join('.'), keys, description: s.description, value, max: s.max, cpu: s.cpu === true });
          }
        });
      }
    }
  }
  return out;
}

/** A cost path as written in `measured` or `fitted`: app.steps[1].cpu is app.steps.1.cpu. */
export function canonicalCostPath(path: string): string {
  return path.trim().replace(/\[(\d+)\]/g, '.$1');
}

const FIELD_COSTS = new Set(COSTS.filter((c) => c.stepKind === undefined).map((c) => c.path));
const STEP_COSTS = COSTS.filter((c) => c.stepKind !== undefined).map((c) => ({ kind: c.stepKind, field: c.path.split('.').at(-1)! }));
/** An index as costsOf writes one in a path: 0, 1, 12 (not 01). */
const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Whether `path` (canonical: app.steps.1.cpu) is the path of one of costsOf(scenario), found
 * without listing them: a field's path when the field holds a duration, or a step field's
 * when the step is of a kind that has it and the field holds a duration.
 */
export function hasCost(scenario: Scenario, path: string): boolean {
  if (FIELD_COSTS.has(path)) return isDuration(valueAt(scenario, path.split('.')));
  const keys = path.split('.');
  let steps: readonly Step[] | undefined;
  let at: number;
  if (keys.length === 4 && keys[0] === 'app' && keys[1] === 'steps') {
    steps = scenario.app.steps;
    at = 2;
  } else if (keys.length === 6 && keys[0] === 'app' && keys[1] === 'endpoints' && keys[3] === 'steps' && INDEX.test(keys[2])) {
    steps = scenario.app.endpoints?.[Number(keys[2])]?.steps;
    at = 4;
  } else return false;
  if (steps === undefined || !INDEX.test(keys[at]) || Number(keys[at]) >= steps.length) return false;
  const step = steps[Number(keys[at])];
  const field = keys[at + 1];
  return STEP_COSTS.some((c) => c.kind === step.kind && c.field === field) && isDuration((step as Record<string, unknown>)[field]);
}

/** The blocks that name costs: the keys of each must be costs of the scenario. */
export const COST_NOTES = ['measured', 'fitted'] as const;

/**
 * Checks the keys of `measured` and `fitted`: each a cost this scenario has, and none in
 * both. `fail` reports a problem at a JSON path.
 */
export function checkCostNotes(scenario: Scenario, fail: (path: PropertyKey[], problem: string) => never): void {
  const seen = new Map<string, string>();
  for (const block of COST_NOTES) {
    for (const key of Object.keys(scenario[block] ?? {})) {
      const path = canonicalCostPath(key);
      // Every cost listed only for the message: the list took a sixth of a scenario's validation.
      if (!hasCost(scenario, path)) {
        const known = costsOf(scenario).map((c) => c.path);
        fail([block, key], msg.notACost(key, nearest(path, known), known));
      }
      // (app.steps[0].time and app.steps.0.time in one block say the same thing twice: harmless.)
      if ((seen.get(path) ?? block) !== block) fail([block, key], msg.costMeasuredAndFitted(path));
      seen.set(path, block);
    }
  }
}

/**
 * `value` (seconds or a distribution) with its durations multiplied by `factor`; one that
 * was positive stays at least the clock's microsecond (less is refused: it would round to 0, "off").
 */
export function scaleDuration(value: DurationSpec, factor: number, max = Infinity): DurationSpec {
  const s = (x: number) => (x > 0 ? Math.max(MIN_POSITIVE_SECONDS, Math.min(x * factor, max)) : x);
  if (typeof value === 'number') return s(value);
  if (typeof value === 'string') throw new Error(`scaleDuration: an unvalidated duration ${JSON.stringify(value)}`);
  switch (value.dist) {
    case 'constant':
      return { dist: 'constant', value: s(value.value) };
    case 'exponential':
      return { dist: 'exponential', mean: s(value.mean) };
    case 'uniform':
      return { dist: 'uniform', min: s(value.min), max: s(value.max) };
    case 'choice':
      return value.weights === undefined
        ? { dist: 'choice', values: value.values.map(s) }
        : { dist: 'choice', values: value.values.map(s), weights: [...value.weights] };
    case 'lognormal':
      return { dist: 'lognormal', median: s(value.median), sigma: value.sigma };
  }
}

/** Whether a duration is always 0: scaling cannot move it. */
export function isZeroDuration(value: DurationSpec): boolean {
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'string') return false;
  switch (value.dist) {
    case 'constant':
      return value.value === 0;
    case 'exponential':
      return value.mean === 0;
    case 'uniform':
      return value.max === 0;
    case 'choice':
      return value.values.every((v) => v === 0);
    case 'lognormal':
      return value.median === 0;
  }
}

/** Whether `value` is a duration this module can scale (a field added later may be something else). */
export function isDuration(value: unknown): value is DurationSpec {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  return ['constant', 'exponential', 'uniform', 'choice', 'lognormal'].includes((value as { dist?: unknown }).dist as string);
}
