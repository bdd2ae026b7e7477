// sim sweep <scenario> --vary ...: runs the grid and prints a table, JSON or CSV.
import { runSweep } from '../analysis/sweep/sweep.js';
import { basename } from 'node:path';
import { chartSweep, checkChartAxis } from '../analysis/sweep/chartPoints.js';
import { sweepText } from '../analysis/sweep/sweepText.js';
import { sweepCharts } from '../charts/sweep/sweepCharts.js';
import { defineCommand, example } from './command.js';
import { jsonOption } from './jsonOutput.js';
import * as msg from '../messages.js';
import { Interrupted, UserError } from '../scenario/errors.js';
import { DEFAULT_PLOT_DIR, plotDirFor, preparePlotDir } from './plotDir.js';
import { numberFlag, numberOption, singleValue } from './flags.js';
import { seconds } from './planCommand.js';
import { loadSweep } from './loadSweep.js';
import { checkOutputArgs, emitSweep } from './sweepOutputs.js';
import { checkJobs, gridOptions, progressFor } from './sweepOptions.js';
import { clusterOptions, emitJob, shardToRun } from '../cluster/clusterOptions.js';

export const sweepCommand = defineCommand({
  command: 'sweep <scenario>',
  describe: 'Run a scenario over a grid of values (what-if curves)',
  builder: (c) =>
    clusterOptions(gridOptions(c))
      .option('shard', {
        type: 'string',
        describe:
          "Run only slice i of n of the grid (i/n, 1-based), or auto: from a job array's variables (Slurm, Kubernetes, AWS Batch); join the slices with sim merge",
      })
      .option('json', jsonOption)
      .option('csv', { type: 'string', describe: 'CSV output: on stdout, or into FILE' })
      .option('plot', { type: 'string', describe: `Write the sweep charts and an HTML report to DIR (default ${DEFAULT_PLOT_DIR}-sweep/)` })
      .option('target-rps', numberOption('Draw this many 2xx/s as a target line on the Requests/sec chart'))
      .option('p99', { type: 'string', describe: 'Draw this p99 (seconds, or "300ms") as a target line on the latency chart' })
      .option('log-y', { type: 'boolean', default: false, describe: 'Logarithmic y axes on the charts' })
      .example(example('$0 sweep scenarios/gevent-100.json --vary client.concurrency,client.requests=10..150:5', "the article's curve"))
      .example(
        example(
          '$0 sweep s.json --vary server.workers=1,2,4 --vary client.concurrency=10..200:10 --replications 5',
          'a grid, with 95 % CIs',
        ),
      ),
  handler: async (args, io) => {
    if (args.emit !== undefined) return emitJob(loadSweep(args, 'sweep'), args, io);
    const outputs = checkOutputArgs(args, [args.scenario as string]);
    const def = loadSweep(args, 'sweep');
    const target = chartTargets(args);
    // `--plot` alone means ./sim-plots/<scenario>/; checked before the sweep runs.
    const plotDir = plotDirFor(args.plot, def.name, '-sweep');
    checkChartFlags(args, plotDir);
    if (plotDir !== undefined) {
      checkChartAxis(def.axes);
      preparePlotDir(plotDir);
    }
    const shard = shardToRun(args, process.env);
    const progress = progressFor(io, 'sweep');
    // Ctrl-C stops the runs not yet finished; the points finished so far are kept.
    const interrupt = new AbortController();
    const unsubscribe = io.onInterrupt?.(() => interrupt.abort()) ?? (() => {});
    const out = await runSweep(def, {
      jobs: checkJobs(args.jobs),
      shard,
      onProgress: progress.onProgress,
      signal: interrupt.signal,
    }).finally(() => {
      progress.end();
      unsubscribe();
    });
    emitSweep(out, outputs, io);
    if (out.missing !== undefined) {
      const files = [outputs.json, outputs.csv].filter((f) => f !== undefined && f !== '');
      const where = files.length > 0 ? `in ${files.join(' and ')}` : 'above';
      throw new Interrupted(msg.sweepInterrupted(out.points.length, out.missing.length, out.points.length + out.missing.length, where));
    }
    if (plotDir !== undefined) {
      // Loaded here: the renderers take long to load.
      const { writePlots } = await import('./writePlots.js');
      const chart = chartSweep(out, { target, logY: Boolean(args['log-y']) });
      const files = await writePlots(plotDir, sweepCharts(chart), { title: chart.description ?? out.sweep.scenario, text: sweepText(out) });
      io.err(`Wrote ${files.length} files to ${plotDir}: ${files.map((f) => basename(f)).join(', ')}\n`);
    }
  },
});

/**
 * The flags that shape the charts go with --plot: without it, `--target-rps 500` or
 * `--log-y` was taken and changed nothing, which reads as if a target had been checked.
 */
export function checkChartFlags(args: { 'target-rps'?: unknown; p99?: unknown; 'log-y'?: unknown }, plotDir: string | undefined): void {
  if (plotDir !== undefined) return;
  for (const flag of ['target-rps', 'p99', 'log-y'] as const) {
    if (args[flag] !== undefined && args[flag] !== false)
      throw new UserError(
        `--${flag}: shapes the charts, and there are none without --plot DIR: add --plot${flag === 'log-y' ? '' : ' (sim plan checks targets)'}`,
      );
  }
}

/** --target-rps and --p99 as lines on the charts. */
export function chartTargets(args: { 'target-rps'?: unknown; p99?: unknown }): { requestsPerSec?: number; p99?: number } | undefined {
  const requestsPerSec = numberFlag('--target-rps', args['target-rps'], { whole: false, min: 0, above: true }, '500');
  const p99 = args.p99 === undefined ? undefined : seconds(singleValue('--p99', args.p99, '300ms')!);
  return requestsPerSec === undefined && p99 === undefined ? undefined : { requestsPerSec, p99 };
}
