// sim merge <shard.json>...: joins the JSON outputs of sim sweep --shard into the output of
// the whole sweep (the same bytes as running it unsharded).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mergeShards } from '../analysis/sweep/merge.js';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';
import type { SweepOutput } from '../analysis/sweep/sweep.js';
import { readShard } from './readShard.js';
import { defineCommand } from './command.js';
import { jsonOption } from './jsonOutput.js';
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
      .example('$0 merge shard-1.json shard-2.json --json sweep.json', 'join two shards')
      .example('$0 merge results/study.shards --json study.json', 'join the shard-<i>.json files of a folder'),
  handler: (args, io) => {
    const sources = args.files.flatMap(shardFiles);
    const outputs = checkOutputArgs(args, sources);
    // A shard over the input-size limit is read point by point (readShard.ts).
    const files = sources.map((source) => ({ source, output: readShard(source) as SweepOutput }));
    emitSweep(mergeShards(files), outputs, io);
  },
});

/**
 * A folder stands for the shard-<i>.json files in it, in the order of i, as the jobs of sim
 * sweep --emit write them: their merge named every file on its command line, which a job
 * of thousands of shards cannot hold (a Kubernetes merge of 1,700 shards was a command of
 * 134 kB, past the 128 kB one argument may be: the container could not start).
 */
function shardFiles(path: string): string[] {
  let names: string[];
  try {
    if (!statSync(path).isDirectory()) return [path];
    names = readdirSync(path);
  } catch {
    // Not a folder that can be listed: readShard says what is wrong with it.
    return [path];
  }
  const index = (name: string) => /^shard-(\d+)\.json$/.exec(name)?.[1];
  const shards = names.filter((n) => index(n) !== undefined).sort((a, b) => Number(index(a)) - Number(index(b)));
  if (shards.length === 0) throw new UserError(`${path}: ${msg.noShardFiles}`);
  return shards.map((name) => join(path, name));
}
