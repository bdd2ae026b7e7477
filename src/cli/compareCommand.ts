// sim compare <scenario> <hey..>: each measured hey run beside its simulation.
import { compareRuns } from '../analysis/calibration/compare.js';
import { compareText } from '../analysis/calibration/compareText.js';
import { defineCommand, example } from './command.js';
import { jsonOption, jsonTarget, withJson } from './jsonOutput.js';
import { setOption } from './flags.js';
import { readScenarioJson } from './loadScenarioFile.js';
import { readHeyRuns } from './readHeyRuns.js';
import { printable } from './printable.js';

export const compareCommand = defineCommand({
  command: 'compare <scenario> <hey..>',
  describe:
    'Simulate the scenario as each measured run ran (hey, wrk, ab, siege, locust, k6, vegeta, autocannon), and print measured and simulated side by side',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
      .positional('hey', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          "Files holding load testers' outputs: hey, hey -o csv, wrk, wrk2, ab, siege, locust, k6, vegeta, autocannon (docs/load-testers.md)",
      })
      .option('json', jsonOption)
      .option('set', setOption)
      .example(example('$0 compare calibration/linux-2core.json calibration/results/patched-c125.r1.txt', 'one run'))
      .example(example('$0 compare s.json out.txt --set client.concurrency=100', '-c for an output saved without its command line')),
  handler: (args, io) => {
    const json = jsonTarget(args.json, [args.scenario, ...args.hey]);
    const raw = readScenarioJson(args.scenario);
    const runs = readHeyRuns(args.hey);
    // A run predictably beyond its budgets is refused before any runs, as sim run refuses it.
    const comparisons = compareRuns(raw, runs, args.set, args.scenario, { budgets: true });
    io.out(
      withJson(
        json,
        () => `${JSON.stringify(comparisons, null, 2)}\n`,
        () => printable(compareText(comparisons, args.scenario), Number.POSITIVE_INFINITY),
      ),
    );
  },
});
