// `sim fit`: the values of a few named scenario fields (the free parameters) that make
// the simulation reproduce measured hey runs best.
//
//   measured runs + scenario + free paths
//     -> objective(values) = mean over runs and targets of ((simulated - measured) / measured)^2
//     -> Nelder–Mead on the logarithms of the values (nelderMead.ts)
//     -> fitted values (rounded to the simulator's microsecond) and each run's residuals
//
// Why logarithms: the free parameters are durations of very different sizes (a 2 ms fork,
// a 1 s query); in log space one step is the same relative change for each, and a value
// can never turn negative. Why relative errors: runs at -c 10 and -c 1000 weigh alike.
// After the simplex converges it is restarted from the best point, a standard guard
// against a simplex that collapsed early on a flat stretch of a piecewise-constant
// objective; it stops once a restart brings no improvement.
import { simulate } from '../../model/system.js';
import { summarize, type RunSummary } from '../../report/summary.js';
import * as msg from '../../messages.js';
import { UserError, formatPath } from '../../scenario/errors.js';
import { validateScenario } from '../../scenario/load.js';
import { applyOverride, parseFieldPath, parseSetExpression, type Override } from '../../scenario/overrides.js';
import { relativeDifference } from './compare.js';
import { HEY_PERCENTILES, type HeyReport } from './heyOutput.js';
import type { MeasuredRun } from './measuredRun.js';
import { nelderMead } from '../math/nelderMead.js';
import { scenarioForRun } from './scenarioForRun.js';
import { MAX_SECONDS } from '../../scenario/units.js';

export const FIT_TARGETS = [
  'requestsPerSec',
  'total',
  'average',
  'fastest',
  'slowest',
  ...HEY_PERCENTILES.map((p) => `p${p}` as const),
] as const;
export type FitTarget = (typeof FIT_TARGETS)[number];

export interface FitOptions {
  /** Scenario paths such as database.forkTime; each must hold a number of seconds > 0. */
  free: readonly string[];
  targets?: readonly FitTarget[];
  maxEvaluations?: number;
  /**
   * The command line's: each run's scenario predictably beyond its budgets is refused, as
   * sim run refuses it (src/scenario/budgets.ts): every run at the starting values before
   * the first simulation, and each candidate's before it is simulated.
   */
  budgets?: boolean;
}

export interface Residual {
  target: FitTarget;
  /** null where hey printed no figure (no response, or too few for that percentile). */
  measured: number | null;
  simulated: number | null;
  relative: number | null;
}

export interface FitResult {
  parameters: { path: string; start: number; fitted: number }[];
  targets: FitTarget[];
  runs: { source: string; residuals: Residual[] }[];
  /** Root mean square of every relative residual, at the fitted values. */
  rmsRelativeError: number;
  evaluations: number;
  converged: boolean;
  /** The scenario file's JSON with the --set overrides and the fitted values applied. */
  calibrated: Record<string, unknown>;
}

const MICROSECOND = 1e-6;
const MAX_RESTARTS = 3;
/**
 * The most evaluations --max-evaluations allows a simplex search (the default is 400). A fit
 * converges in hundreds (docs/fit.md's two parameters: 139 in all; eighteen parameters: about
 * 2,300 over its restarts), and each evaluation simulates every measured configuration, up to
 * MAX_RESTARTS + 1 searches: a larger bound only lets a typo (1e9) run for days.
 */
export const MAX_FIT_EVALUATIONS = 10_000;
export const FIT_EVALUATIONS_WHY =
  'each evaluation simulates every measured configuration, and a fit converges in hundreds: more would run for hours';
/**
 * The most --free fields: a simplex search of n fields starts with n + 1 evaluations and has
 * taken about 130 a field to converge (eighteen fields: about 2,300, above), so past 64 it
 * could not be expected to converge within MAX_FIT_EVALUATIONS; and its simplex holds
 * (n + 1) x n values. Any number was taken: the starting simplex alone of 10,000 fields was
 * 10,001 simulations of every measured configuration, whatever --max-evaluations said.
 */
export const MAX_FIT_FREE = 64;

