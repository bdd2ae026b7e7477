// Where the page gets scenarios: the list the server (or the static site) publishes, a
// listed file, or a file the user opened or dropped. Each becomes the file's JSON and
// its name; a file that is not JSON is refused with sim's own message.
import { parseJson } from '../../scenario/load.js';
import { SCENARIO_INDEX, scenarioName, type ScenarioEntry, type ScenarioIndex } from '../scenarioIndex.js';

export interface LoadedScenario {
  name: string;
  raw: unknown;
  /** The path for the command line: the listed file's, or the opened file's name. */
  file: string;
  /** The opened file's text, kept so a shared link can carry it; absent for a listed one. */
  text?: string;
}

export async function fetchIndex(): Promise<ScenarioIndex> {
  const response = await fetch(SCENARIO_INDEX);
  if (!response.ok) throw new Error(`${SCENARIO_INDEX}: ${response.status} ${response.statusText}`);
  return (await response.json()) as ScenarioIndex;
}

export async function fetchScenario(entry: ScenarioEntry): Promise<LoadedScenario> {
  const response = await fetch(entry.url);
  if (!response.ok) throw new Error(`${entry.url}: ${response.status} ${response.statusText}`);
  return { name: entry.name, file: entry.file, raw: parseJson(await response.text(), entry.file) };
}

/** A scenario from text the user brought: an opened or dropped file, or a link that carries one. */
export function scenarioFromText(fileName: string, text: string): LoadedScenario {
  return { name: scenarioName(fileName), file: fileName, raw: parseJson(text, fileName), text };
}
