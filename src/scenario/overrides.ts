// Changes to a scenario from the command line, applied before validation so that an
// override is checked exactly like the file itself: `--set path=value`, and flags that
// are shorthands for a field (`--seed 3` is `--set seed=3`). Each override remembers the
// words the user typed, so an error in the value it set names them rather than the file.
// A value is read as JSON when it parses (numbers, booleans, objects), else taken as a
// string ("250ms").
import * as msg from '../messages.js';
import { UserError, formatPath } from './errors.js';
import { JsonSyntaxError, parseJsonValue } from './jsonText.js';

export interface Override {
  /** The field it sets, e.g. ["app", "steps", 0, "time"]. */
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  /** What the user typed, for messages: `--set client.requests=5`, `--seed 3`. */
  readonly source: string;
}

/** `--set a.b[0].c=value` (a.b.0.c is accepted too). */
export function parseSetExpression(expression: string): Override {
  const source = `--set ${expression}`;
  const eq = expression.indexOf('=');
  if (eq <= 0) throw new UserError(`${source}: ${msg.setSyntax}`);
  const pathText = expression.slice(0, eq).trim();
  return { path: parseFieldPath(pathText, source), value: readValue(expression.slice(eq + 1).trim(), source), source };
}

/** A flag that sets one field: `--seed 3` sets ["seed"] to 3. */
export function flagOverride(flag: string, path: readonly (string | number)[], text: string): Override {
  const source = `${flag} ${text}`;
  return { path, value: readValue(text.trim(), source), source };
}

function readValue(text: string, source: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  // JSON.parse reads 1e400 as Infinity, which no field takes and which prints as null.
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new UserError(`${source}: ${msg.jsonNumberTooLarge(msg.abbreviate(text))}`);
  return value !== null && typeof value === 'object' ? jsonAsInFile(text, source) : value;
}

/**
 * An object or a list given on the command line, read as a scenario file's JSON is: refused
 * when nested past the file's limit (JSON.parse takes any depth, and validation's walk of a
 * list nested 50,000 deep overflowed the stack: "internal error: Maximum call stack size
 * exceeded"), when a key appears twice (JSON.parse keeps the second silently) or when a
 * number inside is past a double (JSON.parse reads Infinity). `source` is what was typed.
 */
export function jsonAsInFile(text: string, source: string): unknown {
  try {
    return parseJsonValue(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new UserError(`${source}: ${e.message}`);
    throw e;
  }
}

/** The keys of a field path, a.b[0].c or a.b.0.c; `source` is what the user typed, for the message. */
export function parseFieldPath(text: string, source: string): (string | number)[] {
  const keys: (string | number)[] = [];
  // a.b[0].c and a.b.0.c: names separated by dots, indexes in brackets or as bare digits.
  const token = /([^.[\]]+)|\[(\d+)\]/gy;
  let expectName = true;
  while (token.lastIndex < text.length) {
    if (!expectName && text[token.lastIndex] === '.') {
      token.lastIndex++;
      expectName = true;
      continue;
    }
    const m = token.exec(text);
    if (m === null || (m[1] !== undefined && !expectName)) throw new UserError(`${source}: ${msg.setBadPath(text)}`);
    keys.push(m[2] !== undefined ? Number(m[2]) : /^\d+$/.test(m[1]) ? Number(m[1]) : m[1].trim());
    expectName = false;
  }
  if (keys.length === 0 || expectName || keys.some((k) => k === '')) throw new UserError(`${source}: ${msg.setBadPath(text)}`);
  return keys;
}

/**
 * Sets the override's field in `raw` (a parsed scenario), creating objects on the way.
 * A string is a `--set` expression (sim compare and sim fit build them).
 */
export function applyOverride(raw: unknown, override: Override | string): void {
  const o = typeof override === 'string' ? parseSetExpression(override) : override;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new UserError(`${o.source}: ${msg.setNotObject('the scenario', describe(raw))}`);
  let node: any = raw;
  const { path } = o;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (Array.isArray(node) && typeof key !== 'number') {
      // A list has items and nothing else: "length" or a name would be dropped, or break it.
      throw new UserError(`${o.source}: ${msg.setNotIndex(formatPath(path.slice(0, i)), String(key), node.length)}`);
    }
    if (Array.isArray(node) && typeof key === 'number' && key > node.length) {
      throw new UserError(`${o.source}: ${msg.setIndexTooFar(formatPath(path.slice(0, i)), node.length)}`);
    }
    if (i === path.length - 1) {
      define(node, key, o.value);
      return;
    }
    // Own properties only: "__proto__" or "constructor" must never reach Object.prototype.
    const existing = Object.hasOwn(node, key) ? node[key] : undefined;
    if (existing === undefined) {
      define(node, key, typeof path[i + 1] === 'number' ? [] : {});
    } else if (existing === null || typeof existing !== 'object') {
      throw new UserError(`${o.source}: ${msg.setNotObject(formatPath(path.slice(0, i + 1)), JSON.stringify(existing))}`);
    }
    node = node[key];
  }
}

function define(node: object, key: string | number, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'a list' : JSON.stringify(v);
}
