// sim merge <shard.json>...: joins the JSON outputs of sim sweep --shard into the output of
// the whole sweep (the same bytes as running it unsharded).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ExpectedSweep, mergeShards } from '../analysis/sweep/merge.js';
import { MAX_GRID_POINTS } from '../analysis/sweep/grid.js';
import { SWEEP_ID_LENGTH } from '../analysis/sweep/sweep.js';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';
import type { SweepOutput } from '../analysis/sweep/sweep.js';
import { readShard } from './readShard.js';
import { defineCommand, example } from './command.js';
import { jsonOption } from './jsonOutput.js';
import { numberFlag, singleValue } from './flags.js';
import { checkOutputArgs, emitSweep } from './sweepOutputs.js';

export const mergeCommand = defineCommand({
  command: 'merge <files..>',
  describe: 'Join the JSON outputs of sim sweep --shard i/n into one sweep',
  builder: (c) =>
    c
      .positional('files', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Shard outputs (JSON), or a folder: its shard-<i>.json files (as the jobs of sim sweep --emit name them)',
      })
      .option('json', jsonOption)
      .option('csv', { type: 'string', describe: 'CSV output: on stdout, or into FILE' })
      .option('sweep-id', {
        type: 'string',
        describe: 'Refuse a shard of any other sweep: ID as the jobs of sim sweep --emit give it (a hash of the sweep every shard names)',
      })
      .option('shards', {
        type: 'string',
        describe: 'Refuse a shard cut into another count; a folder must hold shard-0.json to shard-<N-1>.json, each its shard',
      })
      .example(example('$0 merge shard-1.json shard-2.json --json sweep.json', 'join two shards'))
      .example(example('$0 merge results/study.shards --json study.json', 'join the shard-<i>.json files of a folder')),
  handler: (args, io) => {
    const expected = expectedSweep(args);
    const sources = args.files.flatMap((path) => shardFiles(path, expected.shards));
    const outputs = checkOutputArgs(
      args,
      sources.map((s) => s.source),
    );
    // A shard over the input-size limit is read point by point (readShard.ts).
    const files = sources.map((s) => ({ ...s, output: readShard(s.source) as SweepOutput }));
    emitSweep(mergeShards(files, expected), outputs, io);
  },
});

function expectedSweep(args: { 'sweep-id'?: unknown; shards?: unknown }): ExpectedSweep {
  const shards = numberFlag('--shards', args.shards, { whole: true, min: 1, max: MAX_GRID_POINTS, why: "a grid's most points" }, '4');
  const id = singleValue('--sweep-id', args['sweep-id'], '3f2a9c1b7d4e6a5b');
  if (id !== undefined && !new RegExp(`^[0-9a-f]{${SWEEP_ID_LENGTH}}$`).test(id))
    throw new UserError(
      `--sweep-id ${id}: ${msg.wrongType(`the ${SWEEP_ID_LENGTH} hex digits the jobs of sim sweep --emit name a sweep by`, JSON.stringify(id))}`,
    );
  return { sweepId: id, shards };
}

/**
 * A folder stands for the shard-<i>.json files in it, in the order of i, as the jobs of sim
 * sweep --emit write them: their merge named every file on its command line, which a job
 * of thousands of shards cannot hold (a Kubernetes merge of 1,700 shards was a command of
 * 134 kB, past the 128 kB one argument may be: the container could not start). Told the
 * count, the folder must hold each of shard-0.json to shard-<N-1>.json and no other: a
 * file beyond them is an earlier sweep's.
 */
function shardFiles(path: string, shards: number | undefined): { source: string; named?: number }[] {
  let names: string[];
  try {
    if (!statSync(path).isDirectory()) return [{ source: path }];
    names = readdirSync(path);
  } catch {
    // Not a folder that can be listed: readShard says what is wrong with it.
    return [{ source: path }];
  }
  // Told the count, only the names the jobs write (shard-7.json, not shard-07.json): so one
  // file stands for each shard.
  const pattern = shards === undefined ? /^shard-(\d+)\.json$/ : /^shard-(0|[1-9]\d*)\.json$/;
  const index = (name: string) => pattern.exec(name)?.[1];
  const found = names
    .filter((n) => index(n) !== undefined)
    .map((name) => ({ name, i: Number(index(name)) }))
    .sort((a, b) => a.i - b.i);
  if (found.length === 0) throw new UserError(`${path}: ${msg.noShardFiles}`);
  if (shards !== undefined) {
    const beyond = found.find((f) => f.i >= shards);
    if (beyond !== undefined) throw new UserError(`${join(path, beyond.name)}: ${msg.shardFileBeyond(shards)}`);
    const present = new Set(found.map((f) => f.i));
    for (let i = 0; i < shards; i++)
      if (!present.has(i)) throw new UserError(`${path}: ${msg.shardFileMissing(`shard-${i}.json`, shards)}`);
  }
  return found.map((f) => ({ source: join(path, f.name), named: f.i }));
}
