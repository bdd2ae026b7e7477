// sim plan <scenario> --target-rps X --p99 Y --vary ...: the cheapest configuration of the
// grid that meets the targets.
import type { Argv } from 'yargs';
import { plan } from '../analysis/plan.js';
import { planText } from '../analysis/planText.js';
import { runSweep, prepareSweep } from '../analysis/sweep.js';
import { parseDuration } from '../scenario/duration.js';
import { UserError } from '../scenario/errors.js';
import type { Io } from './main.js';
import { loadSweep } from './loadSweep.js';
import { checkJobs, gridOptions, progressFor } from './sweepOptions.js';

export function planCommand<T>(y: Argv<T>, io: Io) {
  return y.command(
    'plan <scenario>',
    'Find the cheapest configuration (fewest workers, then connections) that meets the targets',
    (c) =>
      gridOptions(c)
        .option('target-rps', { type: 'number', demandOption: true, describe: '2xx responses per second to serve' })
        .option('p99', { type: 'string', demandOption: true, describe: 'hey p99 at most: seconds, or "300ms"' })
        .option('max-errors', { type: 'number', default: 0, describe: '5xx responses plus transport errors allowed per run' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON' })
        .example('$0 plan s.json --target-rps 800 --p99 300ms --vary server.workers=1..8 --vary server.workerConnections=50..500:50', ''),
    async (args) => {
      const targets = {
        requestsPerSec: positive(args.targetRps, '--target-rps'),
        p99: seconds(args.p99),
        maxErrors: whole(args.maxErrors, '--max-errors'),
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

function positive(x: number, flag: string): number {
  if (!(x > 0)) throw new UserError(`${flag}: expected a number > 0, got ${x}`);
  return x;
}

function whole(x: number, flag: string): number {
  if (!Number.isInteger(x) || x < 0) throw new UserError(`${flag}: expected a whole number >= 0, got ${x}`);
  return x;
}

function seconds(text: string): number {
  const v = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : parseDuration(text);
  if (v === undefined || !(v > 0)) throw new UserError(`--p99: expected seconds (0.3) or a duration ("300ms"), got ${text}`);
  return v;
}
