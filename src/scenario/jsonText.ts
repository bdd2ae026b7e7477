// A strict JSON reader for scenario files. JSON.parse says too little when a file is
// broken (Node 20 gives no position for "Unexpected end of JSON input" and words its
// messages differently across versions) and nothing when a key appears twice, which
// silently keeps the last value. This reader points at the exact line and column, says
// what it expected, and remembers where each field is, so schema errors can point into
// the file too.
import * as msg from '../messages.js';

const MAX_DEPTH = 256;
/**
 * Where fields are is remembered for the first 100,000 (a real scenario has hundreds): a
 * problem further on is placed at the nearest field remembered above it. Recording every
 * one made a file of a million fields take seconds to read.
 */
const MAX_LOCATIONS = 100_000;
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

export interface JsonLocation {
  line: number;
  column: number;
}

/** A syntax error at a character offset. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface ParsedJson {
  value: unknown;
  /** Where each field starts (the key for an object member, the value for an array item), by JSON path. */
  locations: Map<string, JsonLocation>;
}

/** A JSON path as a lookup key: ["app", "steps", 0] -> "app/steps/0". */
export function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('/');
}

export function parseJsonText(text: string): ParsedJson {
  return new Reader(text).document();
}

/**
 * The value of a JSON text, as parseJsonText reads it (and refusing what it refuses, with its
 * message), without the places of the fields: for documents that can be hundreds of MB (sim
 * merge's shards), where this reader takes several times JSON.parse's time and memory.
 * JSON.parse reads the text; this reader reads it again only when JSON.parse refuses it, or
 * when what JSON.parse made may not be what this reader would have: a key given twice
 * (JSON.parse keeps the last value silently), nesting past MAX_DEPTH, a number past a double.
 */
export function parseJsonValue(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseJsonText(text).value;
  }
  return readsAlike(value, text) ? value : parseJsonText(text).value;
}

/**
 * Whether the strict reader would have read `value` from `text`. Every colon of a valid text
 * outside its strings separates a key from its value: a key given twice loses JSON.parse one
 * member, and with it one colon or more, so the colons of the value (one a key, plus those
 * inside its keys and strings) fall short of the text's. An escaped colon (\u003a) counts in
 * the value only and could hide a repeated key: such a text goes to the reader.
 */
function readsAlike(value: unknown, text: string): boolean {
  if (/\\u003a/i.test(text)) return false;
  const colonsIn = (s: string): number => {
    let n = 0;
    for (let i = s.indexOf(':'); i !== -1; i = s.indexOf(':', i + 1)) n++;
    return n;
  };
  let counted = 0;
  // Recursive, but never past MAX_DEPTH + 1 levels: deeper is refused before it is entered.
  const visit = (v: unknown, depth: number): boolean => {
    if (depth > MAX_DEPTH) return false;
    if (typeof v === 'number') return Number.isFinite(v);
    if (typeof v === 'string') {
      counted += colonsIn(v);
      return true;
    }
    if (v === null || typeof v !== 'object') return true;
    if (Array.isArray(v)) return v.every((item) => visit(item, depth + 1));
    const object = v as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      counted += 1 + colonsIn(key);
      if (!visit(object[key], depth + 1)) return false;
    }
    return true;
  };
  return visit(value, 0) && counted === colonsIn(text);
}

class Reader {
  private i = 0;
  private readonly locations = new Map<string, JsonLocation>();
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
    // A byte-order mark is not part of the document (RFC 8259 lets a reader ignore it).
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  document(): ParsedJson {
    this.space();
    const value = this.value('', 0);
    this.space();
    if (this.i < this.text.length) this.fail(msg.jsonExpected('the end of the file after the value', this.found()));
    return { value, locations: this.locations };
  }

  // `path` is the pathKey of the value's place, built as the reader descends (one string per
  // field rather than one array: a file of a million fields reads in a fraction of the time).
  private value(path: string, depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(msg.jsonTooDeep(MAX_DEPTH));
    const c = this.text[this.i];
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    this.fail(msg.jsonExpected('a value', this.found(), this.hint()));
  }

