// What measuring buys: the kit's rows of every series that measured its own machine's
// costs, priced again with other costs in place of that series' own, everything else as the
// series ran it (the machine's settings, the app's query, each row's --set). The costs this
// project ships, the schema's defaults, are for every machine cost the median over those
// series (calibration/defaults-linux-2core.json); a user who measures nothing runs on them,
// on a machine the kit never saw, so their honest price is each series priced with the
// median over the other series, its own costs playing no part.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { meanSeconds } from '../../scenario/durations.js';
import { runValidation, type ValidationConfig, type ValidationPlan, type ValidationRow } from './validation.js';

/** The schema's defaults with their provenance (calibration/defaults.mjs writes it). */
export const SHIPPED_SCENARIO = 'calibration/defaults-linux-2core.json';

/**
 * The costs a series measures on its machine (src/scenario/costs.ts's registry less the
 * app's own, the query's CPU and a handler's CPU step), by section; and those of the connect step.
 */
export const MACHINE_COSTS: Record<string, readonly string[]> = {
  client: ['requestCpu', 'dialCpu'],
  server: ['requestCpu', 'acceptCpu', 'switchCpu', 'errorCpu'],
  machine: ['wakeupLatency'],
  database: [
    'forkTime',
    'backendStartTime',
    'postmasterCpu',
    'postmasterWakeCpu',
    'backendStartupCpu',
    'backendBeforeSetsidCpu',
    'backendStartCpu',
    'backendBeforeAuthCpu',
    'backendExitCpu',
    'refusedCpu',
    'transactionControlCpu',
  ],
};
export const CONNECT_COSTS = ['cpu', 'startCpu', 'turnCpu', 'backToBackShare', 'contendedCpu'];

/**
 * Of those, the ones the defaults take from the kit's machines: every connect cost, and
 * every section's but the wake-up latency's (it applies only with machine.runQueues
 * per-core, not the default).
 */
export const DEFAULTED_COSTS: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(MACHINE_COSTS).filter(([section]) => section !== 'machine'),
);

type Raw = Record<string, any>;

/** `raw` with every machine cost taken from `shipped` (removed where it has none: the schema's default then). */
export function withShippedCosts(raw: Raw, shipped: Raw): Raw {
  const out = structuredClone(raw);
  for (const [section, keys] of Object.entries(MACHINE_COSTS)) {
    if (out[section] === undefined) continue;
    for (const k of keys) {
      if (shipped[section]?.[k] !== undefined) out[section][k] = shipped[section][k];
      else delete out[section][k];
    }
  }
  const from = (shipped.app?.steps ?? []).find((s: Raw) => s.kind === 'dbConnect') ?? {};
  for (const step of out.app?.steps ?? []) {
    if (step.kind !== 'dbConnect') continue;
    for (const k of CONNECT_COSTS) {
      if (from[k] !== undefined) step[k] = from[k];
      else delete step[k];
    }
  }
  return out;
}

/** A series of the kit that measured its own machine (a scenario of its own); `auth`: with that pg_hba.conf method. */
function measuredItsOwn(root: string, file: string, auth = 'scram-sha-256'): boolean {
  if (!/^calibration\/measured-linux-2core(-.*)?\.json$/.test(file)) return false;
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8')) as Raw;
  return (raw.database?.authMethod ?? 'scram-sha-256') === auth;
}

const connectOf = (raw: Raw): Raw => (raw.app?.steps ?? []).find((s: Raw) => s.kind === 'dbConnect') ?? {};

/**
 * Of the series' figures for one cost, the median (the lower of the two middle ones of an
 * even count, so that it is one series' figure); a distribution counts, and is given, as its mean.
 */
export function medianOf(figures: readonly { value: unknown; series: string }[]): {
  seconds: number;
  series: string;
  low: number;
  high: number;
} {
  const sorted = figures.map((f) => ({ seconds: meanSeconds(f.value as never), series: f.series })).sort((a, b) => a.seconds - b.seconds);
  const m = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...m, low: sorted[0]!.seconds, high: sorted[sorted.length - 1]!.seconds };
}

/** Every defaulted cost's figures over `series` (scenario file to its parsed content), by section and key. */
export function costFigures(
  series: ReadonlyMap<string, Raw>,
): { section: string; key: string; figures: { value: unknown; series: string }[] }[] {
  const out: { section: string; key: string; figures: { value: unknown; series: string }[] }[] = [];
  const gather = (section: string, key: string, of: (raw: Raw) => unknown) =>
    out.push({ section, key, figures: [...series].flatMap(([f, raw]) => (of(raw) === undefined ? [] : [{ value: of(raw), series: f }])) });
  for (const [section, keys] of Object.entries(DEFAULTED_COSTS)) for (const k of keys) gather(section, k, (raw) => raw[section]?.[k]);
  for (const k of CONNECT_COSTS) gather('connect', k, (raw) => connectOf(raw)[k]);
  return out.filter((c) => c.figures.length > 0);
}

