// Reads a scenario file from disk and applies the command line's overrides (the CLI is
// the only part that touches the file system).
import { readFileSync } from 'node:fs';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';
import { loadScenario, parseJson } from '../scenario/load.js';
import type { Override } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';

export function loadScenarioFile(path: string, overrides: readonly Override[] = []): Scenario {
  return loadScenario(readText(path, 'the scenario', 'a scenario .json file'), path, overrides);
}

/** The file's JSON, not yet validated: `sim compare` and `sim fit` change it per run. */
export function readScenarioJson(path: string): unknown {
  return parseJson(readText(path, 'the scenario', 'a scenario .json file'), path);
}

export function readText(path: string, what: string, expected: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? msg.noSuchFile : code === 'EISDIR' ? msg.isDirectory(expected) : code === 'EACCES' ? msg.notReadable : (e as Error).message;
    throw new UserError(`${path}: ${msg.cannotRead(what, why)}`);
  }
}
