// Reads a scenario file from disk and applies the command line's overrides (the CLI is
// the only part that touches the file system).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as msg from '../messages.js';
import type { BudgetFlags } from '../scenario/budgets.js';
import { UserError } from '../scenario/errors.js';
import { loadScenario, parseJson } from '../scenario/load.js';
import type { Override } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';

export function loadScenarioFile(path: string, overrides: readonly Override[] = [], budgetFlags?: BudgetFlags): Scenario {
  return loadScenario(readText(path, 'the scenario', 'a scenario .json file'), path, overrides, budgetFlags);
}

/** The file's JSON, not yet validated: `sim compare` and `sim fit` change it per run. */
export function readScenarioJson(path: string): unknown {
  return parseJson(readText(path, 'the scenario', 'a scenario .json file'), path);
}

/**
 * The largest input file read (scenarios, hey outputs, shards): 10 MB, far above the
 * largest real one, and settable with SIM_MAX_INPUT_MB. A larger file, or a device
 * without end (/dev/zero), is refused before it is parsed, so it cannot take the memory.
 */
export const DEFAULT_MAX_INPUT_MB = 10;

export function maxInputBytes(): number {
  const text = process.env.SIM_MAX_INPUT_MB;
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_INPUT_MB * 1024 * 1024;
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb <= 0)
    throw new UserError(
      `SIM_MAX_INPUT_MB=${JSON.stringify(text).slice(1, -1)}: ${msg.wrongType('a number of megabytes > 0', JSON.stringify(text))}`,
    );
  return Math.floor(mb * 1024 * 1024);
}

export function readText(path: string, what: string, expected: string): string {
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
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? msg.noSuchFile
        : code === 'EISDIR'
          ? msg.isDirectory(expected)
          : code === 'EACCES'
            ? msg.notReadable
            : (e as Error).message;
    throw new UserError(`${path}: ${msg.cannotRead(what, why)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
