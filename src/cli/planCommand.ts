// sim plan <scenario> --target-rps X --p99 Y --vary ...: the cheapest configuration of the
// grid that meets the targets.
import type { Argv } from 'yargs';
import { plan } from '../analysis/plan/plan.js';
import { planText } from '../analysis/plan/planText.js';
import { runSweep, prepareSweep } from '../analysis/sweep/sweep.js';
import { parseDuration } from '../scenario/duration.js';
import { UserError } from '../scenario/errors.js';
import type { Io } from './main.js';
import { loadSweep } from './loadSweep.js';
import { checkJobs, gridOptions, progressFor } from './sweepOptions.js';
import { numberFlag, singleValue } from './flags.js';

export function planCommand<T>(y: Argv<T>, io: Io) {
  return y.command(
    'plan <scenario>',
    'Find the cheapest configuration (fewest workers, then connections) that meets the targets',
    (c) =>
      gridOptions(c)
        .option('target-rps', { type: 'string', demandOption: true, describe: '2xx responses per second to serve' })
        .option('p99', { type: 'string', demandOption: true, describe: 'hey p99 at most: seconds, or "300ms"' })
        .option('max-errors', { type: 'string', describe: '5xx responses plus transport errors allowed per run (0)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON' })
        .example('$0 plan s.json --target-rps 800 --p99 300ms --vary server.workers=1..8 --vary server.workerConnections=50..500:50', ''),
    async (args) => {
      const targets = {
        requestsPerSec: numberFlag('--target-rps', args['target-rps'], { whole: false, min: 0, above: true }, '500')!,
        p99: seconds(singleValue('--p99', args.p99, '300ms')!),
        maxErrors: numberFlag('--max-errors', args['max-errors'], { whole: true, min: 0 }, '0') ?? 0,
      };
      const def = loadSweep(args, 'plan');
      const progress = progressFor(io, 'plan');
      const prepared = prepareSweep(def);
      const out = await runSweep(def, { jobs: checkJobs(args.jobs), onProgress: progress.onProgress }, prepared).finally(progress.end);
      const result = plan(out.sweep, out.points.map((point) => ({ result: point, scenario: prepared.points[point.index].scenario })), targets);
      io.out(args.json ? JSON.stringify(result, null, 2) + '\n' : planText(result));
    },
  );
}

function seconds(text: string): number {
  const v = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : parseDuration(text);
  if (v === undefined || !(v > 0)) throw new UserError(`--p99: expected seconds (0.3) or a duration ("300ms"), got ${text}`);
  return v;
}