/** For every defaulted cost, the median over `series`, in the shape withShippedCosts takes. */
export function medianCosts(series: ReadonlyMap<string, Raw>): Raw {
  const out: Raw = { app: { steps: [{ kind: 'dbConnect' }] } };
  for (const { section, key, figures } of costFigures(series)) {
    const { seconds } = medianOf(figures);
    if (section === 'connect') out.app.steps[0][key] = seconds;
    else out[section] = { ...out[section], [key]: seconds };
  }
  return out;
}

/** Leave one series out: for a series, the median over every other one (over them all for a series held out of them). */
export function othersMedians(series: ReadonlyMap<string, Raw>): (file: string) => Raw {
  return (file) => medianCosts(new Map([...series].filter(([f]) => f !== file)));
}

/** The series of the kit that measured their own machine with scram-sha-256 (or `auth`) and make the defaults, each file's content. */
export function ownSeriesCosts(root: string, planFile: string, auth = 'scram-sha-256'): Map<string, Raw> {
  const plan = JSON.parse(readFileSync(join(root, planFile), 'utf8')) as ValidationPlan;
  return new Map(ownSeries(root, plan, auth).map((f) => [f, JSON.parse(readFileSync(join(root, f), 'utf8')) as Raw]));
}

export interface ShippedTransfer {
  /** Where the configurations it prices again are in the plan's list (and in runValidation's rows). */
  indices: number[];
  /** Each of them priced with the shipped costs. */
  rows: ValidationRow[];
}

/**
 * The series of `plan` that measured their own machine (their scenario files), with
 * scram-sha-256 or `auth`, and that the defaults are made from: not those it holds out of them.
 */
export function ownSeries(root: string, plan: ValidationPlan, auth = 'scram-sha-256'): string[] {
  return [...new Set(plan.configurations.map((c) => c.scenario ?? plan.scenario))].filter(
    (f) => measuredItsOwn(root, f, auth) && plan.heldOutOfDefaults?.[f] === undefined,
  );
}

/**
 * Prices again the rows of `planFile` (paths relative to `root`) whose series measured its
 * own machine with scram-sha-256, each series with `costsFor` it: by default the median over
 * the other series, what the defaults give a machine the kit did not measure. `reshape`
 * changes each series' file beyond its costs (its machine's settings); `keep` leaves rows out.
 */
export function runShippedTransfer(
  root: string,
  planFile: string,
  results: string,
  costsFor: (series: string) => Raw = othersMedians(ownSeriesCosts(root, planFile)),
  { reshape = (raw: Raw) => raw, keep = () => true }: { reshape?: (raw: Raw) => Raw; keep?: (row: ValidationConfig) => boolean } = {},
): ShippedTransfer {
  const plan = JSON.parse(readFileSync(join(root, planFile), 'utf8')) as ValidationPlan;
  const indices = plan.configurations.flatMap((c, i) => (measuredItsOwn(root, c.scenario ?? plan.scenario) && keep(c) ? [i] : []));
  const configurations = indices.map((i) => plan.configurations[i]!);
  const fileOf = (c: (typeof configurations)[number]) => c.scenario ?? plan.scenario;
  const files = [...new Set(configurations.map(fileOf))];
  const tag = `${process.pid}`;
  const temporary = new Map(files.map((f) => [f, `calibration/.shipped-${tag}-${basename(f)}`]));
  const planOut = `calibration/.shipped-${tag}-plan.json`;
  const transferred: ValidationPlan = {
    ...plan,
    // Requests/sec is what it compares, which ten seeds give as well as a spread row's hundred.
    spreadSeeds: plan.seeds,
    // The rows' own settings for their file stay theirs (machine.speedVariation by machine).
    scenarioSet: Object.fromEntries(Object.entries(plan.scenarioSet ?? {}).map(([f, set]) => [temporary.get(f) ?? f, set])),
    configurations: configurations.map((c) => ({ ...c, scenario: temporary.get(fileOf(c)) })),
  };
  try {
    for (const [f, t] of temporary) {
      writeFileSync(join(root, t), JSON.stringify(reshape(withShippedCosts(JSON.parse(readFileSync(join(root, f), 'utf8')), costsFor(f)))));
    }
    writeFileSync(join(root, planOut), JSON.stringify(transferred));
    return { indices, rows: runValidation(root, planOut, results) };
  } finally {
    for (const t of [...temporary.values(), planOut]) rmSync(join(root, t), { force: true });
  }
}
