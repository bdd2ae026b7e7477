// The worker-thread side of a sweep: piscina loads this file in each thread (the build's
// CommonJS bundle of it, dist/analysis/pointWorker.cjs: see scripts/bundle.mjs) and calls
// the default export once per run.
import { runFigures, type RunFigures, type RunTask } from './runFigures.js';

export default function run(task: RunTask): RunFigures {
  return runFigures(task);
}
