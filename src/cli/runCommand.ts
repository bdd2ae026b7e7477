// sim run <scenario>: one run, printed as hey prints its report.
import { printable } from './printable.js';
import { basename } from 'node:path';
import { simulate } from '../model/system.js';
import { heyText } from '../report/heyText.js';
import { summarize, type RunSummary } from '../report/summary.js';
import { sensitivityText } from '../report/sensitivityText.js';
import { figuresOf, sensitivity, sensitivityJson, type Sensitivity } from '../analysis/calibration/sensitivity.js';
import { applyOverride, type Override } from '../scenario/overrides.js';
import { authOverrideWarning } from '../scenario/authOverride.js';
import type { Scenario } from '../scenario/schema.js';
import { assertInvariants } from '../check/invariants.js';
import { partialReason } from '../report/partial.js';
import { runCharts } from '../charts/run/runCharts.js';
import { defineCommand, example } from './command.js';
import { HEY_FLAGS_HELP } from './heyFlags.js';
import { jsonOption, jsonTarget, withJson } from './jsonOutput.js';
import { progressFor } from './sweepOptions.js';
import { loadScenarioFile, readScenarioJson } from './loadScenarioFile.js';
import { atomicWrite, checkDistinct, checkWritable } from './atomicWrite.js';
import { FIELD_FLAGS, numberOption, scenarioOverrides, singleValue } from './flags.js';
import { DEFAULT_PLOT_DIR, plotDirFor, preparePlotDir } from './plotDir.js';
import type { Io } from './main.js';

export const runCommand = defineCommand({
  command: 'run <scenario>',
  describe: 'Run one scenario and print a hey-style report',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
      .option('json', jsonOption)
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Override a field: --set client.concurrency=101 (repeatable)',
      })
      .option('check', {
        type: 'boolean',
        default: false,
        describe: 'Check the invariants of the run; a violation is an internal error (exit 1)',
      })
      .option('out', { type: 'string', describe: 'Write the report to this file (atomically) instead of stdout' })
      .options(
        Object.fromEntries(
          FIELD_FLAGS.map((f) => [
            f.name,
            f.name === 'max-sim-time' ? { type: 'string' as const, describe: f.describe } : numberOption(f.describe),
          ]),
        ),
      )
      .option('plot', {
        type: 'string',
        describe: `Write charts (.vl.json, .svg, .png) and an HTML report to DIR (default ${DEFAULT_PLOT_DIR}/)`,
      })
      .option('sensitivity', {
        type: 'boolean',
        default: false,
        describe: 'Also move each unmeasured cost by -50 % and +50 % and list those that change Requests/sec or the 500s by more than 10 %',
      })
      .example(example('$0 run scenarios/gevent-100.json', "the article's -c 100 run"))
      .example(example('$0 run scenarios/gevent-100.json --set client.concurrency=125 --set client.requests=125', 'a what-if'))
      .example(example('$0 run scenarios/gevent-125.json --plot plots/gevent-125', 'charts and an HTML report'))
      .example(example('$0 run scenarios/gevent-125.json --sensitivity', 'which costs the prediction hangs on'))
      .example(
        example('$0 run scenarios/gevent-100.json -c 125 -n 125', "hey's flags: --set client.concurrency=125 --set client.requests=125"),
      )
      .epilogue(HEY_FLAGS_HELP),
  handler: async (args, io) => {
    const path = args.scenario as string;
    const overrides = scenarioOverrides(args);
    const scenario = loadScenarioFile(path, overrides);
    const switched = authOverrideWarning(() => readScenarioJson(path), overrides);
    if (switched !== undefined) io.err(`sim: warning: ${switched}\n`);
    const json = jsonTarget(args.json, [path]);
    const out = singleValue('--out', args.out, 'report.json');
    // Before the run: a path that cannot be written fails now, not after the work.
    if (out !== undefined) checkWritable(out, '--out', [path]);
    checkDistinct([
      ['--json', json],
      ['--out', out],
    ]);
    const name = scenario.name ?? basename(path).replace(/\.json$/, '');
    // `--plot` alone means ./sim-plots/<scenario>/; checked before the run, so a bad
    // folder fails fast and prints no report.
    const plotDir = plotDirFor(args.plot, name);
    if (plotDir !== undefined) preparePlotDir(plotDir);
    // The time series only go into the charts (and --check cross-checks their counts).
    const result = simulate(scenario, { timeSeries: plotDir !== undefined || Boolean(args.check) });
    if (args.check) assertInvariants(result);
    const summary = summarize(result, name, scenario.seed, scenario);
    const partial = partialReason(summary);
    if (partial !== undefined) io.err(`sim: ${path}: ${partial}\n`);
    const sens = args.sensitivity ? runSensitivity(path, overrides, scenario, summary, Boolean(args.check), io) : undefined;
    const text = heyText(summary) + (sens === undefined ? '' : sensitivityText(sens));
    const report = withJson(
      json,
      () => `${JSON.stringify(sens === undefined ? summary : { ...summary, ...sensitivityJson(sens) }, null, 2)}\n`,
      // The scenario's name and other strings of the user's come back in it.
      () => printable(text, Number.POSITIVE_INFINITY),
    );
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
});

/**
 * `sim run --sensitivity`: the scenario's unmeasured costs moved one at a time, each run
 * like the base run (the file with the command line's overrides).
 */
function runSensitivity(
  path: string,
  overrides: readonly Override[],
  scenario: Scenario,
  summary: RunSummary,
  check: boolean,
  io: Io,
): Sensitivity {
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
