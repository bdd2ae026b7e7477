// Reads a scenario file from disk and applies the command line's overrides (the CLI is
// the only part that touches the file system).
import { readFileSync } from 'node:fs';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';
import { loadScenario } from '../scenario/load.js';
import type { Override } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';

export function loadScenarioFile(path: string, overrides: readonly Override[] = []): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? msg.noSuchFile : code === 'EISDIR' ? msg.isDirectory : code === 'EACCES' ? msg.notReadable : (e as Error).message;
    throw new UserError(`${path}: ${msg.cannotRead(why)}`);
  }
  return loadScenario(text, path, overrides);
}
