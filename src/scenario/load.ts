// Reading a scenario: JSON text -> `--set` overrides -> validation with defaults.
// Every failure is a UserError that names the file and the place in it.
import { z } from 'zod';
import { UserError, formatPath, lineAndColumn, nearest } from './errors.js';
import { scenarioSchema, type Scenario } from './schema.js';

/** Parses JSON, reporting a syntax error with its line and column. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = /position (\d+)/.exec(message);
    const lc = /line (\d+) column (\d+)/.exec(message);
    let where = '';
    if (lc) where = `:${lc[1]}:${lc[2]}`;
    else if (position) {
      const { line, column } = lineAndColumn(text, Number(position[1]));
      where = `:${line}:${column}`;
    }
    const what = message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
    throw new UserError(`${source}${where}: not valid JSON: ${what}`);
  }
}

/**
 * Validates a parsed scenario and fills in defaults. `source` names the file in messages.
 * Cross-field rules that the schema cannot express are checked here too.
 */
export function validateScenario(raw: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) throw new UserError(describeIssues(result.error, raw, source));
  const scenario = result.data;
  const a = scenario.app;
  const lists = a.endpoints?.map((e, i) => ({ path: `app.endpoints[${i}].steps`, steps: e.steps })) ?? [{ path: 'app.steps', steps: a.steps! }];
  for (const { path, steps } of lists) {
    steps.forEach((step, i) => {
      if (step.kind.startsWith('db') && scenario.database === undefined) {
        throw new UserError(`${source}: at ${path}[${i}]: a ${step.kind} step needs a "database" section (maxConnections, forkTime, backendStartTime)`);
      }
      if (step.kind === 'cache' && i + step.covers >= steps.length) {
        throw new UserError(`${source}: at ${path}[${i}].covers: expected at most ${steps.length - 1 - i} (the steps after this one), got ${step.covers}`);
      }
    });
  }
  return scenario;
}

function describeIssues(error: z.ZodError, raw: unknown, source: string): string {
  const lines = error.issues.slice(0, 8).map((issue) => `${source}: ${describeIssue(issue, raw)}`);
  if (error.issues.length > 8) lines.push(`${source}: ... and ${error.issues.length - 8} more problems`);
  return lines.join('\n');
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const at = `at ${formatPath(issue.path)}`;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      return issue.keys
        .map((key) => {
          const guess = nearest(key, known);
          const path = formatPath([...issue.path, key]);
          return `at ${path}: unknown key "${key}"${guess ? `; did you mean "${guess}"?` : known.length ? `; expected one of ${known.map((k) => `"${k}"`).join(', ')}` : ''}`;
        })
        .join('\n');
    }
    case 'invalid_type': {
      const found = valueAt(raw, issue.path);
      if (found === undefined) return `${at}: missing required field (expected ${issue.expected})`;
      return `${at}: expected ${issue.expected}, got ${describeValue(found)}`;
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const what = issue.origin === 'array' ? `a list with ${op} ${bound} items` : `a number ${op} ${bound}`;
      return `${at}: expected ${what}, got ${describeValue(valueAt(raw, issue.path))}`;
    }
    case 'invalid_value':
      return `${at}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(valueAt(raw, issue.path))}`;
    case 'invalid_union': {
      const found = valueAt(raw, issue.path);
      if (found === undefined) return `${at}: missing required field`;
      if (issue.path.at(-1) === 'kind' || (isObject(found) && 'kind' in found)) {
        return `${at}: expected a step whose kind is one of "cpu", "dbConnect", "dbQuery", "dbClose", "sleep", "http", got ${describeValue(found)}`;
      }
      return `${at}: expected a duration (seconds such as 0.25, a string such as "250ms", or {"dist": "exponential", "mean": ...}), got ${describeValue(found)}`;
    }
    default:
      return `${at}: ${issue.message}`;
  }
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = scenarioSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(key)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else return [];
    if (schema === undefined) return [];
  }
  schema = unwrap(schema);
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodDiscriminatedUnion) {
    return [...new Set(schema.options.flatMap((o) => Object.keys((o as z.ZodObject).shape)))];
  }
  return [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: any = schema;
  for (let i = 0; i < 10; i++) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap();
    else if (s?._zod?.def?.type === 'pipe') s = s._zod.def.in;
    else break;
  }
  return s;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[key as any];
  }
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}
