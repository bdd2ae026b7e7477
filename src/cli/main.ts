// The `sim` command line: parse, call, print. The only module that touches argv, stdout
// and the file system. Bad input exits with 2 and a message, internal failures with 1
// (with a stack trace under --debug); a user error never shows a stack trace.
import yargs from 'yargs';
import { simulate } from '../model/system.js';
import { heyText } from '../report/heyText.js';
import { summarize, type RunSummary } from '../report/summary.js';
import { sensitivityText } from '../report/sensitivityText.js';
import { figuresOf, sensitivity, sensitivityJson, type Sensitivity } from '../analysis/sensitivity.js';
import { applyOverride, type Override } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';
import { progressFor } from './sweepOptions.js';
import { UserError } from '../scenario/errors.js';
import { ExitStatus } from './exitStatus.js';
import { scenarioJsonSchema } from '../scenario/jsonSchema.js';
import { loadScenarioFile, readScenarioJson } from './loadScenarioFile.js';
import { assertInvariants } from '../check/invariants.js';
import { partialReason } from '../report/partial.js';
import * as msg from '../messages.js';
import { nearest } from '../scenario/errors.js';
import { atomicWrite, checkWritable } from './atomicWrite.js';
import { FIELD_FLAGS, checkBooleanFlags, checkListFlags, describeYargsFailure, scenarioOverrides, singleValue } from './flags.js';
import { DEFAULT_PLOT_DIR, preparePlotDir } from './plotDir.js';
import { runCharts } from '../charts/runCharts.js';
import { basename } from 'node:path';
import { compareRuns } from '../analysis/compare.js';
import { compareText } from '../analysis/compareText.js';
import { FIT_TARGETS, fit, type FitTarget } from '../analysis/fit.js';
import { fitText } from '../analysis/fitText.js';
import { readHeyRuns } from './readHeyRuns.js';
import { mergeCommand } from './mergeCommand.js';
import { planCommand } from './planCommand.js';
import { serveCommand } from './serveCommand.js';
import { sweepCommand } from './sweepCommand.js';

/** For the launcher (src/cli/codeCache.ts): where the bundle's lazy imports load from. */
export { setImporter } from '../lazyImport.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal: progress bars may be drawn there. */
  errIsTTY?: boolean;
  /** Calls `stop` on the first Ctrl-C (a second one ends the process); returns an unsubscribe. */
  onInterrupt?: (stop: () => void) => () => void;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTTY: process.stderr.isTTY === true,
  onInterrupt: (stop) => {
    process.once('SIGINT', stop);
    return () => process.off('SIGINT', stop);
  },
};

const setOption = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe: 'Override a scenario field for every run: --set machine.cores=2 (repeatable)',
} as const;

