// sim compare <scenario> <hey..>: each measured hey run beside its simulation.
import { compareRuns } from '../analysis/compare.js';
import { compareText } from '../analysis/compareText.js';
import { defineCommand } from './command.js';
import { jsonOption, jsonTarget, withJson } from './jsonOutput.js';
import { setOption } from './flags.js';
import { readScenarioJson } from './loadScenarioFile.js';
import { readHeyRuns } from './readHeyRuns.js';

export const compareCommand = defineCommand({
  command: 'compare <scenario> <hey..>',
  describe: 'Simulate the scenario as each hey run ran, and print measured and simulated side by side',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
      .positional('hey', { type: 'string', array: true, demandOption: true, describe: "Files holding hey's output" })
      .option('json', jsonOption)
      .option('set', setOption)
      .example('$0 compare calibration/linux-2core.json calibration/results/patched-c125.r1.txt', 'one run')
      .example('$0 compare s.json out.txt --set client.concurrency=100', '-c for an output saved without its command line'),
  handler: (args, io) => {
    const json = jsonTarget(args.json);
    const raw = readScenarioJson(args.scenario);
    const runs = readHeyRuns(args.hey);
    const comparisons = compareRuns(raw, runs, args.set, args.scenario);
    io.out(withJson(json, () => JSON.stringify(comparisons, null, 2) + '\n', () => compareText(comparisons, args.scenario)));
  },
});
