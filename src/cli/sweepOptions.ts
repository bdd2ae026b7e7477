// The options sim sweep and sim plan share: what to vary, how often, on how many threads.
import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import { numberFlag, numberOption } from './flags.js';
import { HEY_FLAGS_HELP } from './heyFlags.js';
import type { Io } from './main.js';
import { progressBar } from './progressBar.js';

export function gridOptions<T>(y: Argv<T>) {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
    .option('vary', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'A field and its values: path=from..to:step or path=a,b,c; several paths joined by commas move together (repeatable: a grid)',
    })
    .option('replications', numberOption('Runs per point (seeds derived from the base seed): mean and 95 % CI'))
    .option('jobs', numberOption(`Worker threads (default: the cores, ${availableParallelism()} here)`))
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a field of the base scenario (repeatable)' })
    .option('seed', numberOption('Override the base seed'))
    .epilogue(HEY_FLAGS_HELP);
}

/**
 * Worker threads: at most 4 per core. Each holds its own copy of the simulator, and more
 * threads than cores run no faster: --jobs 100000 on a sweep of 1000 points started 1000
 * threads, gigabytes for nothing.
 */
export function checkJobs(jobs: unknown): number {
  const cores = availableParallelism();
  const why = `4 x the ${cores} core${cores === 1 ? '' : 's'} here: each thread holds its own copy of the simulator in memory, and more threads than cores run no faster`;
  return numberFlag('--jobs', jobs, { whole: true, min: 1, max: 4 * cores, why }, '4') ?? cores;
}

/** A progress callback drawing on stderr when it is a terminal, else nothing. */
export function progressFor(io: Io, label: string) {
  if (!io.errIsTTY) return { onProgress: undefined, end: () => {} };
  const bar = progressBar(io.err, label);
  return { onProgress: bar.update, end: bar.end };
}