export function fit(raw: unknown, runs: readonly MeasuredRun[], sets: readonly string[], options: FitOptions, source: string): FitResult {
  if (options.free.length === 0)
    throw new UserError('sim fit: name the free parameters: --free database.forkTime,database.backendStartTime');
  if (runs.length === 0) throw new UserError('sim fit: give at least one hey output to fit to');
  if (options.free.length > MAX_FIT_FREE)
    throw new UserError(`--free ${msg.abbreviate(options.free.join(','))}: ${msg.tooManyFreeFields(options.free.length, MAX_FIT_FREE)}`);
  // The starting simplex is n + 1 evaluations, counted in the search's --max-evaluations: it
  // was spent whatever --max-evaluations said.
  const maxEvaluations = options.maxEvaluations ?? 400;
  if (maxEvaluations < options.free.length + 1)
    throw new UserError(`--max-evaluations ${maxEvaluations}: ${msg.evaluationsBelowSimplex(options.free.length)}`);
  // app.steps[1].time and app.steps.1.time are one field: compared as written the same way.
  const fields = options.free.map((p) => formatPath(parseFieldPath(p, `--free ${p}`)));
  const twice = options.free.find((_, i) => fields.indexOf(fields[i]) !== i);
  if (twice !== undefined) throw new UserError(`--free ${options.free.join(',')}: ${twice} is named twice; name each field once`);
  const targets = [...(options.targets ?? ['requestsPerSec'])];
  // A --set on a free parameter gives its starting value; the others are re-applied per run.
  const fixedSets = sets.filter((s) => !fields.includes(formatPath(parseSetExpression(s).path)));
  const base = structuredClone(raw) as Record<string, unknown>;
  const overrides = sets.map(parseSetExpression);
  for (const o of overrides) applyOverride(base, o);
  const label = sets.length > 0 ? `${source} (with --set)` : source;
  const start = startValues(base, options.free, label, overrides);

  const withValues = (values: number[]): Record<string, unknown> => {
    const candidate = structuredClone(base);
    for (const [i, path] of options.free.entries()) applyOverride(candidate, `${path}=${values[i]}`);
    return candidate;
  };
  const residualsAt = (values: number[]) => {
    const candidate = withValues(values);
    // Repeated measurements of one configuration share one simulation.
    const cache = new Map<string, RunSummary>();
    return runs.map((run) => {
      // The --set overrides go in again after the run's client settings, so they win there
      // as they do in sim compare.
      const { scenario } = scenarioForRun(candidate, run, fixedSets, source, { budgets: options.budgets });
      const key = JSON.stringify(scenario);
      let summary = cache.get(key);
      if (summary === undefined) {
        summary = summarize(simulate(scenario, { timeSeries: false }), run.source, scenario.seed);
        cache.set(key, summary);
      }
      return { source: run.source, residuals: targets.map((t) => residual(t, run.report, summary!)) };
    });
  };
  const objective = (logValues: number[]): number => meanSquare(residualsAt(toSeconds(logValues)));

  let x = start.map(Math.log);
  if (options.budgets === true) {
    // Every run as the first evaluation simulates it, checked before any is simulated.
    const first = withValues(toSeconds(x));
    for (const run of runs) scenarioForRun(first, run, fixedSets, source, { budgets: true });
  }
  let best = objective(x);
  let evaluations = 1;
  let converged = false;
  for (let restart = 0; restart <= MAX_RESTARTS; restart++) {
    const r = nelderMead(objective, x, {
      step: x.map(() => Math.log(2)),
      xTolerance: 1e-4,
      fTolerance: 1e-12,
      maxEvaluations,
    });
    evaluations += r.evaluations;
    converged = r.converged;
    const improved = r.value < best - 1e-12;
    if (r.value <= best) {
      best = r.value;
      x = r.x;
    }
    if (!improved || !r.converged) break;
  }

  const fitted = toSeconds(x);
  const final = residualsAt(fitted);
  const calibrated = withValues(fitted);
  calibrated.description = `${String(base.description ?? '').trim()} Calibrated by sim fit on ${runs.length} hey run(s) (${runs
    .map((r) => r.source)
    .join(', ')}), fitting ${targets.join(', ')}: ${options.free.map((p, i) => `${p} = ${fitted[i]} s`).join(', ')}.`.trim();
  return {
    parameters: options.free.map((path, i) => ({ path, start: start[i], fitted: fitted[i] })),
    targets,
    runs: final,
    rmsRelativeError: Math.sqrt(meanSquare(final)),
    evaluations,
    converged,
    calibrated,
  };
}

