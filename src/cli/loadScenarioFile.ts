// Reads a scenario file from disk and applies --set overrides (the CLI is the only part
// that touches the file system).
import { readFileSync } from 'node:fs';
import { UserError } from '../scenario/errors.js';
import { parseJson, validateScenario } from '../scenario/load.js';
import { applyOverride } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';

export function loadScenarioFile(path: string, sets: readonly string[] = [], seed?: number): Scenario {
  const raw = readScenarioJson(path);
  for (const s of sets) applyOverride(raw, s);
  if (seed !== undefined) (raw as Record<string, unknown>).seed = seed;
  return validateScenario(raw, sets.length > 0 ? `${path} (with --set)` : path);
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
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? `is a directory, expected ${expected}` : (e as Error).message;
    throw new UserError(`${path}: cannot read ${what}: ${why}`);
  }
}
