// sim sweep <scenario> --vary ...: runs the grid and prints a table, JSON or CSV.
import type { Argv } from 'yargs';
import { runSweep } from '../analysis/sweep.js';
import { basename } from 'node:path';
import { chartSweep } from '../analysis/chartPoints.js';
import { sweepText } from '../analysis/sweepText.js';
import { sweepCharts } from '../charts/sweepCharts.js';
import type { Io } from './main.js';
import * as msg from '../messages.js';
import { Interrupted } from '../scenario/errors.js';
import { DEFAULT_PLOT_DIR, preparePlotDir } from './plotDir.js';
import { loadSweep } from './loadSweep.js';
import { checkOutputArgs, emitSweep } from './sweepOutputs.js';
import { checkJobs, gridOptions, progressFor } from './sweepOptions.js';
import { clusterOptions, emitJob, shardToRun } from '../cluster/clusterOptions.js';

export function sweepCommand<T>(y: Argv<T>, io: Io) {
  return y.command(
    'sweep <scenario>',
    'Run a scenario over a grid of values (what-if curves)',
    (c) =>
      clusterOptions(gridOptions(c))
        .option('shard', { type: 'string', describe: 'Run only slice i of n of the grid (i/n, 1-based), or auto: from a job array\'s variables (Slurm, Kubernetes, AWS Batch); join the slices with sim merge' })
        .option('json', { type: 'string', describe: 'JSON output: on stdout, or into FILE' })
        .option('csv', { type: 'string', describe: 'CSV output: on stdout, or into FILE' })
        .option('plot', { type: 'string', describe: `Write the sweep charts and an HTML report to DIR (default ${DEFAULT_PLOT_DIR}/)` })
        .example('$0 sweep scenarios/gevent-100.json --vary client.concurrency,client.requests=10..150:5', "the article's curve")
        .example('$0 sweep s.json --vary server.workers=1,2,4 --vary client.concurrency=10..200:10 --replications 5', 'a grid, with 95 % CIs'),
    async (args) => {
      if (args.emit !== undefined) return emitJob(loadSweep(args, 'sweep'), args, io);
      checkOutputArgs(args);
      // `--plot` alone means the default folder; checked before the sweep runs.
      const plotDir = args.plot === undefined ? undefined : args.plot === '' ? DEFAULT_PLOT_DIR : args.plot;
      if (plotDir !== undefined) preparePlotDir(plotDir);
      const def = loadSweep(args, 'sweep');
      const shard = shardToRun(args, process.env);
      const progress = progressFor(io, 'sweep');
      // Ctrl-C stops the runs not yet finished; the points finished so far are kept.
      const interrupt = new AbortController();
      const unsubscribe = io.onInterrupt?.(() => interrupt.abort()) ?? (() => {});
      const out = await runSweep(def, { jobs: checkJobs(args.jobs), shard, onProgress: progress.onProgress, signal: interrupt.signal }).finally(() => {
        progress.end();
        unsubscribe();
      });
      emitSweep(out, args, io);
      if (out.missing !== undefined) {
        const files = [args.json, args.csv].filter((f) => f !== undefined && f !== '');
        const where = files.length > 0 ? `in ${files.join(' and ')}` : 'above';
        throw new Interrupted(msg.sweepInterrupted(out.points.length, out.missing.length, out.points.length + out.missing.length, where));
      }
      if (plotDir !== undefined) {
        // Loaded here: the renderers take long to load.
        const { writePlots } = await import('./writePlots.js');
        const charts = sweepCharts(chartSweep(out));
        const files = await writePlots(plotDir, charts, { title: chartSweep(out).description ?? out.sweep.scenario, text: sweepText(out) });
        io.err(`Wrote ${files.length} files to ${plotDir}: ${files.map((f) => basename(f)).join(', ')}\n`);
      }
    },
  );
}
