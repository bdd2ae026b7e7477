// Held-out validation: every configuration the calibration kit ran, predicted from a
// scenario of measured costs only, and compared with the real runs. The real stack varies
// from run to run (a storm most of all), so both sides are a median and a range: the
// real side over the kit's repetitions, the simulated side over several seeds.
import { simulate } from '../model/system.js';
import { summarize, type RunSummary } from '../report/summary.js';
import { applyOverride } from '../scenario/overrides.js';
import type { HeyRun } from './heyRun.js';
import { scenarioForRun } from './scenarioForRun.js';

export interface ValidationConfig {
  /** The kit's name for it: results/NAME.rN.txt. */
  name: string;
  /** What it is, for the table. */
  label: string;
  /** --set expressions that turn the measured scenario into this configuration. */
  set: string[];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface Side {
  runs: number;
  requestsPerSec: Spread;
  /** Fraction of results that were 500s. */
  fraction500: Spread;
  /** Slowest - Fastest, seconds. */
  spread: Spread;
}

export interface ValidationRow {
  config: ValidationConfig;
  real: Side;
  simulated: Side;
  /** (simulated - real) / real, of the medians of Requests/sec. */
  rpsError: number;
  /** simulated - real, of the medians of the 500 fraction, in points (0-100). */
  points500: number;
}

/** Within ±15 % on Requests/sec and 10 points on the 500 fraction (issue 15's targets). */
export const RPS_TOLERANCE = 0.15;
export const POINTS_500_TOLERANCE = 10;

export function spreadOf(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0], max: s[n - 1] };
}

function side(figures: { rps: number; f500: number; spread: number }[]): Side {
  return {
    runs: figures.length,
    requestsPerSec: spreadOf(figures.map((f) => f.rps)),
    fraction500: spreadOf(figures.map((f) => f.f500)),
    spread: spreadOf(figures.map((f) => f.spread)),
  };
}

function realFigures(run: HeyRun) {
  const r = run.report;
  const results = r.responses + r.errorCount;
  return {
    rps: r.summary.requestsPerSec,
    f500: results > 0 ? (r.statusCodes['500'] ?? 0) / results : 0,
    spread: (r.summary.slowest ?? 0) - (r.summary.fastest ?? 0),
  };
}

function simulatedFigures(s: RunSummary) {
  const results = s.summary.responses + s.summary.errors;
  return {
    rps: s.summary.requestsPerSec,
    f500: results > 0 ? (s.statusCodes['500'] ?? 0) / results : 0,
    spread: (s.summary.slowest ?? 0) - (s.summary.fastest ?? 0),
  };
}

/**
 * `raw`: the measured scenario as parsed JSON; `runs`: the kit's saved runs of `config`
 * (their `$ hey` line sets the client); `seeds`: the simulated repetitions.
 */
export function validateConfig(raw: unknown, source: string, config: ValidationConfig, runs: readonly HeyRun[], seeds: readonly number[]): ValidationRow {
  if (runs.length === 0) throw new Error(`validation: no saved runs of ${config.name}`);
  const real = side(runs.map(realFigures));
  const sims = seeds.map((seed) => {
    const copy = structuredClone(raw);
    applyOverride(copy, `seed=${seed}`);
    const { scenario } = scenarioForRun(copy, runs[0], config.set, source);
    return simulatedFigures(summarize(simulate(scenario, { timeSeries: false }), config.name, seed));
  });
  const simulated = side(sims);
  return {
    config,
    real,
    simulated,
    rpsError: (simulated.requestsPerSec.median - real.requestsPerSec.median) / real.requestsPerSec.median,
    points500: 100 * (simulated.fraction500.median - real.fraction500.median),
  };
}

export function withinTargets(row: ValidationRow): boolean {
  return Math.abs(row.rpsError) <= RPS_TOLERANCE && Math.abs(row.points500) <= POINTS_500_TOLERANCE;
}

const rps = (s: Spread) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;
const pct = (s: Spread) => `${(100 * s.median).toFixed(0)} (${(100 * s.min).toFixed(0)}-${(100 * s.max).toFixed(0)})`;
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** The table of docs/validation.md: one row per configuration, misses in bold. */
export function validationTable(rows: readonly ValidationRow[]): string {
  const lines = [
    '| configuration | real req/s, median (range) | simulated | error | real 500s %, median (range) | simulated | points |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const bold = (ok: boolean, text: string) => (ok ? text : `**${text}**`);
    lines.push(
      `| ${r.config.label} (${r.real.runs} runs) | ${rps(r.real.requestsPerSec)} | ${rps(r.simulated.requestsPerSec)} | ${bold(
        Math.abs(r.rpsError) <= RPS_TOLERANCE,
        `${signed(100 * r.rpsError, 1)} %`,
      )} | ${pct(r.real.fraction500)} | ${pct(r.simulated.fraction500)} | ${bold(Math.abs(r.points500) <= POINTS_500_TOLERANCE, signed(r.points500, 1))} |`,
    );
  }
  return lines.join('\n');
}

/** Slowest - Fastest, real and simulated, for the rows that ask for it. */
export function spreadTable(rows: readonly ValidationRow[]): string {
  const lines = ['| configuration | real Slowest - Fastest, median (range) | simulated | error |', '|---|---|---|---|'];
  for (const r of rows) {
    const s = (x: Spread) => `${x.median.toFixed(3)} s (${x.min.toFixed(3)}-${x.max.toFixed(3)})`;
    const err = (r.simulated.spread.median - r.real.spread.median) / r.real.spread.median;
    lines.push(`| ${r.config.label} | ${s(r.real.spread)} | ${s(r.simulated.spread)} | ${signed(100 * err, 0)} % |`);
  }
  return lines.join('\n');
}
