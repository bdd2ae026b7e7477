// Reads saved hey outputs from disk (the parsing itself is in src/analysis).
import { parseHeyRun, type HeyRun } from '../analysis/calibration/heyRun.js';
import { readText } from './loadScenarioFile.js';

export function readHeyRuns(paths: readonly string[]): HeyRun[] {
  return paths.map((path) => parseHeyRun(readText(path, "hey's output", "a file holding hey's output"), path));
}
