// The fields the page offers as controls, in the order a capacity planner reaches for
// them: the load, gunicorn, the app, PostgreSQL, the machine, the seed. Each control's
// name, help text, type and bounds are read from the scenario's JSON Schema
// (scenarioJsonSchema(), what `sim schema` prints), so the page says what the file format
// says. The only thing the page adds is a slider's span: the schema has lower bounds only.
import { effectiveWorkerClass, UVICORN_WORKER } from '../scenario/resolve.js';
import type { Scenario } from '../scenario/schema.js';
import { valueAt } from '../scenario/valueAt.js';

export const GROUPS = ['Load', 'gunicorn', 'App', 'PostgreSQL', 'Machine', 'Run'] as const;
export type Group = (typeof GROUPS)[number];

export interface ControlSpec {
  path: string;
  group: Group;
  /** The slider reaches at least this far (and at least twice the file's value). */
  span?: number;
  /** Whether the field means anything in this scenario; the control is hidden otherwise. */
  applies?: (s: Scenario) => boolean;
}

const closedLoop = (s: Scenario) => s.client.arrivals === undefined;
const uvicorn = (s: Scenario) => s.server.workerClass === UVICORN_WORKER;
const hasDatabase = (s: Scenario) => s.database !== undefined;

export const CONTROL_SPECS: readonly ControlSpec[] = [
  { path: 'client.concurrency', group: 'Load', span: 200, applies: closedLoop },
  { path: 'client.requests', group: 'Load', span: 200, applies: (s) => s.client.requests !== undefined },
  { path: 'client.arrivals.rate', group: 'Load', span: 1000, applies: (s) => s.client.arrivals?.rate !== undefined },
  { path: 'client.keepAlive', group: 'Load', applies: closedLoop },
  { path: 'server.workerClass', group: 'gunicorn' },
  { path: 'server.workers', group: 'gunicorn', span: 16 },
  {
    path: 'server.threads',
    group: 'gunicorn',
    span: 32,
    applies: (s) => effectiveWorkerClass(s) === 'gthread' || s.server.workerClass === 'sync',
  },
  {
    path: 'server.workerConnections',
    group: 'gunicorn',
    span: 1000,
    applies: (s) => effectiveWorkerClass(s) !== 'sync' && !uvicorn(s),
  },
  { path: 'server.limitConcurrency', group: 'gunicorn', span: 1000, applies: uvicorn },
  { path: 'server.keepalive', group: 'gunicorn', span: 10 },
  { path: 'server.backlog', group: 'gunicorn', span: 4096 },
  { path: 'app.psycogreen', group: 'App', applies: (s) => !uvicorn(s) },
  { path: 'app.handler', group: 'App', applies: uvicorn },
  { path: 'app.threadpool', group: 'App', span: 100, applies: (s) => uvicorn(s) && s.app.handler === 'def' },
  { path: 'app.pool', group: 'App', applies: (s) => hasDatabase(s) && s.app.asyncpgPool === undefined },
  { path: 'app.pool.size', group: 'App', span: 50, applies: (s) => s.app.pool !== undefined },
  { path: 'app.pool.maxOverflow', group: 'App', span: 50, applies: (s) => s.app.pool !== undefined },
  { path: 'app.pool.timeout', group: 'App', span: 60, applies: (s) => s.app.pool !== undefined },
  { path: 'app.pool.prePing', group: 'App', applies: (s) => s.app.pool !== undefined },
  { path: 'app.asyncpgPool', group: 'App', applies: (s) => hasDatabase(s) && s.app.pool === undefined },
  { path: 'app.asyncpgPool.minSize', group: 'App', span: 50, applies: (s) => s.app.asyncpgPool !== undefined },
  { path: 'app.asyncpgPool.maxSize', group: 'App', span: 50, applies: (s) => s.app.asyncpgPool !== undefined },
  { path: 'app.asyncpgPool.timeout', group: 'App', span: 60, applies: (s) => s.app.asyncpgPool !== undefined },
  { path: 'app.asyncpgPool.onStartupError', group: 'App', applies: (s) => s.app.asyncpgPool !== undefined },
  { path: 'database.maxConnections', group: 'PostgreSQL', span: 500, applies: hasDatabase },
  { path: 'database.pgbouncer', group: 'PostgreSQL', applies: hasDatabase },
  { path: 'database.pgbouncer.poolMode', group: 'PostgreSQL', applies: (s) => s.database?.pgbouncer !== undefined },
  { path: 'database.pgbouncer.defaultPoolSize', group: 'PostgreSQL', span: 100, applies: (s) => s.database?.pgbouncer !== undefined },
  { path: 'database.pgbouncer.maxClientConn', group: 'PostgreSQL', span: 1000, applies: (s) => s.database?.pgbouncer !== undefined },
  // Whether each client closes inside a transaction decides what PgBouncer can reuse.
  { path: 'app.autocommit', group: 'PostgreSQL', applies: (s) => s.database?.pgbouncer !== undefined },
  { path: 'machine.cores', group: 'Machine', span: 32 },
  { path: 'machine.taskGroups', group: 'Machine', applies: (s) => s.machine.scheduler === 'shared' },
  { path: 'seed', group: 'Run', span: 100 },
];

