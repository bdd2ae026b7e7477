// sim merge's shard files. One within the input-size limit (SIM_MAX_INPUT_MB, 10 MB by
// default) is read as every input is. A larger one is read point by point when it is laid
// out as sim sweep --json writes a shard (sweepJson.ts): the header, then `  "points": [`,
// each point from a line `    {` to a line `    }` (its own lines indented further, and a
// string holds no line break), then `  ]`. A shard of about 7,000 points passed the 10 MB
// limit, so a job emitted by --emit ran every shard and then failed at its merge; and a
// shard of a few hundred thousand points is longer than one string may be. Read this way,
// a point's text is at most the limit, and what stays is the parsed points, which the merge
// keeps anyway: the memory follows the file, whose size the grid made. A file over the limit
// that is not laid out so (not a shard, or one rewritten by another tool) is refused, saying
// where it is not.
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';
import { parseJsonDocument } from '../scenario/load.js';
import { JsonSyntaxError, parseJsonValue } from '../scenario/jsonText.js';
import { MAX_GRID_POINTS } from '../analysis/sweep/grid.js';
import { firstNonUtf8, foreignEncoding, maxInputBytes, readText } from './loadScenarioFile.js';

const WHAT = 'the shard';
const EXPECTED = 'a JSON file written by sim sweep --json';
const CHUNK = 1 << 20;

const HEADER_START = Buffer.from('{\n  "sweep": {\n');
const POINTS_START = Buffer.from('\n  "points": [\n');
const POINT_START = Buffer.from('    {\n');
const POINT_END = Buffer.from('\n    }');
const POINTS_END = Buffer.from('  ]');

/** The JSON value of a shard file (not yet checked: mergeShards does that). */
export function readShard(path: string): unknown {
  const limit = maxInputBytes();
  let size: number | undefined;
  try {
    const stat = statSync(path);
    if (stat.isFile()) size = stat.size;
  } catch {
    // readText says what is wrong with it.
  }
  if (size === undefined || size <= limit) return parseJsonDocument(readText(path, WHAT, EXPECTED, 'json'), path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return parseJsonDocument(readText(path, WHAT, EXPECTED, 'json'), path);
  }
  try {
    return new LargeShard(path, fd, size, limit).read();
  } finally {
    closeSync(fd);
  }
}

class LargeShard {
  /**
   * The bytes of the file from `base` (an offset in the file) that are read; `pos` (an offset
   * in the file, like every offset here) is the start of what is still to be read: a read
   * drops what is before it.
   */
  private buf = Buffer.alloc(0);
  private base = 0;
  private pos = 0;
  private eof = false;

  constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly size: number,
    private readonly limit: number,
  ) {}

  read(): Record<string, unknown> {
    // The header: from the start to the line opening "points", read as one JSON text with the list closed.
    if (!this.at(0, HEADER_START)) {
      const foreign = foreignEncoding(this.buf);
      if (foreign !== undefined) throw new UserError(`${this.path}: ${msg.cannotRead(WHAT, foreign)}`);
      this.refuse(0, msg.jsonExpected(msg.largeShardStart, this.shown(0)));
    }
    const pointsAt = this.find(POINTS_START, 0);
    if (pointsAt < 0) this.refuse(undefined, msg.largeShardNoPoints(this.limit));
    const bracket = pointsAt + POINTS_START.length - 1;
    const header = this.parse(0, bracket, '', ']\n}') as Record<string, unknown>;
    const sweep = header.sweep as Record<string, unknown> | null;
    const declared = sweep !== null && typeof sweep === 'object' ? sweep.points : undefined;
    const most = Number.isInteger(declared) && (declared as number) >= 1 ? Math.min(declared as number, MAX_GRID_POINTS) : MAX_GRID_POINTS;
    this.pos = bracket + 1;

    const points: unknown[] = [];
    for (;;) {
      // (An empty list, which no file over the limit has; after a point, a "," says another follows.)
      if (points.length === 0 && this.at(this.pos, POINTS_END)) break;
      if (!this.at(this.pos, POINT_START)) {
        // A "," before "]", as the whole file's reading says it.
        if (points.length > 0 && this.at(this.pos, POINTS_END))
          this.syntaxError(this.pos + 2, msg.jsonExpected('a value', '"]"', msg.jsonHintTrailingComma));
        this.refuse(this.pos, msg.jsonExpected(msg.largeShardPointStart, this.shown(this.pos)));
      }
      const where = `at points[${points.length}]`;
      if (points.length >= most) this.refuse(this.pos, `${where}: ${msg.largeShardTooManyPoints(most)}`);
      const end = this.find(POINT_END, this.pos);
      if (end < 0) {
        // A file cut inside its last point: the rest read as the point says where, as the whole file's reading does.
        if (this.eof && this.base + this.buf.length - this.pos <= this.limit) this.parse(this.pos, this.base + this.buf.length);
        this.refuse(this.pos, `${where}: ${msg.largeShardPointTooLong(this.limit)}`);
      }
      const close = end + POINT_END.length;
      points.push(this.parse(this.pos, close));
      if (this.at(close, ',\n')) this.pos = close + 2;
      else if (this.at(close, '\n')) {
        this.pos = close + 1;
        if (!this.at(this.pos, POINTS_END)) this.refuse(this.pos, msg.jsonExpected(msg.largeShardPointsEnd, this.shown(this.pos)));
        break;
      } else this.refuse(close, msg.jsonExpected(msg.largeShardAfterPoint, this.shown(close)));
    }
    // The rest, after "  ]": "\n}" and the end of the file, or more keys first ("missing", of
    // an interrupted sweep), read as one JSON text with the points' place left out.
    const rest = this.pos + POINTS_END.length;
    if (this.size - rest > this.limit) this.refuse(rest, msg.largeShardTail(this.limit));
    this.pos = rest;
    while (!this.eof && this.buf.length - (rest - this.base) <= this.limit) this.more();
    const tail = this.parse(rest, this.base + this.buf.length, '{"points":[]', '') as Record<string, unknown>;
    header.points = points;
    for (const [k, v] of Object.entries(tail)) {
      if (k === 'points') continue;
      if (Object.hasOwn(header, k)) this.refuse(rest, msg.notJson(msg.jsonDuplicateKey(k)));
      header[k] = v;
    }
    return header;
  }

  /**
   * The JSON value of the file's bytes [from, to), with `before` and `after` around them; a
   * syntax error is placed in the file (`from` is at the start of a line, or, for the rest
   * after the points, right after "  ]").
   */
  private parse(from: number, to: number, before = '', after = ''): unknown {
    const bytes = this.buf.subarray(from - this.base, to - this.base);
    if (!isUtf8(bytes)) {
      const at = from + firstNonUtf8(bytes);
      const { line, column } = this.locate(at);
      throw new UserError(`${this.path}:${line}:${column}: ${msg.notJson(msg.notUtf8(bytes[at - from]))}`);
    }
    try {
      return parseJsonValue(before + bytes.toString('utf8') + after);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      const start = this.locate(from);
      const line = start.line + e.line - 1;
      const column = e.line === 1 ? Math.max(1, start.column + e.column - 1 - before.length) : e.column;
      throw new UserError(`${this.path}:${line}:${column}: ${msg.notJson(e.message)}`);
    }
  }

  /** Whether the file holds `text` at `offset` (false where it ends first). */
  private at(offset: number, text: Buffer | string): boolean {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    while (this.base + this.buf.length < offset + bytes.length && !this.eof) this.more();
    const i = offset - this.base;
    return this.buf.length - i >= bytes.length && this.buf.compare(bytes, 0, bytes.length, i, i + bytes.length) === 0;
  }

  /** Where `needle` is at or after `from` (pos or later), reading on until it is found or more than the limit past `from` is read; -1 if not. */
  private find(needle: Buffer, from: number): number {
    let searched = from;
    for (;;) {
      const i = this.buf.indexOf(needle, searched - this.base);
      const found = i < 0 ? -1 : this.base + i;
      if (found >= 0) return found - from <= this.limit ? found : -1;
      if (this.eof || this.base + this.buf.length - from > this.limit + needle.length) return -1;
      searched = Math.max(from, this.base + this.buf.length - needle.length + 1);
      this.more();
    }
  }

  /** Reads the next chunk, dropping what is before pos. */
  private more(): void {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const n = readSync(this.fd, chunk, 0, CHUNK, this.base + this.buf.length);
    if (n === 0) {
      this.eof = true;
      return;
    }
    this.buf = Buffer.concat([this.buf.subarray(this.pos - this.base), chunk.subarray(0, n)]);
    this.base = this.pos;
  }

  /** Line and column (in characters) of a byte of the file, read again from its start: for a message only. */
  private locate(offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (let at = 0; at < offset; ) {
      const n = readSync(this.fd, chunk, 0, Math.min(CHUNK, offset - at), at);
      if (n === 0) break;
      for (let k = chunk.indexOf(10); k >= 0 && k < n; k = chunk.indexOf(10, k + 1)) {
        line++;
        lineStart = at + k + 1;
      }
      at += n;
    }
    if (offset - lineStart > CHUNK) return { line, column: offset - lineStart + 1 };
    const head = Buffer.alloc(offset - lineStart);
    readSync(this.fd, head, 0, head.length, lineStart);
    return { line, column: head.toString('utf8').length + 1 };
  }

  /** What stands at an offset, for a message: to the line's end, cut to 40 characters. */
  private shown(offset: number): string {
    const i = offset - this.base;
    if (i >= this.buf.length) return 'the end of the file';
    const end = this.buf.indexOf(10, i);
    const line = [...this.buf.toString('utf8', i, Math.min(end < 0 ? this.buf.length : end, i + 200))];
    return JSON.stringify(line.length > 40 ? `${line.slice(0, 40).join('')}...` : line.join(''));
  }

  /** A syntax error at an offset, in the words the whole file's reading uses. */
  private syntaxError(offset: number, why: string): never {
    const { line, column } = this.locate(offset);
    throw new UserError(`${this.path}:${line}:${column}: ${msg.notJson(why)}`);
  }

  /** The file's size over the limit, and why it is not read as a shard there; at a line and column when `offset` is given. */
  private refuse(offset: number | undefined, why: string): never {
    const where = offset === undefined ? '' : (({ line, column }) => `:${line}:${column}`)(this.locate(offset));
    throw new UserError(`${this.path}${where}: ${msg.cannotRead(WHAT, msg.largeShard(this.size, this.limit, why))}`);
  }
}
