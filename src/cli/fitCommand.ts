// sim fit <scenario> <runs..> --free FIELDS: the named fields fitted to measured runs (any format
// sim compare reads); or sim fit <scenario> --access-log FILE: a production log's load.
import { FIT_EVALUATIONS_WHY, FIT_TARGETS, MAX_FIT_EVALUATIONS, fit, type FitTarget } from '../analysis/calibration/fit.js';
import { fitText } from '../analysis/calibration/fitText.js';
import { accessLogFit } from './accessLogFit.js';
import * as msg from '../messages.js';
import { UserError, nearest } from '../scenario/errors.js';
import { atomicWrite, checkDistinct, checkWritable } from './atomicWrite.js';
import { defineCommand, example } from './command.js';
import { jsonOption, jsonTarget, withJson } from './jsonOutput.js';
import { numberFlag, numberOption, setOption, singleValue } from './flags.js';
import { readScenarioJson } from './loadScenarioFile.js';
import { readHeyRuns } from './readHeyRuns.js';
import { printable } from './printable.js';

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const fitCommand = defineCommand({
  command: 'fit <scenario> [hey..]',
  describe: 'Fit the named scenario fields to measured runs (any format sim compare reads) and write the calibrated scenario',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON): its values are the starting point' })
      .positional('hey', {
        type: 'string',
        array: true,
        describe:
          "Files holding load testers' outputs: hey, hey -o csv, wrk, wrk2, ab, siege, locust, k6, vegeta, autocannon (docs/load-testers.md)",
      })
      .option('access-log', {
        type: 'string',
        describe:
          "Instead: fit the load of this access log (gunicorn's with %(L)s or %(D)s, nginx's combined with $request_time) onto the scenario: arrivals and weighted endpoints, and for a log over half an hour a limits.maxSimTime of twice its span (unless the scenario or a --set gives one)",
      })
      .option('interval', {
        type: 'string',
        describe: 'With --access-log: seconds per arrival-rate step, 1 to 86400 (default: 1 s, longer for logs over 2 min)',
      })
      .option('empirical', {
        type: 'boolean',
        describe: "With --access-log: each endpoint's service time as the log's quantiles, not a lognormal",
      })
      .option('free', {
        type: 'string',
        describe: 'Comma-separated fields to fit, each a number of seconds: database.forkTime,database.backendStartTime',
      })
      .option('target', {
        type: 'string',
        describe: `Comma-separated figures to match: ${FIT_TARGETS.join(', ')} (default requestsPerSec)`,
      })
      .option('out', { type: 'string', describe: 'Write the calibrated scenario here (atomically)' })
      .option('max-evaluations', numberOption(`Simulations allowed per simplex search (400; at most ${MAX_FIT_EVALUATIONS})`))
      .option('json', jsonOption)
      .option('set', setOption)
      .example(
        example(
          '$0 fit calibration/linux-2core.json calibration/results/patched-c10.r*.txt calibration/results/patched-c100.r*.txt --free database.forkTime,database.backendStartTime --out fitted.json',
          'the two connection costs',
        ),
      )
      .example(
        example(
          '$0 fit scenarios/gevent-100.json --access-log access.log --out production.json',
          "a production log's load (arrivals, endpoints) on the scenario's server",
        ),
      ),
  handler: (args, io) => {
    // Each way of fitting has its own flags: one of the other's was ignored in silence
    // (--access-log with --free fitted no cost, --interval with hey outputs set no step).
    const given = (flags: readonly (keyof typeof args)[]) => flags.filter((f) => args[f] !== undefined && args[f] !== false);
    if (args['access-log'] !== undefined) {
      if ((args.hey ?? []).length > 0)
        throw new UserError(`--access-log: fits a load, not costs: give it without load testers' outputs (${args.hey!.join(', ')})`);
      const costFlags = given(['free', 'target', 'max-evaluations']);
      if (costFlags.length > 0)
        throw new UserError(
          `--${costFlags[0]}: goes with load testers' outputs, whose costs sim fit fits; --access-log fits a load (its arrivals and endpoints): leave --${costFlags[0]} out`,
        );
      accessLogFit({ ...args, scenario: args.scenario as string }, io);
      return;
    }
    const logFlags = given(['interval', 'empirical']);
    if (logFlags.length > 0)
      throw new UserError(`--${logFlags[0]}: goes with --access-log FILE (the load of a log); with load testers' outputs, leave it out`);
    if ((args.hey ?? []).length === 0)
      throw new UserError(msg.missingArguments('sim fit <scenario.json> <hey-output.txt...> --free FIELDS'));
    if (args.free === undefined) throw new UserError(`--free: ${msg.flagsRequired(['--free database.forkTime'])}`);
    const freeText = singleValue('--free', args.free, 'database.forkTime')!;
    const free = splitList(freeText);
    // As --target: "--free ," said "sim: sim fit: name the free parameters", not the flag.
    if (free.length === 0)
      throw new UserError(
        `--free ${freeText}: expected at least one field to fit, each a number of seconds, e.g. --free database.forkTime`,
      );
    const targetText = singleValue('--target', args.target, 'requestsPerSec') ?? 'requestsPerSec';
    const targets = splitList(targetText);
    // "--target ," fitted nothing: every value was as good as the start, which was printed as fitted.
    if (targets.length === 0)
      throw new UserError(`--target ${targetText}: expected at least one figure to match, of ${FIT_TARGETS.join(', ')}`);
    for (const [i, t] of targets.entries()) {
      if (!(FIT_TARGETS as readonly string[]).includes(t)) {
        throw new UserError(`--target ${t}: ${msg.notOneOf(FIT_TARGETS, JSON.stringify(t), nearest(t, FIT_TARGETS))}`);
      }
      // Named twice it would weigh twice in the fit's error, which nobody means.
      if (targets.indexOf(t) !== i) throw new UserError(`--target ${targets.join(',')}: ${t} is named twice; name each figure once`);
    }
    // Bounded: --max-evaluations 1e9 was taken, and a fit that does not converge soon ran for days.
    const maxEvaluations =
      numberFlag(
        '--max-evaluations',
        args['max-evaluations'],
        { whole: true, min: 1, max: MAX_FIT_EVALUATIONS, why: FIT_EVALUATIONS_WHY },
        '400',
      ) ?? 400;
    const json = jsonTarget(args.json, [args.scenario, ...args.hey!]);
    const out = singleValue('--out', args.out, 'fitted.json');
    // The calibrated scenario may replace the one it started from (an update in place), not a measured run.
    if (out !== undefined) checkWritable(out, '--out', args.hey);
    checkDistinct([
      ['--json', json],
      ['--out', out],
    ]);
    const raw = readScenarioJson(args.scenario);
    const runs = readHeyRuns(args.hey!);
    // A run predictably beyond its budgets is refused before any simulation, as sim run refuses it.
    const result = fit(raw, runs, args.set, { free, targets: targets as FitTarget[], maxEvaluations, budgets: true }, args.scenario);
    if (out !== undefined) atomicWrite(out, `${JSON.stringify(result.calibrated, null, 2)}\n`, '--out');
    const { calibrated: _, ...rest } = result;
    io.out(
      withJson(
        json,
        () => `${JSON.stringify({ ...rest, out: out ?? null }, null, 2)}\n`,
        () =>
          printable(
            fitText(result) +
              (out !== undefined
                ? `Wrote the calibrated scenario to ${out}\n`
                : 'Not written: give --out FILE to save the calibrated scenario.\n'),
            Number.POSITIVE_INFINITY,
          ),
      ),
    );
  },
});
