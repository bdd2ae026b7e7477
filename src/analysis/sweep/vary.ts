// `--vary` expressions: which fields a sweep changes, and through which values.
//
//   client.concurrency=10..200:10              a range, both ends included, step 10
//   server.workers=1,2,4                       a list (items read as JSON, else strings)
//   app.pool={"size":5},{"size":10}            a list of objects (a whole section)
//   fleet.down=[],[1],[1,2]                    a list of lists (a field that is one)
//   client.concurrency,client.requests=10..150:5   several fields set together, as the
//                                              article raised hey's -n with -c
//
// One expression is one axis of the grid; the fields of an axis move in lockstep.
import * as msg from '../../messages.js';
import { UserError } from '../../scenario/errors.js';
import { jsonAsInFile, parseFieldPath } from '../../scenario/overrides.js';

export type SweepValue = number | string | boolean | { [key: string]: unknown } | unknown[];

export interface Axis {
  /** The expression as written, for messages and the output's header. */
  expression: string;
  /** Where it was written, for messages, when not in a --vary: a file's sweep.vary item. */
  written?: { file: string; item: string };
  /** Field paths, as --set takes them (client.concurrency). */
  paths: string[];
  values: SweepValue[];
}

/** More values than this on one axis is a typo (a step of 0.0001), not a sweep. */
export const MAX_AXIS_VALUES = 100_000;

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const RANGE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})(?::(${NUMBER}))?$`);

export function parseVary(expression: string): Axis {
  const fail = (why: string) => new UserError(`--vary ${expression}: ${why}`);
  const eq = expression.indexOf('=');
  if (eq <= 0) throw fail('expected path=values, e.g. --vary client.concurrency=10..200:10 or --vary server.workers=1,2,4');
  const paths = expression
    .slice(0, eq)
    .split(',')
    .map((p) => p.trim());
  for (const p of paths) {
    if (p === '' || p.split('.').some((k) => k === ''))
      throw fail(`"${expression.slice(0, eq)}" is not a list of field paths such as server.workers`);
    // Read as --set reads a path, but named by the --vary typed: a malformed one
    // (app.steps[x) was refused at the first point as "--set app.steps[x=1: ...", a --set
    // nobody typed.
    parseFieldPath(p, `--vary ${expression}`);
  }
  if (new Set(paths).size !== paths.length) throw fail('a field is named twice');
  const text = expression.slice(eq + 1).trim();
  if (text === '') throw fail('no values after "="');
  // 1-8 is how a range is often written elsewhere; here it reached the field as the string "1-8".
  const dashed = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(:\d+(?:\.\d+)?)?$/.exec(text);
  if (dashed) throw fail(`"${text}" is not a range: write it with two dots, ${dashed[1]}..${dashed[2]}${dashed[3] ?? ''}`);
  const values = text.includes('..') ? parseRange(text, fail) : parseList(text, `--vary ${expression}`);
  return { expression, paths, values };
}

/** from..to:step, both ends included; the step defaults to 1. */
function parseRange(text: string, fail: (why: string) => UserError): number[] {
  const m = RANGE.exec(text);
  if (!m) throw fail(`"${text}" is not a range: expected from..to:step with numbers, e.g. 10..200:10`);
  // 1e400 reads as Infinity: it was "Infinity values; at most 100000 on one axis".
  for (const t of [m[1], m[2], m[3]]) if (t !== undefined && !Number.isFinite(Number(t))) throw fail(msg.jsonNumberTooLarge(t));
  const from = Number(m[1]);
  const to = Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (!(step > 0)) throw fail(`the step must be greater than 0, got ${m[3]}`);
  if (to < from) throw fail(`the range goes down (${m[1]}..${m[2]}); write it upwards, e.g. ${m[2]}..${m[1]}:${m[3] ?? 1}`);
  // The small tolerance keeps 0.1..0.3:0.1 from losing its last value to rounding.
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  // A step a million times smaller than a double's range gives more values than a double counts.
  if (count > MAX_AXIS_VALUES)
    throw fail(`${Number.isFinite(count) ? count : `more than ${Number.MAX_VALUE}`} values; at most ${MAX_AXIS_VALUES} on one axis`);
  // Whole numbers exactly (a seed of 13 digits or more, a timestamp, was rounded to 12: every
  // value of 1733600000000..1733600000005 was 1733600000000); others from + i * step, not a
  // running sum, and rounded to 12 digits: 0.1 + 0.2 prints as 0.3.
  if (Number.isInteger(from) && Number.isInteger(step)) return Array.from({ length: count }, (_, i) => from + i * step);
  return Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)));
}

/**
 * a,b,c: each item read as JSON when it parses (numbers, booleans, objects such as
 * {"size":5}, lists), else as a string. Commas inside an object or a quoted string do not split.
 */
function parseList(text: string, source: string): SweepValue[] {
  return splitTopLevel(text).map((item) => {
    const t = item.trim();
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      // not JSON: a bare string such as gevent or 250ms
      return t;
    }
    // 1e400 reads as Infinity, which reached the field as null: "(server.workers=null): at
    // server.workers: expected a number, got null", a value nobody typed.
    if (typeof v === 'number' && !Number.isFinite(v)) throw new UserError(`${source}: ${msg.jsonNumberTooLarge(msg.abbreviate(t))}`);
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
    // An object as --set reads one: not nested past a file's limit, no key twice.
    // A list too, for a field that is one (fleet.down): it was kept as the string "[1]",
    // which the field then refused as "expected a list".
    if (v !== null && typeof v === 'object') return jsonAsInFile(t, source) as { [key: string]: unknown } | unknown[];
    return t;
  });
}

/** Splits at the commas outside braces, brackets and double quotes. */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items;
}

/** The axis as its messages name it: the --vary typed, or the file's sweep.vary item. */
export function writtenAt(axis: Axis): string {
  return axis.written === undefined ? `--vary ${axis.expression}` : `${axis.written.file}: ${axis.written.item}`;
}

/** Rejects a field that two axes would both set: the grid would not know which wins. */
export function checkAxes(axes: readonly Axis[]): void {
  const seen = new Map<string, string>();
  for (const axis of axes) {
    for (const p of axis.paths) {
      const other = seen.get(p);
      if (other !== undefined) throw new UserError(`${writtenAt(axis)}: ${p} is already varied by ${other}`);
      seen.set(p, axis.written?.item ?? writtenAt(axis));
    }
  }
}
