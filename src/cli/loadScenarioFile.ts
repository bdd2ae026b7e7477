// Reads a scenario file from disk and applies --set overrides (the CLI is the only part
// that touches the file system).
import { readFileSync } from 'node:fs';
import { UserError } from '../scenario/errors.js';
import { parseJson, validateScenario } from '../scenario/load.js';
import { applyOverride } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';

export function loadScenarioFile(path: string, sets: readonly string[] = [], seed?: number): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a scenario .json file' : (e as Error).message;
    throw new UserError(`${path}: cannot read the scenario: ${why}`);
  }
  const raw = parseJson(text, path);
  for (const s of sets) applyOverride(raw, s);
  if (seed !== undefined) (raw as Record<string, unknown>).seed = seed;
  return validateScenario(raw, sets.length > 0 ? `${path} (with --set)` : path);
}