const COMMANDS = ['run', 'sweep', 'plan', 'merge', 'compare', 'fit', 'schema'];
/** Every option of every command, for "did you mean" after a misspelt one. */
const OPTIONS = [
  ...['json', 'set', 'check', 'out', 'plot', 'debug', 'help', 'free', 'target', 'max-evaluations', 'sensitivity'],
  ...['vary', 'replications', 'jobs', 'csv', 'max-errors', 'p99', 'target-rps', 'shard'],
  ...FIELD_FLAGS.map((f) => f.name),
];

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    checkBooleanFlags(argv);
    checkListFlags(argv);
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
            .option('set', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe: 'Override a field: --set client.concurrency=101 (repeatable)',
            })
            .option('check', { type: 'boolean', default: false, describe: 'Check the invariants of the run; a violation is an internal error (exit 1)' })
            .option('out', { type: 'string', describe: 'Write the report to this file (atomically) instead of stdout' })
            .options(Object.fromEntries(FIELD_FLAGS.map((f) => [f.name, { type: 'string' as const, describe: f.describe }])))
            .option('plot', {
              type: 'string',
              describe: `Write charts (.vl.json, .svg, .png) and an HTML report to DIR (default ${DEFAULT_PLOT_DIR}/)`,
            })
            .option('sensitivity', {
              type: 'boolean',
              default: false,
              describe: 'Also move each unmeasured cost by -50 % and +50 % and list those that change Requests/sec or the 500s by more than 10 %',
            })
            .example('$0 run scenarios/gevent-100.json', 'the article\'s -c 100 run')
            .example('$0 run scenarios/gevent-100.json --set client.concurrency=125 --set client.requests=125', 'a what-if')
            .example('$0 run scenarios/gevent-125.json --plot plots/gevent-125', 'charts and an HTML report')
            .example('$0 run scenarios/gevent-125.json --sensitivity', 'which costs the prediction hangs on'),
        async (args) => {
          const path = args.scenario as string;
          const overrides = scenarioOverrides(args);
          const scenario = loadScenarioFile(path, overrides);
          const out = singleValue('--out', args.out, 'report.json');
          // Before the run: a path that cannot be written fails now, not after the work.
          if (out !== undefined) checkWritable(out, '--out');
          const name = scenario.name ?? basename(path).replace(/\.json$/, '');
          // `--plot` alone means the default folder; checked before the run, so a bad
          // folder fails fast and prints no report.
          const plotDir = args.plot === undefined ? undefined : args.plot === '' ? DEFAULT_PLOT_DIR : args.plot;
          if (plotDir !== undefined) preparePlotDir(plotDir);
          // The time series only go into the charts (and --check cross-checks their counts).
          const result = simulate(scenario, { timeSeries: plotDir !== undefined || Boolean(args.check) });
          if (args.check) assertInvariants(result);
          const summary = summarize(result, name, scenario.seed);
          const partial = partialReason(summary);
          if (partial !== undefined) io.err(`sim: ${path}: ${partial}\n`);
          const sens = args.sensitivity ? runSensitivity(path, overrides, scenario, summary, Boolean(args.check), io) : undefined;
          const text = heyText(summary) + (sens === undefined ? '' : sensitivityText(sens));
          const report = args.json ? JSON.stringify(sens === undefined ? summary : { ...summary, ...sensitivityJson(sens) }, null, 2) + '\n' : text;
          if (out === undefined) io.out(report);
          else atomicWrite(out, report, '--out');
          if (plotDir !== undefined) {
            const title = `${name} (seed ${scenario.seed})`;
            // Loaded here: the renderers take longer to load than a run without --plot takes.
            const { writePlots } = await import('./writePlots.js');
            const files = await writePlots(plotDir, runCharts(summary, result.timeline), { title, text });
            // stderr, so that stdout stays the report alone (and valid JSON with --json).
            io.err(`Wrote ${files.length} files to ${plotDir}: ${files.map((f) => basename(f)).join(', ')}\n`);
          }
        },
      );
    skipHelpCache(cli);
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
            .option('max-evaluations', { type: 'string', describe: 'Simulations allowed per simplex search (400)' })
            .option('json', { type: 'boolean', default: false, describe: 'Print the fit as JSON' })
            .option('set', setOption)
            .example(
              '$0 fit calibration/linux-2core.json calibration/results/patched-c10.r*.txt calibration/results/patched-c100.r*.txt --free database.forkTime,database.backendStartTime --out fitted.json',
              'the two connection costs',
            ),
        (args) => {
          const free = splitList(singleValue('--free', args.free, 'database.forkTime')!);
          const targets = splitList(singleValue('--target', args.target, 'requestsPerSec')!);
          for (const t of targets) {
            if (!(FIT_TARGETS as readonly string[]).includes(t)) {
              throw new UserError(`--target ${t}: ${msg.notOneOf(FIT_TARGETS, JSON.stringify(t), nearest(t, FIT_TARGETS))}`);
            }
          }
          const evaluations = singleValue('--max-evaluations', args['max-evaluations'], '400') ?? '400';
          const maxEvaluations = Number(evaluations);
          if (!Number.isInteger(maxEvaluations) || maxEvaluations < 1) {
            throw new UserError(`--max-evaluations ${evaluations}: ${msg.wrongType('a whole number >= 1', JSON.stringify(evaluations))}`);
          }
          const out = singleValue('--out', args.out, 'fitted.json');
          if (out !== undefined) checkWritable(out, '--out');
          const raw = readScenarioJson(args.scenario);
          const runs = readHeyRuns(args.hey);
          const result = fit(raw, runs, args.set, { free, targets: targets as FitTarget[], maxEvaluations }, args.scenario);
          if (out !== undefined) atomicWrite(out, JSON.stringify(result.calibrated, null, 2) + '\n', '--out');
          if (args.json) {
            const { calibrated: _, ...rest } = result;
            io.out(JSON.stringify({ ...rest, out: out ?? null }, null, 2) + '\n');
          } else {
            io.out(fitText(result) + (out !== undefined ? `Wrote the calibrated scenario to ${out}\n` : 'Not written: give --out FILE to save the calibrated scenario.\n'));
          }
        },
      )
      .command(
        'schema',
        'Print the JSON Schema of scenario files (scenarios/schema.json is this output)',
        (y) => y.option('out', { type: 'string', describe: 'Write it to this file (atomically) instead of stdout' }),
        (args) => {
          const text = JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
          const out = singleValue('--out', args.out, 'scenarios/schema.json');
          if (out === undefined) io.out(text);
          else atomicWrite(out, text, '--out');
        },
      )
      .option('debug', { type: 'boolean', describe: 'Show stack traces of internal errors' })
      .demandCommand(1)
      .strict()
      .help()
      .version(false)
      .exitProcess(false)
      .fail((message, err) => {
        if (err) throw err;
        throw new UserError(describeYargsFailure(message, argv, { commands: COMMANDS, options: OPTIONS }));
      })
      .parseAsync();
    return 0;
  } catch (e) {
    if (e instanceof ExitStatus) return e.exitCode;
    if (e instanceof UserError) {
      // One problem a line, each prefixed, so that grep and editors pick up every one.
      io.err(e.message.split('\n').map((line) => `sim: ${printable(line)}\n`).join(''));
      return e.exitCode;
    }
    io.err(`sim: internal error: ${printable(String((e as Error).message))}\n`);
    if (debug) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}

