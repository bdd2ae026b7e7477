// A what-if: a scenario file as loaded, and the --set overrides the page applied to it.
// Overrides are kept as text, exactly as `sim run --set path=value` reads them (JSON when
// it parses, else a string), so the page, a shared link, a downloaded file and the
// command line always mean the same scenario.
import { validateScenario } from '../scenario/load.js';
import { applyOverride } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';

export interface Override {
  /** A field path as --set takes it: server.workerConnections */
  path: string;
  /** The value as --set reads it: 50, true, gevent, "500ms" */
  value: string;
}

export interface WhatIf {
  /** The scenario's name as the page lists it: its file name without .json. */
  name: string;
  /** The file's JSON, never modified. */
  raw: unknown;
  /** In the order they were first set; one per path. */
  overrides: Override[];
}

/** The overrides with `path` set to `value`: an earlier setting of the path is replaced in place. */
export function withOverride(overrides: readonly Override[], path: string, value: string): Override[] {
  const at = overrides.findIndex((o) => o.path === path);
  if (at < 0) return [...overrides, { path, value }];
  return overrides.map((o, i) => (i === at ? { path, value } : o));
}

/** The overrides without `path` and without anything under it (app.pool drops app.pool.size). */
export function withoutOverride(overrides: readonly Override[], path: string): Override[] {
  return overrides.filter((o) => o.path !== path && !o.path.startsWith(`${path}.`));
}

/** `path=value`, as --set takes it. */
export function setExpression(o: Override): string {
  return `${o.path}=${o.value}`;
}

/** The file's JSON with the overrides applied, not yet validated. */
export function appliedJson(w: WhatIf): unknown {
  const copy = structuredClone(w.raw);
  for (const o of w.overrides) applyOverride(copy, setExpression(o));
  return copy;
}

/** The scenario to simulate; a UserError names the what-if as sim run would name the file. */
export function whatIfScenario(w: WhatIf): Scenario {
  const source = w.overrides.length > 0 ? `${w.name}.json (with --set)` : `${w.name}.json`;
  return validateScenario(appliedJson(w), source);
}

/** The name a run reports, as sim run picks it: the scenario's "name", else the file's. */
export function runName(w: WhatIf, scenario: Scenario): string {
  return scenario.name ?? w.name;
}

/**
 * The what-if as a scenario file `sim run` accepts and simulates to the same numbers: the
 * original with the overrides written in, and its description saying what was changed (the
 * description is text only, so the numbers cannot differ).
 */
export function scenarioFileText(w: WhatIf): string {
  const json = appliedJson(w) as Record<string, unknown>;
  if (w.overrides.length > 0) {
    const changes = w.overrides.map((o) => `--set ${setExpression(o)}`).join(' ');
    const before = typeof json.description === 'string' ? json.description : '';
    json.description = `${before}${before === '' ? '' : ' '}What-if from the sim serve page, on ${w.name}.json: ${changes}.`;
  }
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** The file name a download gets: the scenario's, marked as a what-if when it has overrides. */
export function scenarioFileName(w: WhatIf): string {
  return w.overrides.length > 0 ? `${w.name}-what-if.json` : `${w.name}.json`;
}

/** The command that prints the same report: sim run with the same --set, quoted for a POSIX shell. */
export function runCommand(w: WhatIf, file = `scenarios/${w.name}.json`): string {
  return ['npx sim run', shellWord(file), ...w.overrides.map((o) => `--set ${shellWord(setExpression(o))}`)].join(' ');
}

function shellWord(word: string): string {
  return /^[\w.,:=/+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
