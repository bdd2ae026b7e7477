// The `sim` command line: parse, call, print. The only module that touches argv, stdout
// and the file system. Bad input exits with 2 and a message, internal failures with 1.
import yargs from 'yargs';
import { simulate } from '../model/system.js';
import { heyText } from '../report/heyText.js';
import { summarize } from '../report/summary.js';
import { UserError } from '../scenario/errors.js';
import { scenarioJsonSchema } from '../scenario/jsonSchema.js';
import { loadScenarioFile, readScenarioJson } from './loadScenarioFile.js';
import { DEFAULT_PLOT_DIR, preparePlotDir } from './plotDir.js';
import { runCharts } from '../charts/runCharts.js';
import { basename } from 'node:path';
import { compareRuns } from '../analysis/compare.js';
import { compareText } from '../analysis/compareText.js';
import { FIT_TARGETS, fit, type FitTarget } from '../analysis/fit.js';
import { fitText } from '../analysis/fitText.js';
import { readHeyRuns } from './readHeyRuns.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import { mergeCommand } from './mergeCommand.js';
import { planCommand } from './planCommand.js';
import { serveCommand } from './serveCommand.js';
import { sweepCommand } from './sweepCommand.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal: progress bars may be drawn there. */
  errIsTTY?: boolean;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTTY: process.stderr.isTTY === true,
};

