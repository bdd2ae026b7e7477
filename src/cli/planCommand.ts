// sim plan <scenario> --target-rps X --p99 Y --vary ...: the cheapest configuration of the
// grid that meets the targets.
import { COST_KEYS, MAX_PLAN_RUNS, PLAN_RUNS_WHY, plan, type CostKey, type PlanTargets } from '../analysis/plan/plan.js';
import * as msg from '../messages.js';
import { planText } from '../analysis/plan/planText.js';
import { runSweep } from '../analysis/sweep/sweep.js';
import type { Scenario } from '../scenario/schema.js';
import { parseDuration } from '../scenario/duration.js';
import { UserError, nearest } from '../scenario/errors.js';
import { ExitStatus } from './exitStatus.js';
import { basename } from 'node:path';
import { chartSweep, checkChartAxis } from '../analysis/sweep/chartPoints.js';
import { sweepCharts } from '../charts/sweep/sweepCharts.js';
import { DEFAULT_PLOT_DIR, plotDirFor, preparePlotDir } from './plotDir.js';
import { defineCommand, example } from './command.js';
import { jsonOption, jsonTarget, withJson } from './jsonOutput.js';
import { loadSweep } from './loadSweep.js';
import { checkJobs, gridOptions, progressFor } from './sweepOptions.js';
import { numberFlag, numberOption, singleValue } from './flags.js';
import { printable } from './printable.js';

export const planCommand = defineCommand({
  command: 'plan <scenario>',
  describe: 'Find the cheapest configuration (fewest cores, workers, connections) that meets the targets',
  builder: (c) =>
    gridOptions(c)
      .option('target-rps', numberOption('2xx responses per second to serve', { demandOption: true }))
      .option('p99', { type: 'string', demandOption: true, describe: 'hey p99 at most: seconds, or "300ms"' })
      .option('max-errors', numberOption('5xx responses plus transport errors allowed per run (0)'))
      .option('json', jsonOption)
      .option('plot', {
        type: 'string',
        describe: `Write the sweep charts, the targets drawn as lines, and an HTML report to DIR (default ${DEFAULT_PLOT_DIR}-plan/)`,
      })
      .option('log-y', { type: 'boolean', default: false, describe: 'Logarithmic y axes on the charts' })
      .option('every-replication', {
        type: 'boolean',
        default: false,
        describe: 'Every replication must meet the targets, not only their means (with machine.speedVariation: the slow runs too)',
      })
      .option('cost', { type: 'string', describe: `What "cheapest" minimizes, in order (comma-separated; default ${COST_KEYS.join(',')})` })
      .example(
        example('$0 plan s.json --target-rps 800 --p99 300ms --vary server.workers=1..8 --vary server.workerConnections=50..500:50', ''),
      ),
  handler: async (args, io) => {
    const targets: PlanTargets = {
      requestsPerSec: numberFlag('--target-rps', args['target-rps'], { whole: false, min: 0, above: true }, '500')!,
      p99: seconds(singleValue('--p99', args.p99, '300ms')!),
      maxErrors: numberFlag('--max-errors', args['max-errors'], { whole: true, min: 0 }, '0') ?? 0,
    };
    const json = jsonTarget(args.json, [args.scenario as string]);
    const costOrder = costKeys(singleValue('--cost', args.cost, 'workers,cores'));
    const def = loadSweep(args, 'plan', { max: MAX_PLAN_RUNS, why: PLAN_RUNS_WHY });
    const everyReplication = Boolean(args['every-replication']);
    if (everyReplication && def.replications < 2)
      throw new UserError(
        `--every-replication: expected --replications N with N >= 2 (the runs every one of which must meet the targets), got ${def.replications} replication`,
      );
    if (everyReplication) targets.everyReplication = true;
    const plotDir = plotDirFor(args.plot, def.name, '-plan');
    if (plotDir === undefined && args['log-y'] === true)
      throw new UserError('--log-y: shapes the charts, and there are none without --plot DIR: add --plot');
    if (plotDir !== undefined) {
      checkChartAxis(def.axes);
      preparePlotDir(plotDir);
    }
    const progress = progressFor(io, 'plan');
    // A plan ranks every configuration by its scenario's costs: it keeps them (MAX_PLAN_RUNS bounds them).
    const scenarios = new Map<number, Scenario>();
    const out = await runSweep(def, {
      jobs: checkJobs(args.jobs),
      onProgress: progress.onProgress,
      onPoint: (point, scenario) => scenarios.set(point.index, scenario),
    }).finally(progress.end);
    const result = plan(
      out.sweep,
      out.points.map((point) => ({ result: point, scenario: scenarios.get(point.index)! })),
      targets,
      costOrder,
    );
    const text = planText(result);
    io.out(
      withJson(
        json,
        () => `${JSON.stringify(result, null, 2)}\n`,
        () => printable(text, Number.POSITIVE_INFINITY),
      ),
    );
    if (plotDir !== undefined) {
      // Loaded here: the renderers take long to load.
      const { writePlots } = await import('./writePlots.js');
      const chart = chartSweep(out, { target: { requestsPerSec: targets.requestsPerSec, p99: targets.p99 }, logY: Boolean(args['log-y']) });
      const files = await writePlots(plotDir, sweepCharts(chart), { title: chart.description ?? out.sweep.scenario, text });
      io.err(`Wrote ${files.length} files to ${plotDir}: ${files.map((f) => basename(f)).join(', ')}\n`);
    }
    // Nothing meets the targets: the answer is "no", as a status scripts can test.
    if (result.best === null) throw new ExitStatus(1);
  },
});

function costKeys(text: string | undefined): CostKey[] {
  if (text === undefined) return [...COST_KEYS];
  const keys = text.split(',').map((k) => k.trim());
  for (const k of keys) {
    if (!(COST_KEYS as readonly string[]).includes(k))
      throw new UserError(`--cost ${text}: ${msg.notOneOf(COST_KEYS, JSON.stringify(k), nearest(k, COST_KEYS))}`);
  }
  // As --free and --target: a key named twice is a slip (the second comparison decides nothing).
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new UserError(`--cost ${text}: ${twice} is named twice; name each cost once`);
  return keys as CostKey[];
}

export function seconds(text: string): number {
  // A number as JSON writes one (0.3, 3e-1), or a duration with a unit.
  const v = /^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : parseDuration(text);
  if (v === undefined || !(v > 0) || !Number.isFinite(v))
    throw new UserError(`--p99 ${text}: expected seconds > 0 (0.3) or a duration ("300ms"), got ${JSON.stringify(text)}`);
  return v;
}
