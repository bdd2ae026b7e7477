// Held-out validation: every configuration the calibration kit ran, predicted from a
// scenario of measured costs only, and compared with the real runs. The real stack varies
// from run to run (a storm most of all), so both sides are a median and a range: the
// real side over the kit's repetitions, the simulated side over several seeds.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../model/system.js';
import { stackKind, type StackKind } from '../../report/stackKind.js';
import { summarize, type RunSummary } from '../../report/summary.js';
import { applyOverride } from '../../scenario/overrides.js';
import { validateScenario } from '../../scenario/load.js';
import { parseHeyRun, type HeyRun } from './heyRun.js';
import { scenarioForRun } from './scenarioForRun.js';
import { spreadSummary, spreadTable } from './spreadTable.js';
import { kindTable } from './kindTable.js';
import { POINTS_500_TOLERANCE, RPS_TOLERANCE, rangesOverlap, spreadOf, withinTargets } from './targets.js';
import { withSign } from '../format.js';

// Where the page's tables read them before targets.ts; scripts and tests import them from here.
export { POINTS_500_TOLERANCE, RPS_TOLERANCE, rangesOverlap, spreadOf, withinTargets } from './targets.js';

export interface ValidationConfig {
  /** The kit's name for it: results/NAME.rN.txt (several names: their runs are pooled). */
  name: string | string[];
  /** What it is, for the table. */
  label: string;
  /** --set expressions that turn the measured scenario into this configuration. */
  set: string[];
  /** Show Slowest - Fastest for it. */
  spread?: boolean;
  /** A storm: the real and simulated ranges should overlap. */
  storm?: boolean;
  /** Its own measured scenario (another stack of the kit, e.g. the uvicorn one), instead of the plan's. */
  scenario?: string;
}

/** calibration/validation.json. */
export interface ValidationPlan {
  description: string;
  scenario: string;
  seeds: number;
  /**
   * The seeds of a row whose spread (Slowest - Fastest) is compared; `seeds` when absent. A
   * wave's spread in the model can take two shapes from seed to seed (one cohort, or a few
   * connections a stage ahead), so the median of a few seeds falls in whichever shape most of
   * them took; its median needs more seeds than a throughput's does.
   */
  spreadSeeds?: number;
  /** --set expressions applied to every simulated row first (the machine's own, measured: its speed from run to run). */
  set?: string[];
  /** --set expressions for the rows of one scenario file, after `set` (a series that ran on another machine). */
  scenarioSet?: Record<string, string[]>;
  /** --set expressions that the word ACTORS stands for in a configuration's `set`. */
  actors: string[];
  configurations: ValidationConfig[];
  /** Start-up storms: a scenario whose workers' pools open at start-up, and the kit's records of the real ones (files in results). */
  bootStorms?: { label: string; scenario: string; set?: string[]; runs: string[] }[];
  /**
   * Series kept out of the defaults' medians (scenario file to why): one predicted first from
   * the defaults stays a test of them, priced with the median of every series that made them.
   */
  heldOutOfDefaults?: Record<string, string>;
}

/** A start-up storm, real and simulated: pools that failed to start, connections PostgreSQL refused, the start-up's length. */
export interface BootStormRow {
  label: string;
  runs: number;
  real: { failedPools: Spread; refused: Spread; startup: Spread | undefined };
  simulated: { failedPools: Spread; refused: Spread; startup: Spread };
}

/**
 * The start-up's length in a kit record: from the first worker's fork to the last pool's
 * end, as the app logged them (undefined in a record without the workers' lines).
 */
export function recordedStartup(text: string): number | undefined {
  const times = (re: RegExp) => [...text.matchAll(re)].map((m) => Number(m[1]));
  const forks = times(/forked=([\d.]+)/g);
  const ends = times(/end=([\d.]+)/g);
  if (forks.length === 0 || ends.length === 0) return undefined;
  return Math.max(...ends) - Math.min(...forks);
}

