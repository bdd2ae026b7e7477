// The worker-thread side of a sweep: piscina loads this file (compiled, from dist/) in
// each thread and calls the default export once per run.
import { runFigures, type RunFigures, type RunTask } from './runFigures.js';

export default function run(task: RunTask): RunFigures {
  return runFigures(task);
}
