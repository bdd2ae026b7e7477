// Where a sweep's output goes: --json and --csv print to stdout when given alone, or write
// FILE (atomically: a reader never sees half a file) and leave stdout to the table.
import { sweepCsv } from '../analysis/sweep/sweepCsv.js';
import { sweepJson } from '../analysis/sweep/sweepJson.js';
import { sweepText, sweepWarnings } from '../analysis/sweep/sweepText.js';
import type { SweepOutput } from '../analysis/sweep/sweep.js';
import { UserError } from '../scenario/errors.js';
import type { Io } from './main.js';
import { atomicWrite, batched, checkDistinct, checkWritable } from './atomicWrite.js';
import { printable } from './printable.js';
import { optionalValue } from './flags.js';

export interface OutputArgs {
  /** undefined: not asked; '': to stdout; else a file. */
  json?: string;
  csv?: string;
}

/**
 * --json and --csv as given (each undefined, '' or a file), checked before any work;
 * `inputs`: the files the command reads, which no output may replace.
 */
export function checkOutputArgs(given: { json?: unknown; csv?: unknown }, inputs: readonly string[]): OutputArgs {
  const args: OutputArgs = {
    json: optionalValue('--json', given.json, 'sweep.json'),
    csv: optionalValue('--csv', given.csv, 'sweep.csv'),
  };
  if (args.json === '' && args.csv === '') {
    throw new UserError('--json and --csv cannot both print to stdout; give one of them a file: --csv sweep.csv');
  }
  // Before the sweep: a long one must not end in a path that cannot be written.
  if (args.json) checkWritable(args.json, '--json', inputs);
  if (args.csv) checkWritable(args.csv, '--csv', inputs);
  checkDistinct([
    ['--json', args.json],
    ['--csv', args.csv],
  ]);
  return args;
}

export function emitSweep(out: SweepOutput, args: OutputArgs, io: Io): void {
  // In pieces: the JSON or CSV of a large sweep can be longer than one string may be.
  if (args.json) atomicWrite(args.json, sweepJson(out), '--json');
  if (args.csv) atomicWrite(args.csv, sweepCsv(out), '--csv');
  if (args.json === '') for (const piece of batched(sweepJson(out))) io.out(piece);
  else if (args.csv === '') for (const piece of batched(sweepCsv(out))) io.out(piece);
  else {
    // The scenario's name and the --vary values are the user's: no escape code reaches the terminal (as sim run's report).
    io.out(printable(sweepText(out), Number.POSITIVE_INFINITY));
    return;
  }
  // The table carries its warnings; JSON and CSV on stdout leave them to stderr.
  for (const w of sweepWarnings(out)) io.err(`sim: warning: ${w}\n`);
}
