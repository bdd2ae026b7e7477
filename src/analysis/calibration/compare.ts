// Measured against simulated, figure by figure: for each hey run, the matching scenario
// is simulated and every figure both reports share is set side by side with the relative
// difference (simulated - measured) / measured.
import { simulate } from '../../model/system.js';
import { summarize, type RunSummary } from '../../report/summary.js';
import { HEY_PERCENTILES } from './heyOutput.js';
import { FAILED_GROUP, STATUS_GROUPS, type MeasuredRun } from './measuredRun.js';
import { scenarioForRun, type ClientSettingsSource } from './scenarioForRun.js';

/** Rows for one error message are named "error: <message>". */
export const ERROR_PREFIX = 'error: ';

export type MetricKind = 'rate' | 'seconds' | 'count';

export interface MetricRow {
  metric: string;
  kind: MetricKind;
  measured: number | null;
  simulated: number | null;
  /** (simulated - measured) / measured; null when undefined (a zero or missing side). */
  relative: number | null;
}

export interface RunComparison {
  source: string;
  command: string | undefined;
  /** The simulated client; null where it does not apply (no -q, no -z). */
  client: {
    requests: number | null;
    concurrency: number | null;
    rate: number | null;
    duration: number | null;
    timeout: number;
    keepAlive: boolean;
    /** Only where they apply (another tool's client): hey's runs keep their JSON as it was. */
    arrivalRate?: number;
    pacing?: 'ticker' | 'schedule';
    thinkTime?: unknown;
    /** Only when it is wrk's (count): hey's runs keep their JSON as it was. */
    timeoutMode?: 'count';
  };
  from: ClientSettingsSource;
  /** false when the simulation stopped before every request ended. */
  complete: boolean;
  rows: MetricRow[];
}

/**
 * Simulates the scenario matching each run and compares. With `budgets`, every run's
 * scenario is checked against its budgets before the first is simulated (one at a time:
 * many runs of a large scenario are not all held at once).
 */
export function compareRuns(
  raw: unknown,
  runs: readonly MeasuredRun[],
  sets: readonly string[],
  scenarioSource: string,
  options: { budgets?: boolean } = {},
): RunComparison[] {
  if (options.budgets === true) for (const run of runs) scenarioForRun(raw, run, sets, scenarioSource, options);
  return runs.map((run) => {
    const { scenario, from } = scenarioForRun(raw, run, sets, scenarioSource, options);
    const simulated = summarize(simulate(scenario, { timeSeries: false }), run.source, scenario.seed);
    const c = scenario.client;
    return {
      source: run.source,
      command: run.command?.text ?? run.commandText,
      client: {
        requests: c.requests ?? null,
        concurrency: c.concurrency ?? null,
        rate: c.rate ?? null,
        duration: c.duration ?? null,
        timeout: c.timeout,
        keepAlive: c.keepAlive,
        // Only for an open-loop tool's run: hey's runs keep their JSON as it was.
        ...(c.arrivals?.rate !== undefined ? { arrivalRate: c.arrivals.rate } : {}),
        ...(c.pacing !== undefined ? { pacing: c.pacing } : {}),
        ...(c.thinkTime !== undefined ? { thinkTime: c.thinkTime } : {}),
        ...(c.timeoutMode === 'count' ? { timeoutMode: 'count' as const } : {}),
      },
      from,
      complete: simulated.simulation.complete,
      rows: compareReports(run, simulated),
    };
  });
}

export function compareReports(run: MeasuredRun, sim: RunSummary): MetricRow[] {
  const m = run.report;
  if (run.tool !== undefined && run.tool !== 'hey') return toolRows(run, sim);
  const rows: MetricRow[] = [
    row('Requests/sec', 'rate', m.summary.requestsPerSec, sim.summary.requestsPerSec),
    row('Total', 'seconds', m.summary.total, sim.summary.total),
    row('Slowest', 'seconds', m.summary.slowest, sim.summary.slowest),
    row('Fastest', 'seconds', m.summary.fastest, sim.summary.fastest),
    row('Average', 'seconds', m.summary.average, sim.summary.average),
  ];
  for (const p of HEY_PERCENTILES) rows.push(row(`p${p}`, 'seconds', m.latency[`p${p}`], sim.latency[`p${p}`]));
  rows.push(row('responses', 'count', m.responses, sim.summary.responses));
  for (const code of unionKeys(m.statusCodes, sim.statusCodes)) {
    rows.push(row(`[${code}]`, 'count', m.statusCodes[code] ?? 0, sim.statusCodes[code] ?? 0));
  }
  rows.push(row('errors', 'count', m.errorCount, sim.summary.errors));
  for (const message of unionKeys(m.errors, sim.errors)) {
    rows.push(row(`${ERROR_PREFIX}${message}`, 'count', m.errors[message] ?? 0, sim.errors[message] ?? 0));
  }
  return rows;
}

/**
 * Rows for another tool's run: the figures it reports, status counts in its groups
 * (wrk's non-2xx/3xx, ab's non-2xx, locust's failed), errors as it counts them.
 */
function toolRows(run: MeasuredRun, sim: RunSummary): MetricRow[] {
  const m = run.report;
  const rows: MetricRow[] = [
    row('Requests/sec', 'rate', m.summary.requestsPerSec, sim.summary.requestsPerSec),
    row('Total', 'seconds', m.summary.total, sim.summary.total),
  ];
  if (m.summary.slowest !== null) rows.push(row('Slowest', 'seconds', m.summary.slowest, sim.summary.slowest));
  if (m.summary.fastest !== null) rows.push(row('Fastest', 'seconds', m.summary.fastest, sim.summary.fastest));
  if (m.summary.average !== null) rows.push(row('Average', 'seconds', m.summary.average, sim.summary.average));
  for (const p of HEY_PERCENTILES)
    if (m.latency[`p${p}`] !== null) rows.push(row(`p${p}`, 'seconds', m.latency[`p${p}`], sim.latency[`p${p}`]));
  const inStatus = run.errorCounting === 'in-status';
  rows.push(
    inStatus
      ? row('requests', 'count', m.responses, sim.summary.responses + sim.summary.errors)
      : row('responses', 'count', m.responses, sim.summary.responses),
  );
  if (run.statusGroups === undefined) {
    for (const code of unionKeys(m.statusCodes, sim.statusCodes))
      rows.push(row(`[${code}]`, 'count', m.statusCodes[code] ?? 0, sim.statusCodes[code] ?? 0));
  } else {
    for (const g of run.statusGroups) {
      const test = STATUS_GROUPS[g];
      let simulated = Object.entries(sim.statusCodes).reduce((a, [code, n]) => a + (test(Number(code)) ? n : 0), 0);
      if (g === FAILED_GROUP) simulated += sim.summary.errors;
      rows.push(row(`[${g}]`, 'count', m.statusCodes[g] ?? 0, simulated));
    }
  }
  // wrk counts a late response in its requests and again as a socket error (timeout); so does the simulation with wrk's timeout.
  if (run.errorCounting === 'total') rows.push(row('errors', 'count', m.errorCount, sim.summary.errors + (sim.summary.timeouts ?? 0)));
  return rows;
}

export function relativeDifference(measured: number | null, simulated: number | null): number | null {
  if (measured === null || simulated === null || measured === 0 || !Number.isFinite(measured)) return null;
  return (simulated - measured) / measured;
}

function row(metric: string, kind: MetricKind, measured: number | null, simulated: number | null): MetricRow {
  return { metric, kind, measured, simulated, relative: relativeDifference(measured, simulated) };
}

function unionKeys(a: Record<string, number>, b: Record<string, number>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