  private object(path: string, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++; // {
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.text[this.i] !== '"') {
        const trailing = this.text[this.i] === '}' ? msg.jsonHintTrailingComma : this.hint();
        this.fail(msg.jsonExpected('a key in double quotes', this.found(), trailing));
      }
      const keyAt = this.i;
      const key = this.string();
      if (Object.hasOwn(out, key)) this.fail(msg.jsonDuplicateKey(key), keyAt);
      const childPath = this.locations.size >= MAX_LOCATIONS ? '' : depth === 0 ? key : `${path}/${key}`;
      if (childPath !== '' || depth === 0) this.locations.set(childPath, this.location(keyAt));
      this.space();
      if (this.text[this.i] !== ':') this.fail(msg.jsonExpected(`":" after the key ${JSON.stringify(key)}`, this.found()));
      this.i++;
      this.space();
      const value = this.value(childPath, depth + 1);
      // defineProperty: a key named "__proto__" is data here, never the object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.space();
      const c = this.text[this.i];
      if (c === '}') {
        this.i++;
        return out;
      }
      if (c !== ',') this.fail(msg.jsonExpected('"," or "}" after a value in an object', this.found(), this.hint()));
      this.i++;
      this.space();
    }
  }

  private array(path: string, depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++; // [
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.text[this.i] === ']') this.fail(msg.jsonExpected('a value', this.found(), msg.jsonHintTrailingComma));
      const childPath = this.locations.size >= MAX_LOCATIONS ? '' : depth === 0 ? String(out.length) : `${path}/${out.length}`;
      if (childPath !== '' || depth === 0) this.locations.set(childPath, this.location(this.i));
      out.push(this.value(childPath, depth + 1));
      this.space();
      const c = this.text[this.i];
      if (c === ']') {
        this.i++;
        return out;
      }
      if (c !== ',') this.fail(msg.jsonExpected('"," or "]" after a value in a list', this.found(), this.hint()));
      this.i++;
      this.space();
    }
  }

  private string(): string {
    const start = this.i;
    this.i++; // opening quote
    let out = '';
    for (;;) {
      if (this.i >= this.text.length) this.fail(msg.jsonExpected('a closing double quote for the string', 'the end of the file'), start);
      const code = this.text.charCodeAt(this.i);
      if (code === 0x22) {
        this.i++;
        return out;
      }
      if (code < 0x20) this.fail(msg.jsonExpected('a closing double quote', msg.jsonControlCharacter));
      if (code !== 0x5c) {
        out += this.text[this.i++];
        continue;
      }
      const e = this.text[this.i + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.i + 2, this.i + 6), 16));
        this.i += 6;
      } else {
        this.fail(msg.jsonBadEscape(this.text.slice(this.i, this.i + 2)));
      }
    }
  }

  private number(): number {
    // Sticky, on the text itself: a number has no length limit (0.000...1 with 500 digits is valid).
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail(msg.jsonExpected('a number', this.found(), msg.jsonHintNumber));
    const after = this.text[this.i + m[0].length];
    if (
      after !== undefined &&
      /[A-Za-z_µ]/.test(after) &&
      !/^[eE][+-]?\d/.test(this.text.slice(this.i + m[0].length, this.i + m[0].length + 3))
    ) {
      // 250ms without quotes: a duration meant as a string.
      const word = /^[-\w.µ]+/.exec(this.text.slice(this.i, this.i + 200))![0];
      this.fail(msg.jsonExpected('a value', JSON.stringify(msg.abbreviate(word)), msg.jsonHintBareWord));
    }
    if (after !== undefined && /[0-9.eE]/.test(after)) this.fail(msg.jsonExpected('a number', this.found(), msg.jsonHintNumber));
    const value = Number(m[0]);
    if (!Number.isFinite(value)) this.fail(msg.jsonNumberTooLarge(msg.abbreviate(m[0])));
    this.i += m[0].length;
    return value;
  }

  private space(): void {
    while (this.i < this.text.length) {
      const c = this.text.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  /** What stands at the current position, for "got ...". */
  private found(): string {
    if (this.i >= this.text.length) return 'the end of the file';
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.i, this.i + 40));
    if (word) return JSON.stringify(word[0]);
    return JSON.stringify(String.fromCodePoint(this.text.codePointAt(this.i)!));
  }

  private hint(): string {
    const c = this.text[this.i];
    if (c === '/') return msg.jsonHintComment;
    if (c === "'") return msg.jsonHintSingleQuote;
    if (c === '+' || c === '.' || this.text.startsWith('NaN', this.i) || this.text.startsWith('Infinity', this.i))
      return msg.jsonHintNumber;
    if (c !== undefined && /[A-Za-z_]/.test(c)) return msg.jsonHintBareWord;
    return '';
  }

  private location(offset: number): JsonLocation {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  private fail(message: string, offset = this.i): never {
    const { line, column } = this.location(offset);
    throw new JsonSyntaxError(offset, line, column, message);
  }
}