export type ControlKind = 'integer' | 'number' | 'seconds' | 'boolean' | 'choice' | 'section';

export interface Control {
  path: string;
  group: Group;
  /** The field's own name in the file: workerConnections. */
  name: string;
  /** The schema's description of the field. */
  description: string;
  /** seconds: a number of seconds, or a string with a unit; section: an optional object, present or not. */
  kind: ControlKind;
  /** For a choice: the schema's enum. */
  options?: string[];
  /** The schema's bounds (inclusive), when it has them. */
  min?: number;
  max?: number;
  /** Where the slider ends: the schema has no upper bound for most fields. */
  sliderMax?: number;
  /** The value in the scenario as simulated (defaults filled in); for a section, whether it is there. */
  value: unknown;
  /** Whether the field means anything in this scenario (the page hides it otherwise). */
  applies: boolean;
}

type JsonSchema = Record<string, any>;

/**
 * Every control, at its value in `scenario` (the what-if as simulated), marked with whether
 * it applies there; `file` is the scenario as loaded, before any override.
 */
export function controlsFor(schema: JsonSchema, scenario: Scenario, file: Scenario): Control[] {
  // The page shows them by group (GROUPS): the steps come after the app's other controls.
  return [...CONTROL_SPECS.map((spec) => control(schema, spec, scenario, file)), ...stepControls(schema, scenario, file)];
}

/** A step's fields the page offers: its times and CPU, an http call's limit, a cache's hit ratio. */
const STEP_FIELDS: Record<string, string[]> = {
  cpu: ['time'],
  dbConnect: ['cpu'],
  dbQuery: ['time', 'cpu', 'decodeCpu'],
  sleep: ['time'],
  http: ['time', 'limit'],
  cache: ['time', 'hitRatio'],
};

/** The parameter a distribution scales by: its mean, median or value (uniform and choice have several, and no control). */
const SCALE: Record<string, string> = { constant: 'value', exponential: 'mean', lognormal: 'median' };

/**
 * Every step's time and CPU as controls (group App), from the file's steps: a number of
 * seconds is set as it is (app.steps.1.time), a distribution by its scale
 * (app.steps.1.time.mean). Named after the step: "step 2 dbQuery time".
 */
function stepControls(schema: JsonSchema, scenario: Scenario, file: Scenario): Control[] {
  const lists =
    file.app.steps !== undefined
      ? [{ prefix: 'app.steps', label: '', steps: file.app.steps }]
      : (file.app.endpoints ?? []).map((e, j) => ({ prefix: `app.endpoints.${j}.steps`, label: `${e.name} `, steps: e.steps }));
  const variants: JsonSchema[] = schemaField(schema, 'app.steps')?.items?.oneOf ?? [];
  const out: Control[] = [];
  for (const { prefix, label, steps } of lists) {
    steps.forEach((step, i) => {
      const variant = variants.find((v) => v.properties?.kind?.const === step.kind);
      for (const field of STEP_FIELDS[step.kind] ?? []) {
        const fieldSchema: JsonSchema | undefined = variant?.properties?.[field];
        if (fieldSchema === undefined) continue;
        const fileValue = (step as Record<string, unknown>)[field];
        let path = `${prefix}.${i}.${field}`;
        if (fileValue !== null && typeof fileValue === 'object') {
          const scale = SCALE[(fileValue as { dist: string }).dist];
          if (scale === undefined) continue;
          path += `.${scale}`;
        } else if (fileValue === undefined) continue; // not set and no default: nothing to move (a cache's hitRatio beside ttl)
        const numeric = fieldSchema.type === 'integer' || fieldSchema.type === 'number';
        const value = valueAt(scenario, path.split('.'));
        const base = valueAt(file, path.split('.'));
        const span = field === 'limit' ? 100 : 1;
        const sliderMax = Math.max(span, typeof base === 'number' ? 2 * base : 0, typeof value === 'number' ? value : 0);
        out.push({
          path,
          group: 'App',
          name: `${label}step ${i + 1} ${step.kind} ${field}${path.endsWith(field) ? '' : ` (${path.split('.').at(-1)})`}`,
          description: String(fieldSchema.description ?? (step.kind === 'sleep' ? 'Time the handler sleeps (time.sleep).' : '')),
          kind: numeric ? (fieldSchema.type === 'integer' ? 'integer' : 'number') : 'seconds',
          min: numeric ? (fieldSchema.exclusiveMinimum !== undefined ? fieldSchema.exclusiveMinimum + 1 : fieldSchema.minimum) : 0,
          max: fieldSchema.maximum,
          sliderMax: fieldSchema.maximum !== undefined ? Math.min(fieldSchema.maximum, sliderMax) : sliderMax,
          value,
          applies: value !== undefined,
        });
      }
    });
  }
  return out;
}

