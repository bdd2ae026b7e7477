// sim sweep <scenario> --vary ...: runs the grid and prints a table, JSON or CSV.
import type { Argv } from 'yargs';
import { parseShard } from '../analysis/grid.js';
import { runSweep } from '../analysis/sweep.js';
import type { Io } from './main.js';
import { loadSweep } from './loadSweep.js';
import { checkOutputArgs, emitSweep } from './sweepOutputs.js';
import { checkJobs, gridOptions, progressFor } from './sweepOptions.js';

export function sweepCommand<T>(y: Argv<T>, io: Io) {
  return y.command(
    'sweep <scenario>',
    'Run a scenario over a grid of values (what-if curves)',
    (c) =>
      gridOptions(c)
        .option('shard', { type: 'string', describe: 'Run only slice i of n of the grid (i/n); join the slices with sim merge' })
        .option('json', { type: 'string', describe: 'JSON output: on stdout, or into FILE' })
        .option('csv', { type: 'string', describe: 'CSV output: on stdout, or into FILE' })
        .example('$0 sweep scenarios/gevent-100.json --vary client.concurrency,client.requests=10..150:5', "the article's curve")
        .example('$0 sweep s.json --vary server.workers=1,2,4 --vary client.concurrency=10..200:10 --replications 5', 'a grid, with 95 % CIs'),
    async (args) => {
      checkOutputArgs(args);
      const def = loadSweep(args, 'sweep');
      const shard = args.shard === undefined ? undefined : parseShard(args.shard);
      const progress = progressFor(io, 'sweep');
      const out = await runSweep(def, { jobs: checkJobs(args.jobs), shard, onProgress: progress.onProgress }).finally(progress.end);
      emitSweep(out, args, io);
    },
  );
}
