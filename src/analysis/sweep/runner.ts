// Runs simulations, in the calling thread (jobs = 1) or on a piscina pool of worker
// threads, and hands each one's figures back by its place in the list, whatever order
// they finish in: the output of a sweep cannot depend on the number of threads. An
// abort (Ctrl-C) stops it between runs: the runs finished so far have been handed back,
// the others never are.
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

/**
 * Runs `count` simulations, in the calling thread (jobs = 1) or on a pool of worker threads,
 * and hands each one's figures to `onResult` as it finishes, in any order: the caller
 * orders them. Run i is made by `taskAt(i)`, in order, only as a thread is about to need it
 * (each thread has one waiting), so that neither the tasks nor their scenarios pile up: a
 * sweep of a million points once queued them all before its first run. A task that cannot
 * be made (taskAt throws), a run that fails, or the pool's own error stops the runs and is
 * thrown.
 */
export async function runEach(
  count: number,
  taskAt: (i: number) => RunTask,
  onResult: (i: number, figures: RunFigures) => void,
  options: RunnerOptions,
): Promise<void> {
  const { jobs, onProgress, signal } = options;
  let done = 0;
  const finished = () => onProgress?.(++done, count);
  if (jobs <= 1 || count <= 1) {
    for (let i = 0; i < count && signal?.aborted !== true; i++) {
      onResult(i, runFigures(taskAt(i)));
      finished();
      // Between runs, let a pending Ctrl-C reach its handler (the runs block the loop).
      if (signal !== undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    return;
  }
  // Every task in flight listens to the signal.
  if (signal !== undefined) setMaxListeners(0, signal);
  const { Piscina } = await lazyImport<typeof import('piscina')>('piscina');
  const threads = Math.min(jobs, count);
  const pool = new Piscina<RunTask, RunFigures>({ filename: workerFile(), minThreads: threads, maxThreads: threads });
  let failure: { error: unknown } | undefined;
  let running = 0;
  let wake = () => {};
  // piscina emits on the pool what it cannot pin on a task, and an unheard 'error' would
  // end the process. After Ctrl-C that is expected: a thread may send the result of a task
  // the pool has just dropped ("Unexpected message from Worker"). Anything else fails the run.
  const fail = (error: unknown) => {
    if (signal?.aborted !== true) failure ??= { error };
    wake();
  };
  pool.on('error', fail);
  const start = (i: number, task: RunTask) => {
    running++;
    pool.run(task, { signal }).then(
      (figures) => {
        running--;
        if (failure !== undefined) return wake();
        try {
          onResult(i, figures);
          finished();
        } catch (e) {
          failure ??= { error: e };
        }
        wake();
      },
      // An aborted task is simply not finished; anything else is a failure.
      (e: unknown) => {
        running--;
        fail(e);
      },
    );
  };
  try {
    let next = 0;
    for (;;) {
      while (failure === undefined && signal?.aborted !== true && next < count && running < 2 * threads) {
        try {
          start(next, taskAt(next));
          next++;
        } catch (e) {
          failure = { error: e };
        }
      }
      if (failure !== undefined || running === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    // Ends the runs still in flight after a failure: their answers are not wanted.
    await pool.destroy();
  }
  if (failure !== undefined) throw failure.error;
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