function control(schema: JsonSchema, spec: ControlSpec, scenario: Scenario, file: Scenario): Control {
  const field = schemaField(schema, spec.path);
  if (field === undefined) throw new Error(`the scenario schema has no field ${spec.path}`);
  const name = spec.path.split('.').at(-1)!;
  const value = valueAt(scenario, spec.path.split('.'));
  const applies = spec.applies?.(scenario) ?? true;
  const base: Omit<Control, 'kind'> = {
    path: spec.path,
    group: spec.group,
    name,
    description: String(field.description ?? ''),
    value,
    applies,
  };
  if (field.type === 'object') return { ...base, kind: 'section', value: value !== undefined };
  if (field.type === 'boolean') return { ...base, kind: 'boolean' };
  if (Array.isArray(field.enum)) return { ...base, kind: 'choice', options: field.enum.map(String) };
  const numeric =
    field.type === 'integer' || field.type === 'number'
      ? field
      : (field.anyOf as JsonSchema[] | undefined)?.find((f) => f.type === 'number');
  if (numeric === undefined) throw new Error(`${spec.path}: the page has no control for this kind of field`);
  const kind: ControlKind = field.anyOf !== undefined ? 'seconds' : numeric.type === 'integer' ? 'integer' : 'number';
  const { min, max } = bounds(numeric);
  const fileValue = valueAt(file, spec.path.split('.'));
  const sliderMax = Math.max(spec.span ?? 1, typeof fileValue === 'number' ? 2 * fileValue : 0, typeof value === 'number' ? value : 0);
  return {
    ...base,
    kind,
    min,
    max: max === undefined ? undefined : max,
    sliderMax: max === undefined ? sliderMax : Math.min(max, sliderMax),
  };
}

/** The schema of the field at a --set path, through nested objects. */
export function schemaField(schema: JsonSchema, path: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path.split('.')) {
    node = node?.properties?.[key];
    if (node === undefined) return undefined;
  }
  return node;
}

/** Inclusive bounds; an integer's exclusive minimum 0 is a minimum of 1, and JavaScript's safe-integer limits are no bound at all. */
function bounds(field: JsonSchema): { min?: number; max?: number } {
  const integer = field.type === 'integer';
  let min: number | undefined = field.minimum;
  if (field.exclusiveMinimum !== undefined) min = integer ? field.exclusiveMinimum + 1 : field.exclusiveMinimum;
  let max: number | undefined = field.maximum;
  if (min !== undefined && min <= Number.MIN_SAFE_INTEGER) min = undefined;
  if (max !== undefined && max >= Number.MAX_SAFE_INTEGER) max = undefined;
  return { min, max };
}

/**
 * The controls as the user set them, for a what-if the schema refuses: each overridden
 * field shows its override (read as --set reads it), so the field at fault shows the
 * value the message is about rather than the file's.
 */
export function withOverrideValues(controls: readonly Control[], overrides: readonly { path: string; value: string }[]): Control[] {
  return controls.map((c) => {
    const o = overrides.find((x) => x.path === c.path); // one per path
    if (o === undefined) return c;
    if (c.kind === 'section') return { ...c, value: true }; // switched on
    let value: unknown;
    try {
      value = JSON.parse(o.value);
    } catch {
      value = o.value;
    }
    return { ...c, value };
  });
}
