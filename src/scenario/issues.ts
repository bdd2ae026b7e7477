// Turns zod's validation issues into messages a user can act on: one line per problem,
// with where it is, what was found, what was expected, and for a misspelt key or value
// the nearest known one. The words themselves are in ../messages.ts.
import * as z from 'zod';
import * as msg from '../messages.js';
import { formatPath, nearest } from './errors.js';
import type { Locate } from './load.js';
import { durationSpec, scenarioSchema, stepSchema } from './schema.js';
import { valueAt } from './valueAt.js';

const MAX_LINES = 8;

/**
 * Settings as their own systems spell them, where the field's name is too far from it for
 * nearest() to find: SQLAlchemy's create_engine(pool_size=, pool_timeout=, pool_pre_ping=)
 * in app.pool, whose fields drop the "pool_". Used only where the field is among the keys.
 */
const THEIR_NAMES: Record<string, string> = { pool_size: 'size', pool_timeout: 'timeout', pool_pre_ping: 'prePing' };

/** The scenario's sections, where a field written at the top level probably belongs. */
const SECTIONS = ['client', 'machine', 'server', 'app', 'database', 'limits'] as const;

/**
 * The known field a misspelt or foreign key means, if one. At the top level, a field of one
 * section, written as its system spells it or not ("workers", "max_connections"), is that
 * field in its section, when only one section has it.
 */
function guessKey(key: string, known: readonly string[], path: readonly PropertyKey[], raw: unknown): string | undefined {
  const theirs = THEIR_NAMES[key];
  if (theirs !== undefined && known.includes(theirs)) return theirs;
  const near = nearest(key, known);
  if (near !== undefined || path.length > 0) return near;
  const bare = (k: string) => k.toLowerCase().replace(/[_-]/g, '');
  const inSections = SECTIONS.flatMap((s) =>
    knownKeys([s], raw)
      .filter((k) => bare(k) === bare(key))
      .map((k) => `${s}.${k}`),
  );
  return inSections.length === 1 ? inSections[0] : undefined;
}

export function describeIssues(error: z.ZodError, raw: unknown, where: Locate): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const issue of tightestBounds(error.issues)) {
    for (const [path, text, related] of describeIssue(issue, [], raw)) {
      // zod may report one field twice (a bound and a refinement): the first says enough.
      const key = formatPath(path);
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`${where(path, related)}: at ${key}: ${text}`);
    }
  }
  if (lines.length <= MAX_LINES) return lines.join('\n');
  return [...lines.slice(0, MAX_LINES), msg.moreProblems(lines.length - MAX_LINES)].join('\n');
}

/** A field's path, its problem, and the fields its rule weighed it against (a refinement's `params.related`). */
type Described = [readonly PropertyKey[], string, (readonly PropertyKey[])[]?];

/**
 * zod's int() says a whole number beyond 2^53 is too big for the safe integers before the
 * field's own bound says it (server.workers 1e20: "<= 9007199254740991" where 10000 is
 * the field's): when a field has a tighter bound of its own, that is the one to show.
 */
function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const tighter = (i: z.core.$ZodIssue) =>
    issues.some(
      (j) =>
        j !== i &&
        j.code === 'too_big' &&
        i.code === 'too_big' &&
        formatPath(j.path) === formatPath(i.path) &&
        Number(j.maximum) < Number(i.maximum),
    );
  return issues.filter((i) => !(i.code === 'too_big' && i.origin === 'int' && tighter(i)));
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[], raw: unknown): Described[] {
  const path = [...prefix, ...issue.path];
  const found = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path, raw);
      // Only the first few are shown (MAX_LINES): a file of a million unknown keys is not worth a million guesses.
      // A key of digits is an index (a.b[0] or a.b.0 typed into an object): "0" said 'did you mean "io"?'.
      return issue.keys.map((key, i) => [
        [...path, key],
        i > MAX_LINES
          ? ''
          : /^\d{1,20}$/.test(key) && path.length > 0
            ? msg.indexIntoObject(key, formatPath(path), known)
            : msg.unknownKey(msg.abbreviate(key), key.length > 80 ? undefined : guessKey(key, known, path, raw), known),
      ]);
    }
    case 'invalid_type':
      if (found === undefined) return [[path, msg.missingField(expectedType(issue.expected))]];
      return [[path, msg.wrongType(expectedType(issue.expected), describeValue(found))]];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const what =
        issue.origin === 'array'
          ? `a list with ${op} ${bound} items`
          : issue.origin === 'string'
            ? `a string of ${op} ${bound} characters`
            : `a number ${op} ${bound}`;
      return [[path, msg.outOfRange(what, describeValue(found))]];
    }
    case 'invalid_value': {
      const guess = typeof found === 'string' ? nearest(found, issue.values.map(String)) : undefined;
      return [[path, msg.notOneOf(issue.values, describeValue(found), guess)]];
    }
    case 'invalid_union':
      return describeUnion(issue, path, found, raw);
    default: {
      // Refinements and formats carry our own "expected ..." message (../messages.ts).
      const says = found !== undefined && !isObject(found) && !Array.isArray(found) && issue.message.startsWith('expected');
      // A refinement's related fields are its object's: siblings of the field it refuses.
      const siblings = issue.code === 'custom' ? ((issue.params?.related as string[] | undefined) ?? []) : [];
      return [
        [path, says ? `${issue.message}, got ${describeValue(found)}` : issue.message, siblings.map((k) => [...path.slice(0, -1), k])],
      ];
    }
  }
}