/**
 * Values in seconds, rounded to the simulator's clock (integer microseconds), and at most
 * the longest duration a field takes: a search from a long start (--set app.steps[0].time=1e9)
 * stepped to twice it, which the scenario refused as if the file had said it ("at
 * app.steps[0].time: expected a number <= 1000000000, got number 1999999999.999995").
 */
function toSeconds(logValues: number[]): number[] {
  return logValues.map((v) => Math.min(MAX_SECONDS, Math.round(Math.exp(v) / MICROSECOND) * MICROSECOND)).map((v) => Number(v.toFixed(6)));
}

function startValues(base: Record<string, unknown>, free: readonly string[], label: string, overrides: readonly Override[]): number[] {
  // A value a --set gave that the scenario refuses is named by the --set.
  const scenario = validateScenario(structuredClone(base), label, overrides);
  return free.map((path) => {
    const source = `--free ${path}`;
    const keys = parseFieldPath(path, source);
    let node: unknown = scenario;
    for (const [i, key] of keys.entries()) {
      if (Array.isArray(node) && (typeof key !== 'number' || key >= node.length)) {
        const n = node.length;
        const list = formatPath(keys.slice(0, i));
        const expected = n === 0 ? 'it is empty' : `expected an index from 0 to ${n - 1}, such as ${list}[0]`;
        throw new UserError(`${label}: ${source}: ${list} has ${n} item${n === 1 ? '' : 's'}: ${expected}`);
      }
      if (node === null || typeof node !== 'object') {
        node = undefined;
        break;
      }
      node = (node as Record<string | number, unknown>)[key];
    }
    if (node === undefined) {
      // Setting it shows whether the schema knows the field: a misspelt name gets the
      // schema's own message, with its "did you mean".
      const probe = structuredClone(base);
      applyOverride(probe, { path: keys, value: 1, source });
      validateScenario(probe, `${label} (${source})`);
      throw new UserError(`${label}: --free ${path}: the scenario has no value there to start from; add one to the file`);
    }
    if (typeof node !== 'number') {
      throw new UserError(`${label}: --free ${path}: holds ${JSON.stringify(node)}; sim fit fits plain numbers of seconds`);
    }
    // Only durations: a count (client.requests) or a ratio is no number of seconds. The schema
    // tells them apart: a duration field takes "1ms", no other number field does.
    // (The same value as a number and as "1 ms": only the string can fail, and only for a non-duration.)
    if (accepts(base, `${path}=${node}`, label) && !accepts(base, `${path}=${node * 1000}ms`, label)) {
      throw new UserError(
        `${label}: --free ${path}: holds ${node}, not a duration in seconds; sim fit fits durations such as database.forkTime or app.steps.1.time`,
      );
    }
    if (!(node > 0))
      throw new UserError(`${label}: --free ${path}: starts at ${node}; sim fit needs a starting value > 0 (--set ${path}=0.001)`);
    return node;
  });
}

function accepts(base: Record<string, unknown>, set: string, label: string): boolean {
  const probe = structuredClone(base);
  applyOverride(probe, set);
  try {
    validateScenario(probe, label);
    return true;
  } catch (e) {
    if (e instanceof UserError) return false;
    throw e;
  }
}

function residual(target: FitTarget, m: HeyReport, s: RunSummary): Residual {
  let measured: number | null;
  let simulated: number | null;
  if (target === 'requestsPerSec' || target === 'total' || target === 'average' || target === 'fastest' || target === 'slowest') {
    measured = m.summary[target];
    simulated = s.summary[target];
  } else {
    measured = m.latency[target];
    simulated = s.latency[target];
  }
  return { target, measured, simulated, relative: relativeDifference(measured, simulated) };
}

function meanSquare(runs: { residuals: Residual[] }[]): number {
  let sum = 0;
  let count = 0;
  for (const r of runs) {
    for (const x of r.residuals) {
      if (x.measured === null || x.measured === 0) continue;
      // A measured figure the simulation cannot produce (no responses) counts as 100 % off.
      const e = x.relative ?? 1;
      sum += e * e;
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}
