// Runs a list of simulations, in the calling thread (jobs = 1) or on a piscina pool of
// worker threads, and returns their figures in the order of the list, whatever order
// they finish in: the output of a sweep cannot depend on the number of threads.
// (piscina stays outside the CLI's bundle: it loads its own worker script from its
// package.)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { UserError } from '../scenario/errors.js';
import { runFigures, type RunFigures, type RunTask } from './runFigures.js';

export interface RunnerOptions {
  /** Threads to use; 1 runs everything in the calling thread. */
  jobs: number;
  /** Called after each run with the count done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Worker threads load compiled JavaScript: <package>/dist/analysis/pointWorker.js. Where
 * this module runs from decides the relative path: the bundled CLI (dist/sim.mjs), the
 * compiled module (dist/analysis/runner.js), or the source under vitest
 * (src/analysis/runner.ts).
 */
const WORKER_CANDIDATES = ['./analysis/pointWorker.js', './pointWorker.js', '../../dist/analysis/pointWorker.js'].map(
  (relative) => new URL(relative, import.meta.url),
);

export async function runAll(tasks: readonly RunTask[], options: RunnerOptions): Promise<RunFigures[]> {
  const { jobs, onProgress } = options;
  const results: RunFigures[] = new Array(tasks.length);
  let done = 0;
  const finished = () => onProgress?.(++done, tasks.length);
  if (jobs <= 1 || tasks.length <= 1) {
    tasks.forEach((task, i) => {
      results[i] = runFigures(task);
      finished();
    });
    return results;
  }
  const pool = new Piscina<RunTask, RunFigures>({
    filename: workerFile(),
    minThreads: Math.min(jobs, tasks.length),
    maxThreads: Math.min(jobs, tasks.length),
    // Every task is queued at once; the pool hands them out as threads free up.
    maxQueue: Infinity,
  });
  try {
    await Promise.all(
      tasks.map(async (task, i) => {
        results[i] = await pool.run(task);
        finished();
      }),
    );
  } finally {
    await pool.destroy();
  }
  return results;
}

/** The worker file's URL, or a clear error when the package was not built. */
export function workerFile(candidates: readonly URL[] = WORKER_CANDIDATES): string {
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (found === undefined) {
    const expected = fileURLToPath(candidates.at(-1)!);
    throw new UserError(`--jobs: the worker threads need the compiled simulator, and ${expected} is missing; run "npm run build" (or use --jobs 1)`);
  }
  return found.href;
}
