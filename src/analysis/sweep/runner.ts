// Runs a list of simulations, in the calling thread (jobs = 1) or on a piscina pool of
// worker threads, and returns their figures in the order of the list, whatever order
// they finish in: the output of a sweep cannot depend on the number of threads. An
// abort (Ctrl-C) stops it between runs: the runs finished so far are kept, the others
// are left undefined.
// (piscina stays outside the CLI's bundle: it loads its own worker script from its
// package. It is imported only when threads are used: loading it would slow every
// `sim run`'s start-up.)
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lazyImport } from '../../lazyImport.js';
import { UserError } from '../../scenario/errors.js';
import { runFigures, type RunFigures, type RunTask } from './runFigures.js';

export interface RunnerOptions {
  /** Threads to use; 1 runs everything in the calling thread. */
  jobs: number;
  /** Called after each run with the count done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the runs not yet finished (a run in progress on a thread is cut short). */
  signal?: AbortSignal;
}

/**
 * Worker threads load the build's CommonJS bundle of the worker side:
 * <package>/dist/analysis/sweep/pointWorker.cjs. Not the compiled ES module beside it: a thread
 * terminated while Node instantiates a required ES module aborts the whole process
 * (scripts/bundle.mjs says why; issue 17, item 25). Where this module runs from decides
 * the relative path: the bundled CLI (dist/sim.cjs), the compiled module
 * (dist/analysis/sweep/runner.js), or the source under vitest (src/analysis/sweep/runner.ts).
 */
const WORKER_CANDIDATES = ['./analysis/sweep/pointWorker.cjs', './pointWorker.cjs', '../../../dist/analysis/sweep/pointWorker.cjs'].map(
  (relative) => new URL(relative, import.meta.url),
);

export async function runAll(tasks: readonly RunTask[], options: RunnerOptions): Promise<(RunFigures | undefined)[]> {
  const { jobs, onProgress, signal } = options;
  const results: (RunFigures | undefined)[] = new Array(tasks.length).fill(undefined);
  let done = 0;
  const finished = () => onProgress?.(++done, tasks.length);
  if (jobs <= 1 || tasks.length <= 1) {
    for (let i = 0; i < tasks.length && signal?.aborted !== true; i++) {
      results[i] = runFigures(tasks[i]);
      finished();
      // Between runs, let a pending Ctrl-C reach its handler (the runs block the loop).
      if (signal !== undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    return results;
  }
  // Every queued task listens to the signal: no warning for hundreds of them.
  if (signal !== undefined) setMaxListeners(0, signal);
  const { Piscina } = await lazyImport<typeof import('piscina')>('piscina');
  const pool = new Piscina<RunTask, RunFigures>({
    filename: workerFile(),
    minThreads: Math.min(jobs, tasks.length),
    maxThreads: Math.min(jobs, tasks.length),
    // Every task is queued at once; the pool hands them out as threads free up.
    maxQueue: Infinity,
  });
  // piscina emits on the pool what it cannot pin on a task, and an unheard 'error' would
  // end the process. After Ctrl-C that is expected: a thread may send the result of a task
  // the pool has just dropped ("Unexpected message from Worker"). Anything else fails the run.
  let poolError: unknown;
  pool.on('error', (e: unknown) => {
    if (signal?.aborted !== true) poolError ??= e;
  });
  try {
    await Promise.all(
      tasks.map(async (task, i) => {
        try {
          results[i] = await pool.run(task, { signal });
          finished();
        } catch (e) {
          // An aborted task is simply not finished; anything else is a failure.
          if (signal?.aborted !== true) throw e;
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
  if (poolError !== undefined) throw poolError;
  return results;
}

/** The worker file's URL, or a clear error when the package was not built. */
export function workerFile(candidates: readonly URL[] = WORKER_CANDIDATES): string {
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (found === undefined) {
    const expected = fileURLToPath(candidates.at(-1)!);
    throw new UserError(
      `--jobs: the worker threads need the compiled simulator, and ${expected} is missing; run "npm run build" (or use --jobs 1)`,
    );
  }
  return found.href;
}