/** Runs the plan's start-up storms: the real figures from the kit's records, the simulated over the seeds. */
export function runBootStorms(root: string, planFile: string, results: string): BootStormRow[] {
  const plan = JSON.parse(readFileSync(join(root, planFile), 'utf8')) as ValidationPlan;
  const seeds = Array.from({ length: plan.seeds }, (_, i) => i + 1);
  return (plan.bootStorms ?? []).map((b) => {
    const records = b.runs.map((f) => {
      const text = readFileSync(join(root, results, f), 'utf8');
      const figure = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
      return {
        failedPools: figure(/workers whose pool failed at start-up: (\d+)/),
        refused: figure(/postgres too many clients: (\d+)/),
        startup: recordedStartup(text),
      };
    });
    const raw = JSON.parse(readFileSync(join(root, b.scenario), 'utf8'));
    for (const expression of settingsOf(plan, { scenario: b.scenario, set: b.set ?? [] })) applyOverride(raw, expression);
    const sims = seeds.map((seed) => {
      const s = validateScenario({ ...raw, seed }, b.scenario);
      const result = simulate(s, { timeSeries: false });
      const pool = result.database?.asyncpgPool;
      return {
        failedPools: pool?.failedPools ?? 0,
        refused: pool?.startupRefusals ?? 0,
        startup: (result.server.startup?.duration ?? 0) / 1e6,
      };
    });
    const startups = records.flatMap((r) => (r.startup === undefined ? [] : [r.startup]));
    return {
      label: b.label,
      runs: records.length,
      real: {
        failedPools: spreadOf(records.map((r) => r.failedPools)),
        refused: spreadOf(records.map((r) => r.refused)),
        startup: startups.length === records.length ? spreadOf(startups) : undefined,
      },
      simulated: {
        failedPools: spreadOf(sims.map((x) => x.failedPools)),
        refused: spreadOf(sims.map((x) => x.refused)),
        startup: spreadOf(sims.map((x) => x.startup)),
      },
    };
  });
}

/** The start-up storms' table. */
export function bootStormTable(rows: readonly BootStormRow[]): string {
  const lines = [
    '| start-up storm | real pools failed, median (range) | simulated | real connections refused | simulated | error | real start-up, s | simulated |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const s = (x: Spread, digits = 0) => `${x.median.toFixed(digits)} (${x.min.toFixed(digits)}-${x.max.toFixed(digits)})`;
  for (const r of rows) {
    const err = (r.simulated.refused.median - r.real.refused.median) / r.real.refused.median;
    const startup = r.real.startup === undefined ? 'not recorded' : s(r.real.startup, 2);
    lines.push(
      `| ${r.label} (${r.runs} ${r.runs === 1 ? 'run' : 'runs'}) | ${s(r.real.failedPools)} | ${s(r.simulated.failedPools)} | ${s(r.real.refused)} | ${s(r.simulated.refused)} | ${withSign(100 * err, 0)} % | ${startup} | ${s(r.simulated.startup, 2)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The --set expressions of a configuration's simulated rows: the plan's own first, then
 * those of its scenario file, then the configuration's with ACTORS spelled out.
 */
export function settingsOf(
  plan: Pick<ValidationPlan, 'set' | 'scenarioSet' | 'actors' | 'scenario'>,
  config: Pick<ValidationConfig, 'set' | 'scenario'>,
): string[] {
  const file = config.scenario ?? plan.scenario;
  return [...(plan.set ?? []), ...(plan.scenarioSet?.[file] ?? []), ...config.set.flatMap((x) => (x === 'ACTORS' ? plan.actors : [x]))];
}

/** Runs every configuration of `planFile` (paths relative to `root`) against the saved runs in `results`. */
export function runValidation(root: string, planFile: string, results: string): ValidationRow[] {
  const plan = JSON.parse(readFileSync(join(root, planFile), 'utf8')) as ValidationPlan;
  const scenarios = new Map<string, unknown>();
  const rawOf = (file: string) => {
    if (!scenarios.has(file)) scenarios.set(file, JSON.parse(readFileSync(join(root, file), 'utf8')));
    return scenarios.get(file);
  };
  const files = readdirSync(join(root, results));
  const seeds = Array.from({ length: plan.seeds }, (_, i) => i + 1);
  const spreadSeeds = Array.from({ length: plan.spreadSeeds ?? plan.seeds }, (_, i) => i + 1);
  return plan.configurations.map((config) => {
    const names = Array.isArray(config.name) ? config.name : [config.name];
    const runs = files
      .filter((f) => names.some((n) => new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.r\\d+\\.txt$`).test(f)))
      .sort()
      .map((f) => parseHeyRun(readFileSync(join(root, results, f), 'utf8'), `${results}/${f}`));
    const set = settingsOf(plan, config);
    const scenario = config.scenario ?? plan.scenario;
    return validateConfig(rawOf(scenario), scenario, { ...config, set }, runs, config.spread === true ? spreadSeeds : seeds);
  });
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
  /** hey's Slowest and Fastest, seconds: which end of the spread moves. */
  slowest: Spread;
  fastest: Spread;
  /** hey's "95% in" and "99% in", seconds, over the runs that have it (undefined: none has: every request failed). */
  p95: Spread | undefined;
  p99: Spread | undefined;
}

