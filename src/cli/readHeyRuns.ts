// Reads saved load-tester outputs from disk (the parsing itself is in src/analysis):
// hey's, or any format readMeasuredRun recognises.
import type { MeasuredRun } from '../analysis/calibration/measuredRun.js';
import { readMeasuredRun } from '../analysis/calibration/readMeasuredRun.js';
import { readText } from './loadScenarioFile.js';

export function readHeyRuns(paths: readonly string[]): MeasuredRun[] {
  return paths.map((path) => readMeasuredRun(readText(path, "the load tester's output", "a file holding a load tester's output"), path));
}
