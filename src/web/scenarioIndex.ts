// The list of scenarios the page offers, as both the static site and `sim serve` publish
// it at scenarios/index.json: each scenario's name, where the page fetches it, the path
// `sim run` would be given, and its description.

/** Where the page finds the list, relative to the page. */
export const SCENARIO_INDEX = 'scenarios/index.json';

/** The scenario the page opens when neither the link nor the server names one: the article's -c 100 run. */
export const DEFAULT_SCENARIO = 'gevent-100';

export interface ScenarioEntry {
  /** The file name without .json; the link's ?scenario= value. */
  name: string;
  /** Where the page fetches the file, relative to the page. */
  url: string;
  /** The path to give `sim run`, for the command the page shows. */
  file: string;
  description: string;
}

export interface ScenarioIndex {
  /** The scenario opened when the link names none. */
  default: string;
  scenarios: ScenarioEntry[];
}

/** Files of a scenarios folder that are scenarios (the folder also holds their JSON Schema). */
export function isScenarioFileName(fileName: string): boolean {
  return fileName.endsWith('.json') && fileName !== 'schema.json' && fileName !== 'index.json';
}

export function scenarioName(fileName: string): string {
  return fileName.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
}

export function scenarioEntry(fileName: string, url: string, file: string, json: unknown): ScenarioEntry {
  const description = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).description : undefined;
  return { name: scenarioName(fileName), url, file, description: typeof description === 'string' ? description : '' };
}