/**
 * `sim run --sensitivity`: the scenario's unmeasured costs moved one at a time, each run
 * like the base run (the file with the command line's overrides).
 */
function runSensitivity(path: string, overrides: readonly Override[], scenario: Scenario, summary: RunSummary, check: boolean, io: Io): Sensitivity {
  const raw = readScenarioJson(path);
  for (const o of overrides) applyOverride(raw, o);
  const progress = progressFor(io, 'sensitivity');
  try {
    return sensitivity(raw, scenario, figuresOf(summary), {
      source: path,
      onRun: check ? assertInvariants : undefined,
      timeSeries: check,
      onProgress: progress.onProgress,
    });
  } finally {
    progress.end();
  }
}

/**
 * A line of a message as a terminal may show it: control characters (a key holding an
 * escape sequence would recolour or retitle the terminal) written as \u escapes, and a
 * line that quotes a huge input (a 200 KB --set) cut in the middle.
 */
export function printable(line: string, max = 1000): string {
  // eslint-disable-next-line no-control-regex
  const safe = line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length <= max ? safe : `${safe.slice(0, max - 200)} ...(${safe.length - max + 100} characters left out)... ${safe.slice(-100)}`;
}

/**
 * yargs renders the whole help text after running a command's handler, to keep it at hand
 * (yargs command.js: cacheHelpMessage, for a showHelp() called later from the handler).
 * sim never shows help once a command has started, and the rendering measures every line
 * with string-width, which first builds Intl segmenters and Unicode regular expressions:
 * about 25 ms of every `sim` process (a 1,000-request `sim run`: 132 -> 109 ms). yargs has
 * no option for it, so this replaces the method on its usage object (yargs is pinned; if
 * a version moved it, nothing would break, sim would only start slower).
 */
function skipHelpCache(cli: object): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
