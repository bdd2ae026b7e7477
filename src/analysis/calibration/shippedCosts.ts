// What measuring buys: the kit's rows of every series that measured its own machine's
// costs, priced again with the costs this project ships (calibration/measured-linux-2core.json,
// the first series': the schema's defaults) in place of that series' own, everything else
// as the series ran it (the machine's settings, the app's query, each row's --set). The
// validation page's table prices each row from its own machine's costs; a user who measures
// nothing runs on the shipped ones, and this is how far that moves the answers.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runValidation, type ValidationPlan, type ValidationRow } from './validation.js';

export const SHIPPED_SCENARIO = 'calibration/measured-linux-2core.json';

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

/** A series of the kit that measured its own machine: a scenario of its own, scram-sha-256 as the shipped one. */
function measuredItsOwn(root: string, file: string): boolean {
  if (file === SHIPPED_SCENARIO || !/^calibration\/measured-linux-2core-.*\.json$/.test(file)) return false;
  const raw = JSON.parse(readFileSync(join(root, file), 'utf8')) as Raw;
  return (raw.database?.authMethod ?? 'scram-sha-256') === 'scram-sha-256';
}

export interface ShippedTransfer {
  /** Where the configurations it prices again are in the plan's list (and in runValidation's rows). */
  indices: number[];
  /** Each of them priced with the shipped costs. */
  rows: ValidationRow[];
}

/** The series of `plan` that measured their own machine (their scenario files). */
export function ownSeries(root: string, plan: ValidationPlan): string[] {
  return [...new Set(plan.configurations.map((c) => c.scenario ?? plan.scenario))].filter((f) => measuredItsOwn(root, f));
}

/**
 * Prices again, with the shipped costs, the rows of `planFile` (paths relative to `root`)
 * whose series measured its own; `costsFor`: other costs for a series than the shipped ones.
 */
export function runShippedTransfer(root: string, planFile: string, results: string, costsFor?: (series: string) => Raw): ShippedTransfer {
  const plan = JSON.parse(readFileSync(join(root, planFile), 'utf8')) as ValidationPlan;
  const shipped = JSON.parse(readFileSync(join(root, SHIPPED_SCENARIO), 'utf8')) as Raw;
  const indices = plan.configurations.flatMap((c, i) => (measuredItsOwn(root, c.scenario ?? plan.scenario) ? [i] : []));
  const configurations = indices.map((i) => plan.configurations[i]!);
  const files = [...new Set(configurations.map((c) => c.scenario!))];
  const tag = `${process.pid}`;
  const temporary = new Map(files.map((f) => [f, `calibration/.shipped-${tag}-${basename(f)}`]));
  const planOut = `calibration/.shipped-${tag}-plan.json`;
  const transferred: ValidationPlan = {
    ...plan,
    // Requests/sec is what it compares, which ten seeds give as well as a spread row's hundred.
    spreadSeeds: plan.seeds,
    // The rows' own settings for their file stay theirs (machine.speedVariation by machine).
    scenarioSet: Object.fromEntries(Object.entries(plan.scenarioSet ?? {}).map(([f, set]) => [temporary.get(f) ?? f, set])),
    configurations: configurations.map((c) => ({ ...c, scenario: temporary.get(c.scenario!) })),
  };
  try {
    for (const [f, t] of temporary) {
      const costs = costsFor === undefined ? shipped : costsFor(f);
      writeFileSync(join(root, t), JSON.stringify(withShippedCosts(JSON.parse(readFileSync(join(root, f), 'utf8')), costs)));
    }
    writeFileSync(join(root, planOut), JSON.stringify(transferred));
    return { indices, rows: runValidation(root, planOut, results) };
  } finally {
    for (const t of [...temporary.values(), planOut]) rmSync(join(root, t), { force: true });
  }
}