export interface ValidationRow {
  config: ValidationConfig;
  real: Side;
  simulated: Side;
  /** (simulated - real) / real, of the medians of Requests/sec. */
  rpsError: number;
  /** simulated - real, of the medians of the 500 fraction, in points (0-100). */
  points500: number;
  /** (simulated - real) / real, of the medians of the p95 and p99 latency; undefined where either side has none. */
  p95Error: number | undefined;
  p99Error: number | undefined;
  /** The kind of stack it ran (report/stackKind.ts); undefined: none the kinds name. */
  kind: StackKind | undefined;
}

function side(figures: { rps: number; f500: number; slowest: number; fastest: number; p95: number | null; p99: number | null }[]): Side {
  const over = (xs: (number | null)[]) => {
    const have = xs.flatMap((x) => (x === null ? [] : [x]));
    return have.length === 0 ? undefined : spreadOf(have);
  };
  return {
    runs: figures.length,
    requestsPerSec: spreadOf(figures.map((f) => f.rps)),
    fraction500: spreadOf(figures.map((f) => f.f500)),
    spread: spreadOf(figures.map((f) => f.slowest - f.fastest)),
    slowest: spreadOf(figures.map((f) => f.slowest)),
    fastest: spreadOf(figures.map((f) => f.fastest)),
    p95: over(figures.map((f) => f.p95)),
    p99: over(figures.map((f) => f.p99)),
  };
}

function realFigures(run: HeyRun) {
  const r = run.report;
  const results = r.responses + r.errorCount;
  return {
    rps: r.summary.requestsPerSec,
    f500: results > 0 ? (r.statusCodes['500'] ?? 0) / results : 0,
    slowest: r.summary.slowest ?? 0,
    fastest: r.summary.fastest ?? 0,
    p95: r.latency.p95,
    p99: r.latency.p99,
  };
}

function simulatedFigures(s: RunSummary) {
  const results = s.summary.responses + s.summary.errors;
  return {
    rps: s.summary.requestsPerSec,
    f500: results > 0 ? (s.statusCodes['500'] ?? 0) / results : 0,
    slowest: s.summary.slowest ?? 0,
    fastest: s.summary.fastest ?? 0,
    p95: s.latency.p95,
    p99: s.latency.p99,
  };
}

/**
 * `raw`: the measured scenario as parsed JSON; `runs`: the kit's saved runs of `config`
 * (their `$ hey` line sets the client); `seeds`: the simulated repetitions.
 */
export function validateConfig(
  raw: unknown,
  source: string,
  config: ValidationConfig,
  runs: readonly HeyRun[],
  seeds: readonly number[],
): ValidationRow {
  if (runs.length === 0) throw new Error(`validation: no saved runs of ${config.name}`);
  const real = side(runs.map(realFigures));
  let kind: StackKind | undefined;
  const sims = seeds.map((seed) => {
    const copy = structuredClone(raw);
    applyOverride(copy, `seed=${seed}`);
    const { scenario } = scenarioForRun(copy, runs[0], config.set, source);
    kind = stackKind(scenario);
    return simulatedFigures(summarize(simulate(scenario, { timeSeries: false }), config.label, seed));
  });
  const simulated = side(sims);
  return {
    config,
    real,
    simulated,
    rpsError: (simulated.requestsPerSec.median - real.requestsPerSec.median) / real.requestsPerSec.median,
    points500: 100 * (simulated.fraction500.median - real.fraction500.median),
    p95Error: relativeError(simulated.p95, real.p95),
    p99Error: relativeError(simulated.p99, real.p99),
    kind,
  };
}