const setOption = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe: 'Override a scenario field for every run: --set machine.cores=2 (repeatable)',
} as const;

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const cli = yargs(argv)
      .scriptName('sim')
      .usage('$0 <command> [options]\n\nSimulates gunicorn + PostgreSQL under a hey-like load.')
      .command(
        'run <scenario>',
        'Run one scenario and print a hey-style report',
        (y) =>
          y
            .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
            .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
            .option('seed', { type: 'number', describe: 'Override the scenario seed' })
            .option('set', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe: 'Override a field: --set client.concurrency=101 (repeatable)',
            })
            .option('plot', {
              type: 'string',
              describe: `Write charts (.vl.json, .svg, .png) and an HTML report to DIR (default ${DEFAULT_PLOT_DIR}/)`,
            })
            .example('$0 run scenarios/gevent-100.json', 'the article\'s -c 100 run')
            .example('$0 run scenarios/gevent-100.json --set client.concurrency=125 --set client.requests=125', 'a what-if')
            .example('$0 run scenarios/gevent-125.json --plot plots/gevent-125', 'charts and an HTML report'),
        async (args) => {
          if (args.seed !== undefined && !Number.isInteger(args.seed)) {
            throw new UserError(`--seed: expected an integer, got ${args.seed}`);
          }
          const scenario = loadScenarioFile(args.scenario, args.set, args.seed);
          const name = scenario.name ?? basename(args.scenario).replace(/\.json$/, '');
          // `--plot` alone means the default folder; checked before the run, so a bad
          // folder fails fast and prints no report.
          const plotDir = args.plot === undefined ? undefined : args.plot === '' ? DEFAULT_PLOT_DIR : args.plot;
          if (plotDir !== undefined) preparePlotDir(plotDir);
          const result = simulate(scenario);
          const summary = summarize(result, name, scenario.seed);
          io.out(args.json ? JSON.stringify(summary, null, 2) + '\n' : heyText(summary));
          if (plotDir !== undefined) {
            const title = `${name} (seed ${scenario.seed})`;
            // Loaded here: the renderers take longer to load than a run without --plot takes.
            const { writePlots } = await import('./writePlots.js');
            const files = await writePlots(plotDir, runCharts(summary, result.timeline), { title, text: heyText(summary) });
            // stderr, so that stdout stays the report alone (and valid JSON with --json).
            io.err(`Wrote ${files.length} files to ${plotDir}: ${files.map((f) => basename(f)).join(', ')}\n`);
          }
        },
      );
    await serveCommand(planCommand(mergeCommand(sweepCommand(cli, io), io), io), io)
      .command(
        'compare <scenario> <hey..>',
        'Simulate the scenario as each hey run ran, and print measured and simulated side by side',
        (y) =>
          y
            .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
            .positional('hey', { type: 'string', array: true, demandOption: true, describe: "Files holding hey's output" })
            .option('json', { type: 'boolean', default: false, describe: 'Print the comparison as JSON' })
            .option('set', setOption)
            .example('$0 compare calibration/linux-2core.json calibration/results/patched-c125.r1.txt', 'one run')
            .example('$0 compare s.json out.txt --set client.concurrency=100', '-c for an output saved without its command line'),
        (args) => {
          const raw = readScenarioJson(args.scenario);
          const runs = readHeyRuns(args.hey);
          const comparisons = compareRuns(raw, runs, args.set, args.scenario);
          io.out(args.json ? JSON.stringify(comparisons, null, 2) + '\n' : compareText(comparisons, args.scenario));
        },
      )
      .command(
        'fit <scenario> <hey..>',
        'Fit the named scenario fields to measured hey runs and write the calibrated scenario',
        (y) =>
          y
            .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON): its values are the starting point' })
            .positional('hey', { type: 'string', array: true, demandOption: true, describe: "Files holding hey's output" })
            .option('free', {
              type: 'string',
              demandOption: true,
              describe: 'Comma-separated fields to fit, each a number of seconds: database.forkTime,database.backendStartTime',
            })
            .option('target', {
              type: 'string',
              default: 'requestsPerSec',
              describe: `Comma-separated figures to match: ${FIT_TARGETS.join(', ')}`,
            })
            .option('out', { type: 'string', describe: 'Write the calibrated scenario here (atomically)' })
            .option('max-evaluations', { type: 'number', default: 400, describe: 'Simulations allowed per simplex search' })
            .option('json', { type: 'boolean', default: false, describe: 'Print the fit as JSON' })
            .option('set', setOption)
            .example(
              '$0 fit calibration/linux-2core.json calibration/results/patched-c10.r*.txt calibration/results/patched-c100.r*.txt --free database.forkTime,database.backendStartTime --out fitted.json',
              'the two connection costs',
            ),
        (args) => {
          const free = splitList(args.free);
          const targets = splitList(args.target);
          for (const t of targets) {
            if (!(FIT_TARGETS as readonly string[]).includes(t)) {
              throw new UserError(`--target ${t}: expected one of ${FIT_TARGETS.join(', ')}`);
            }
          }
          if (!Number.isInteger(args.maxEvaluations) || args.maxEvaluations < 1) {
            throw new UserError(`--max-evaluations: expected a positive integer, got ${args.maxEvaluations}`);
          }
          const raw = readScenarioJson(args.scenario);
          const runs = readHeyRuns(args.hey);
          const result = fit(raw, runs, args.set, { free, targets: targets as FitTarget[], maxEvaluations: args.maxEvaluations }, args.scenario);
          if (args.out !== undefined) writeFileAtomic(args.out, JSON.stringify(result.calibrated, null, 2) + '\n');
          if (args.json) {
            const { calibrated: _, ...rest } = result;
            io.out(JSON.stringify({ ...rest, out: args.out ?? null }, null, 2) + '\n');
          } else {
            io.out(fitText(result) + (args.out !== undefined ? `Wrote the calibrated scenario to ${args.out}\n` : 'Not written: give --out FILE to save the calibrated scenario.\n'));
          }
        },
      )
      .command(
        'schema',
        'Print the JSON Schema of scenario files (scenarios/schema.json is this output)',
        (y) => y,
        () => {
          io.out(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
        },
      )
      .option('debug', { type: 'boolean', describe: 'Show stack traces of internal errors' })
      .demandCommand(1, 'Name a command: sim run <scenario.json>')
      .strict()
      .help()
      .version(false)
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        throw new UserError(msg);
      })
      .parseAsync();
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`sim: ${e.message}\n`);
      return 2;
    }
    io.err(`sim: internal error: ${(e as Error).message}\n`);
    if (debug) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}
