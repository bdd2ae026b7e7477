// Reads a scenario file from disk and applies the command line's overrides (the CLI is
// the only part that touches the file system).
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as msg from '../messages.js';
import { describeErrno } from './atomicWrite.js';
import type { BudgetFlags } from '../scenario/budgets.js';
import { UserError } from '../scenario/errors.js';
import { loadScenario, parseJson } from '../scenario/load.js';
import type { Override } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';

export function loadScenarioFile(path: string, overrides: readonly Override[] = [], budgetFlags?: BudgetFlags): Scenario {
  return loadScenario(readText(path, 'the scenario', 'a scenario .json file', 'json'), path, overrides, budgetFlags);
}

/** The file's JSON, not yet validated: `sim compare` and `sim fit` change it per run. */
export function readScenarioJson(path: string): unknown {
  return parseJson(readText(path, 'the scenario', 'a scenario .json file', 'json'), path);
}

/**
 * The largest input file read (scenarios, hey outputs, shards): 10 MB, far above the
 * largest real one, and settable with SIM_MAX_INPUT_MB. A larger file, or a device
 * without end (/dev/zero), is refused before it is parsed, so it cannot take the memory;
 * but a shard over it, laid out as sim sweep --json writes one, is read point by point
 * (readShard.ts): a shard of a large grid is over it by its points alone.
 */
export const DEFAULT_MAX_INPUT_MB = 10;

export function maxInputBytes(): number {
  const text = process.env.SIM_MAX_INPUT_MB;
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_INPUT_MB * 1024 * 1024;
  const mb = Number(text);
  const shown = JSON.stringify(text).slice(1, -1);
  if (!Number.isFinite(mb) || mb <= 0)
    throw new UserError(`SIM_MAX_INPUT_MB=${shown}: ${msg.wrongType('a number of megabytes > 0', JSON.stringify(text))}`);
  // Less than a byte was a limit of 0 bytes, which every file is over ("the 0 MB limit").
  if (mb < msg.MIN_INPUT_MB)
    throw new UserError(`SIM_MAX_INPUT_MB=${shown}: ${msg.wrongType(msg.inputLimitTooSmall, JSON.stringify(text))}`);
  return Math.floor(mb * 1024 * 1024);
}

/**
 * The file's text. Every input is UTF-8: a UTF-16 file (PowerShell's `>` writes one) is
 * refused by name, where it was "not an output of a load tester sim knows" or "not valid
 * JSON: expected a value, got "\ufffd"". A `json` file must be UTF-8 throughout (RFC 8259):
 * a byte that is not was read as U+FFFD, into a description or an "unknown key"; a load
 * tester's output or a log may hold such bytes (a report cut inside a character, a path
 * in Latin-1) where nothing reads them, and is taken as it is.
 */
export function readText(path: string, what: string, expected: string, kind: 'json' | 'text' = 'text'): string {
  const limit = maxInputBytes();
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.isFile() && stat.size > limit) throw new UserError(`${path}: ${msg.cannotRead(what, msg.inputTooLarge(stat.size, limit))}`);
    // Read at most one byte past the limit: a pipe or a device says its size only by ending.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) throw new UserError(`${path}: ${msg.cannotRead(what, msg.inputTooLarge(undefined, limit))}`);
    }
    const bytes = Buffer.concat(chunks, total);
    const foreign = foreignEncoding(bytes);
    if (foreign !== undefined) throw new UserError(`${path}: ${msg.cannotRead(what, foreign)}`);
    if (kind === 'json' && !isUtf8(bytes)) {
      const at = firstNonUtf8(bytes);
      const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
      const line = bytes.subarray(0, lineStart).filter((b) => b === 0x0a).length + 1;
      const column = bytes.subarray(lineStart, at).toString('utf8').length + 1;
      throw new UserError(`${path}:${line}:${column}: ${msg.notJson(msg.notUtf8(bytes[at]))}`);
    }
    return bytes.toString('utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? kind === 'json'
          ? msg.noSuchFileNear(scenarioNear(path))
          : msg.noSuchFile
        : code === 'EISDIR'
          ? msg.isDirectory(expected)
          : code === 'EACCES'
            ? msg.notReadable
            : // /proc/self/mem was "EIO: i/o error, read", the system call's own words.
              code === 'EIO' || code === 'EINVAL'
              ? msg.unreadableSpecial(code)
              : code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG'
                ? describeErrno(e as NodeJS.ErrnoException)
                : (e as Error).message;
    throw new UserError(`${path}: ${msg.cannotRead(what, why)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The scenario a missing path probably meant: `sim run my-app` for my-app.json, and
 * `sim run gevent-100.json` typed beside scenarios/ rather than in it.
 */
function scenarioNear(path: string): string | undefined {
  const json = path.endsWith('.json') ? [] : [`${path}.json`];
  const inFolder = /[/\\]/.test(path) ? [] : [join('scenarios', path), ...json.map((p) => join('scenarios', p))];
  return [...json, ...inFolder].find((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true);
}

/** What a text in UTF-32 or UTF-16 is, and how to make it UTF-8, judged by its first bytes; else undefined. */
export function foreignEncoding(b: Buffer): string | undefined {
  const utf32 = utf32Order(b);
  if (utf32 !== undefined) return msg.utf32Input(utf32);
  const utf16 = utf16Order(b);
  return utf16 === undefined ? undefined : msg.utf16Input(utf16);
}

/**
 * "LE" or "BE" for UTF-32 text, as for UTF-16 (utf16Order): by its byte-order mark, or by a
 * first character of ASCII with its three zero bytes. Asked first: UTF-32LE's mark begins
 * with UTF-16LE's (FF FE), and its text was named UTF-16, UTF-32BE's "not valid JSON: got "\u0000"".
 */
function utf32Order(b: Buffer): 'LE' | 'BE' | undefined {
  if (b.length < 4) return undefined;
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'LE';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'BE';
  if (b[0] !== 0 && b[0] < 0x80 && b[1] === 0 && b[2] === 0 && b[3] === 0) return 'LE';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] !== 0 && b[3] < 0x80) return 'BE';
  return undefined;
}

/**
 * "LE" or "BE" for UTF-16 text: by its byte-order mark, or, without one, by a first
 * character of ASCII with its zero byte (no text sim reads holds a zero byte).
 */
function utf16Order(b: Buffer): 'LE' | 'BE' | undefined {
  if (b.length < 2) return undefined;
  if (b[0] === 0xff && b[1] === 0xfe) return 'LE';
  if (b[0] === 0xfe && b[1] === 0xff) return 'BE';
  if (b[0] !== 0 && b[0] < 0x80 && b[1] === 0) return 'LE';
  if (b[0] === 0 && b[1] !== 0 && b[1] < 0x80) return 'BE';
  return undefined;
}

/** The offset of the first byte that does not begin or continue a UTF-8 character (the text is known not to be UTF-8). */
export function firstNonUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return i;
}