/** (simulated - real) / real of two medians; undefined where either is missing or the real one is 0. */
export function relativeError(simulated: Spread | undefined, real: Spread | undefined): number | undefined {
  if (simulated === undefined || real === undefined || real.median === 0) return undefined;
  return (simulated.median - real.median) / real.median;
}

const rps = (s: Spread) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;
const pct = (s: Spread) => `${(100 * s.median).toFixed(0)} (${(100 * s.min).toFixed(0)}-${(100 * s.max).toFixed(0)})`;

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
        `${withSign(100 * r.rpsError, 1)} %`,
      )} | ${pct(r.real.fraction500)} | ${pct(r.simulated.fraction500)} | ${bold(Math.abs(r.points500) <= POINTS_500_TOLERANCE, withSign(r.points500, 1))} |`,
    );
  }
  return lines.join('\n');
}

/** The generated part of docs/validation.md. */
export function validationSection(
  rows: readonly ValidationRow[],
  seeds: number,
  bootStorms: readonly BootStormRow[] = [],
  plan: Pick<ValidationPlan, 'set' | 'scenarioSet' | 'spreadSeeds'> = {},
): string {
  const own = Object.entries(plan.scenarioSet ?? {});
  const settings =
    (plan.set ?? []).length === 0
      ? ''
      : `, every row with ${code(plan.set!)}` +
        (own.length === 0
          ? ''
          : ` (${[...filesBySet(own)].map(([set, files]) => `${set} for the rows of ${files.join(', ')}`).join('; ')})`);
  const within = rows.filter(withinTargets).length;
  const storms = rows.filter((r) => r.config.storm === true);
  const spreads = rows.filter((r) => r.config.spread === true);
  return [
    `${within} of ${rows.length} configurations within ±${100 * RPS_TOLERANCE} % on Requests/sec and ${POINTS_500_TOLERANCE} points on the 500 fraction (medians; ${seeds} seeds per simulated row${plan.spreadSeeds === undefined ? '' : `, ${plan.spreadSeeds} for those whose spread is compared`}${settings}; **bold**: outside).`,
    '',
    'By kind of stack: [the table at the head of this page](#by-kind-of-stack).',
    '',
    'Row by row:',
    '',
    validationTable(rows),
    '',
    "Storms: do the seeds' ranges overlap the real runs' ranges (Requests/sec and the 500 fraction)?",
    '',
    ...storms.map((r) => `- ${r.config.label}: ${rangesOverlap(r) ? 'yes' : '**no**'}`),
    '',
    `The spread of the responses (Slowest - Fastest), where the model once had the connections open one after another (${plan.spreadSeeds ?? seeds} seeds a row):`,
    '',
    spreadTable(spreads),
    '',
    spreadSummary(spreads),
    ...(bootStorms.length === 0
      ? []
      : [
          '',
          `Start-up storms: each worker's asyncpg pool opens min_size connections before the first request (the kit's records of the real ones, and ${seeds} seeds; the start-up from the first worker's fork to the last pool's end):`,
          '',
          bootStormTable(bootStorms),
        ]),
  ].join('\n');
}

/** --set expressions as the page writes them: each in code. */
function code(expressions: readonly string[]): string {
  return expressions.map((x) => `\`${x}\``).join(', ');
}

/** The scenario files of `scenarioSet`, grouped by the settings they share (as code, in order of first appearance). */
function filesBySet(own: [string, string[]][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [file, set] of own) {
    const key = code(set);
    out.set(key, [...(out.get(key) ?? []), file]);
  }
  return out;
}

/**
 * The page's head: every row summed by kind of stack, where a reader asking how far to trust
 * an answer for their kind looks first (and `sim run`'s Validated: line sends them).
 */
export function kindsSection(rows: readonly ValidationRow[]): string {
  return [
    `Every machine and series together, ${rows.filter(withinTargets).length} of ${rows.length} rows within the targets (±${100 * RPS_TOLERANCE} % on Requests/sec and ${POINTS_500_TOLERANCE} points on the 500 fraction):`,
    '',
    kindTable(rows),
  ].join('\n');
}