/**
 * A value that fits none of a union's shapes. When exactly one shape is plausible (the
 * right type, the right "kind" or "dist"), its own problems are the useful ones; else
 * the message lists the shapes.
 */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion, path: readonly PropertyKey[], found: unknown, raw: unknown): Described[] {
  const branch = plausibleBranch(issue);
  if (branch !== undefined) return tightestBounds(branch).flatMap((i) => describeIssue(i, path, raw));
  if (found === undefined) {
    if (path.at(-1) === 'kind') return [[path, msg.missingTag('a step kind', STEP_KINDS)]];
    // {"kind": "exponential", "mean": 1} for a duration: the object says it is a distribution.
    if (path.at(-1) === 'dist') return [[path, msg.missingTag('a distribution\'s "dist"', DISTRIBUTIONS)]];
    return [[path, msg.missingField('a duration')]];
  }
  // A field of seconds alone (a number or a string with a unit: pool_timeout, keepalive),
  // not a distribution: given an object or null, it was told of distributions it refuses
  // ({"dist": "exponential", ...} read "dist ... got "exponential"; did you mean "exponential"?").
  if (!admitsDistribution(issue) && path.at(-1) !== 'kind' && path.at(-1) !== 'dist') {
    const distribution = isObject(found) && 'dist' in found ? ' (a distribution: this field takes one duration)' : '';
    return [[path, `${msg.durationPattern}, got ${describeValue(found)}${distribution}`]];
  }
  const inStep = path.at(-1) === 'kind' || (path.at(-2) === 'steps' && path.at(-3) === 'app');
  if (inStep) {
    const kind = path.at(-1) === 'kind' ? found : isObject(found) ? found.kind : undefined;
    const kindPath = path.at(-1) === 'kind' ? path : [...path, 'kind'];
    return [[kindPath, msg.badStep(STEP_KINDS, describeValue(kind), typeof kind === 'string' ? nearest(kind, STEP_KINDS) : undefined)]];
  }
  if (path.at(-1) === 'dist' || (isObject(found) && 'dist' in found)) {
    const dist = path.at(-1) === 'dist' ? found : (found as Record<string, unknown>).dist;
    const distPath = path.at(-1) === 'dist' ? path : [...path, 'dist'];
    return [
      [
        distPath,
        msg.badDistribution(DISTRIBUTIONS, describeValue(dist), typeof dist === 'string' ? nearest(dist, DISTRIBUTIONS) : undefined),
      ],
    ];
  }
  return [[path, msg.badDuration(describeValue(found))]];
}

/** Whether one of the union's shapes is an object (a distribution, a step): not so for seconds alone (a number or a string). */
function admitsDistribution(issue: z.core.$ZodIssueInvalidUnion): boolean {
  return issue.errors.some((branch) =>
    branch.some(
      (i) =>
        (i.code === 'invalid_type' && i.expected !== 'number' && i.expected !== 'string') ||
        i.code === 'invalid_union' ||
        i.path.length > 0,
    ),
  );
}

/** The values of a discriminated union's tag ("kind", "dist"), from the schema itself. */
function tags(union: z.ZodDiscriminatedUnion, key: string): string[] {
  return union.options.flatMap((o) => [...((o as z.ZodObject).shape[key] as z.ZodLiteral).values].map(String));
}
const STEP_KINDS = tags(stepSchema as unknown as z.ZodDiscriminatedUnion, 'kind');
const DISTRIBUTIONS = tags(durationSpec.options[1] as unknown as z.ZodDiscriminatedUnion, 'dist');

function plausibleBranch(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  const plausible = issue.errors.filter((branch) => branch.every((i) => !rulesOutBranch(i)));
  return plausible.length === 1 ? plausible[0] : undefined;
}

/** An issue that says the value is not of this branch's shape at all. */
function rulesOutBranch(i: z.core.$ZodIssue): boolean {
  if (i.path.length === 0 && i.code === 'invalid_type') return true;
  if (i.path.length === 1 && i.code === 'invalid_value' && (i.path[0] === 'dist' || i.path[0] === 'kind')) return true;
  if (i.path.length === 0 && i.code === 'invalid_union') return plausibleBranch(i) === undefined;
  return false;
}

function expectedType(expected: string): string {
  const words: Record<string, string> = {
    int: 'an integer',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
    // measured, fitted and notes: an object of field paths (zod says "record").
    record: 'an object',
  };
  return words[expected] ?? expected;
}

/** The keys allowed at `path`; inside a union, those of the shape the value picked by its "kind" or "dist". */
function knownKeys(path: readonly PropertyKey[], raw: unknown): string[] {
  let schema: z.ZodType | undefined = scenarioSchema;
  for (let i = 0; i <= path.length && schema !== undefined; i++) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodUnion) schema = pickOption(schema, valueAt(raw, path.slice(0, i)));
    if (schema === undefined) return [];
    if (i === path.length) break;
    const key = path[i];
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(key)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** The object shape of a union that `value` means, by its discriminator. */
function pickOption(union: z.ZodUnion, value: unknown): z.ZodObject | undefined {
  const objects: z.ZodObject[] = [];
  const collect = (s: z.ZodType): void => {
    const u = unwrap(s);
    if (u instanceof z.ZodUnion) for (const o of u.options) collect(o as z.ZodType);
    else if (u instanceof z.ZodObject) objects.push(u);
  };
  collect(union);
  if (!isObject(value)) return objects.length === 1 ? objects[0] : undefined;
  for (const o of objects) {
    const matches = ['kind', 'dist'].some((d) => {
      const lit = unwrap((o.shape as Record<string, z.ZodType>)[d] ?? z.never()) as any;
      return lit instanceof z.ZodLiteral && lit.values.has(value[d] as never);
    });
    if (matches) return o;
  }
  return undefined;
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

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' && !Number.isFinite(v)) return `number ${v}`;
  // Escaped (JSON) and cut short: no terminal escape codes, and never a whole file again.
  if (typeof v === 'string') return `string ${JSON.stringify(msg.abbreviate(v))}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
