// sim merge <shard.json>...: joins the JSON outputs of sim sweep --shard into the output of
// the whole sweep (the same bytes as running it unsharded).
import { mergeShards } from '../analysis/sweep/merge.js';
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
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Shard outputs (JSON)' })
      .option('json', jsonOption)
      .option('csv', { type: 'string', describe: 'CSV output: on stdout, or into FILE' })
      .example('$0 merge shard-1.json shard-2.json --json sweep.json', 'join two shards'),
  handler: (args, io) => {
    const outputs = checkOutputArgs(args, args.files);
    // A shard over the input-size limit is read point by point (readShard.ts).
    const files = args.files.map((source) => ({ source, output: readShard(source) as SweepOutput }));
    emitSweep(mergeShards(files), outputs, io);
  },
});
