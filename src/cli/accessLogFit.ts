// sim fit <base.json> --access-log FILE: the load of a production access log, as a
// scenario (src/analysis/calibration/accessLog.ts), on the base scenario's server and database.
import {
  fitAccessLog,
  logTimeBudget,
  parseAccessLog,
  scenarioFromAccessLog,
  type AccessLogFit,
} from '../analysis/calibration/accessLog.js';
import { table } from '../analysis/calibration/compareText.js';
import { UserError } from '../scenario/errors.js';
import { validateScenario } from '../scenario/load.js';
import { applyOverride } from '../scenario/overrides.js';
import { parseDuration } from '../scenario/duration.js';
import { jsonTarget, withJson } from './jsonOutput.js';
import { atomicWrite, checkDistinct, checkWritable } from './atomicWrite.js';
import { singleValue } from './flags.js';
import { readScenarioJson, readText } from './loadScenarioFile.js';
import type { Io } from './main.js';
import { printable } from './printable.js';

/**
 * The longest --interval: a day. Each step's rate is its requests / the interval, to 6
 * decimals: at --interval 1e20 one request's rate was 0 and the fitted scenario was refused
 * at client.arrivals.rate, a field the user never wrote.
 */
const MAX_INTERVAL = 86_400;

export interface AccessLogArgs {
  scenario: string;
  'access-log'?: unknown;
  interval?: unknown;
  empirical?: boolean;
  out?: unknown;
  /** --json as every command takes it: alone, the result on stdout; --json FILE writes it there. */
  json?: unknown;
  set: string[];
}

export function accessLogFit(args: AccessLogArgs, io: Io): void {
  const path = singleValue('--access-log', args['access-log'], 'access.log')!;
  const intervalText = singleValue('--interval', args.interval, '10s');
  let interval: number | undefined;
  if (intervalText !== undefined) {
    interval = /^\d+(\.\d+)?$/.test(intervalText.trim()) ? Number(intervalText) : parseDuration(intervalText);
    if (interval === undefined || !(interval >= 1 && interval <= MAX_INTERVAL))
      throw new UserError(
        `--interval ${intervalText}: expected the seconds of each rate step, from 1 (the log's resolution) to ${MAX_INTERVAL} (a day), e.g. --interval 10s`,
      );
  }
  const json = jsonTarget(args.json, [args.scenario, path]);
  const out = singleValue('--out', args.out, 'fitted.json');
  // The fitted scenario may replace the base scenario (an update in place), not the log.
  if (out !== undefined) checkWritable(out, '--out', [path]);
  checkDistinct([
    ['--json', json],
    ['--out', out],
  ]);
  const base = readScenarioJson(args.scenario);
  if (base === null || typeof base !== 'object' || Array.isArray(base)) {
    validateScenario(base, args.scenario);
    throw new UserError(`${args.scenario}: expected a scenario object`);
  }
  const log = parseAccessLog(readText(path, 'the access log', 'an access log file'), path);
  const fit = fitAccessLog(log, interval, path);
  const given = limitOf(base, 'maxSimTime');
  const scenario = scenarioFromAccessLog(base as Record<string, unknown>, fit, { empirical: Boolean(args.empirical), source: path });
  for (const s of args.set) applyOverride(scenario, s);
  validateScenario(structuredClone(scenario), `${args.scenario} (with the load of ${path}${args.set.length > 0 ? ', and --set' : ''})`);
  // The simulated-time budget the log's span needs, where the scenario carries it (not the base's, nor a --set's other value).
  const budget = logTimeBudget(fit);
  const maxSimTime = budget !== undefined && given === undefined && limitOf(scenario, 'maxSimTime') === budget ? budget : null;
  if (out !== undefined) atomicWrite(out, `${JSON.stringify(scenario, null, 2)}\n`, '--out');
  io.out(
    withJson(
      json,
      () =>
        `${JSON.stringify({ accessLog: path, timeUnit: log.timeUnit, skippedLines: log.skipped, ...fit, maxSimTime, out: out ?? null }, null, 2)}\n`,
      () =>
        printable(
          accessLogText(path, log.timeUnit, fit, maxSimTime, log.skipped) +
            (out !== undefined ? `Wrote the scenario to ${out}\n` : 'Not written: give --out FILE to save the scenario.\n'),
          Number.POSITIVE_INFINITY,
        ),
    ),
  );
}

function limitOf(scenario: unknown, key: string): unknown {
  const limits = (scenario as { limits?: unknown }).limits;
  return limits !== null && typeof limits === 'object' ? (limits as Record<string, unknown>)[key] : undefined;
}

/** `maxSimTime`: the budget the scenario carries for the log's span (logTimeBudget), if it does. */
export function accessLogText(path: string, unit: string, fit: AccessLogFit, maxSimTime: number | null = null, skipped = 0): string {
  const a = fit.arrivals;
  const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  const lines = [
    `${path}: ${a.requests} requests over ${a.span.toFixed(1)} s, times in ${unit}`,
    ...(skipped === 0
      ? []
      : [
          `  left out: ${skipped} line${skipped === 1 ? '' : 's'} no application served (gunicorn's error log; nginx's 400s and 408s to bytes that were no request line)`,
        ]),
    `  arrivals: ${a.meanRate.toFixed(2)}/s on average, open loop, Poisson at each ${a.interval} s interval's rate (${a.rates.length} steps, ${Math.min(...a.rates)} to ${Math.max(...a.rates)}/s)`,
    `  burstiness: ${a.dispersion} (variance / mean of the arrivals per second; 1 for Poisson at a steady rate${a.dispersion > 1.5 ? ': burstier than that' : ''})`,
    ...(maxSimTime === null
      ? []
      : [
          `  budget: limits.maxSimTime = ${maxSimTime} s, twice the ${a.rates.length * a.interval} s of the rate steps (the default hour is shorter than the log)`,
        ]),
    '',
    ...table(
      ['endpoint', 'requests', 'share', 'median', 'p90', 'lognormal median', 'sigma'],
      fit.endpoints.map((e) => [
        e.name,
        String(e.count),
        `${(e.share * 100).toFixed(1)} %`,
        ms(e.median),
        ms(e.p90),
        ms(e.lognormal.median),
        String(e.lognormal.sigma),
      ]),
    ),
    '',
    "Assumed: the logged time is the server's for the request, queueing in it included (fit a quiet",
    'period, when requests did not wait for each other), and it is waiting (IO), a sleep step.',
    '',
  ];
  return lines.join('\n');
}
