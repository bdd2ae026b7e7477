// `sim run --sensitivity`: which costs a prediction hangs on.
//
//   the scenario's costs (../scenario/costs.ts), less those listed in `measured` and
//   those that are 0
//     -> each moved alone by -50 % and +50 % (same seed, everything else as it was),
//        set on the raw scenario as --set sets a field, then validated as the file is
//     -> a run for each: hey's Requests/sec and the number of 500 responses
//     -> the costs that move either figure by more than 10 %, largest change first
//
// Relative change of Requests/sec: |moved - base| / base (from 0 req/s, any change counts).
// Of the 500s: |moved - base| / max(base, 1), so that going from 0 to one 500 or more
// counts as a change (a first 500 is news), while with many 500s it takes a tenth more.
import { simulate, type RunResult } from '../../model/system.js';
import { summarize, type RunSummary } from '../../report/summary.js';
import { canonicalCostPath, costsOf, isZeroDuration, scaleDuration } from '../../scenario/costs.js';
import { MEASURED_COSTS } from '../../scenario/measuredCosts.js';
import { defaultTaskGroups } from '../../scenario/serverSchema.js';
import { validateScenario } from '../../scenario/load.js';
import { applyOverride, type Override } from '../../scenario/overrides.js';
import { MAX_SECONDS, type Scenario } from '../../scenario/schema.js';

/** Each cost is moved down and up by this fraction of its value. */
export const SENSITIVITY_CHANGE = 0.5;
/** A cost is listed when a figure moves by more than this fraction. */
export const SENSITIVITY_THRESHOLD = 0.1;

export interface SensitivityFigures {
  /** hey's Requests/sec. */
  requestsPerSec: number;
  /** Responses with status 500. */
  status500: number;
}

export interface SensitiveCost {
  path: string;
  description: string;
  /** Listed in the scenario's `fitted` block. */
  fitted: boolean;
  /** The figures with the cost at (1 - change) and (1 + change) times its value. */
  low: SensitivityFigures;
  high: SensitivityFigures;
  /** The largest relative change of either figure, either way. */
  largestChange: number;
}

/** A setting the scenario left at its default, and the figures with each other value. */
export interface SensitiveSetting {
  path: string;
  /** The default the run assumed. */
  assumed: string;
  alternatives: { value: string; figures: SensitivityFigures }[];
  largestChange: number;
}

export interface Sensitivity {
  base: SensitivityFigures;
  change: number;
  threshold: number;
  /** The costs that moved a figure by more than the threshold, largest change first. */
  sensitive: SensitiveCost[];
  /** Every cost moved, in the registry's order. */
  moved: string[];
  /** Costs listed in `measured`: not moved. */
  measured: string[];
  /** Costs whose value is 0: scaling cannot move them. */
  zero: string[];
  /** Settings left at their default whose other values moved a figure by more than the threshold. */
  settings: SensitiveSetting[];
  /** Settings left at their default that were tried with their other values. */
  settingsChecked: string[];
}

/**
 * Settings whose default is an assumption about the user's machine rather than a cost:
 * how its kernel groups processes before sharing the cores (docs/validation.md, "Task
 * groups"), and whether it keeps a run queue per core ("Per-core run queues"). Tried only
 * when the scenario does not state them.
 */
const ASSUMED_SETTINGS: {
  path: string;
  keys: (string | number)[];
  values: string[];
  applies: (s: Scenario) => boolean;
  /** Whether the file (with the command line's --set) gives it. */
  stated: (raw: any) => boolean;
  /** Its value in the validated scenario: the default when not stated. */
  value: (s: Scenario) => string;
}[] = [
  {
    path: 'machine.taskGroups',
    keys: ['machine', 'taskGroups'],
    values: ['none', 'session', 'service'],
    applies: (s) => s.machine.scheduler === 'shared',
    stated: (raw) => raw?.machine?.taskGroups !== undefined,
    value: (s) => s.machine.taskGroups ?? defaultTaskGroups(s.machine.os),
  },
  {
    path: 'machine.runQueues',
    keys: ['machine', 'runQueues'],
    values: ['shared', 'per-core'],
    // A timeline that changes the cores needs one run queue (incidentChecks.ts).
    applies: (s) =>
      s.machine.scheduler === 'shared' && s.machine.cores > 1 && !(s.timeline ?? []).some((e) => e.change === 'machine.cores'),
    stated: (raw) => raw?.machine?.runQueues !== undefined,
    value: (s) => s.machine.runQueues,
  },
  {
    // With more than two workers a core, each runs after two or more others and refills its
    // caches (docs/validation.md); none is assumed where the file does not say.
    path: 'server.cacheRefillCpu',
    keys: ['server', 'cacheRefillCpu'],
    values: ['none', JSON.stringify(MEASURED_COSTS.syncCacheRefillCpu)],
    applies: (s) => s.machine.runQueues === 'per-core' && s.machine.scheduler === 'shared' && s.server.workers > 2 * s.machine.cores,
    stated: (raw) => raw?.server?.cacheRefillCpu !== undefined,
    value: (s) => (s.server.cacheRefillCpu === undefined ? 'none' : JSON.stringify(s.server.cacheRefillCpu)),
  },
];

export interface SensitivityOptions {
  /** Names the scenario in a validation message. */
  source: string;
  /** Called on every moved run's result (sim run --check checks its invariants). */
  onRun?: (result: RunResult) => void;
  /** Record the runs' time series (for --check's cross-check of the counts). */
  timeSeries?: boolean;
  /** Called after each moved run with the count done so far. */
  onProgress?: (done: number, total: number) => void;
}

export function figuresOf(s: RunSummary): SensitivityFigures {
  return { requestsPerSec: s.summary.requestsPerSec, status500: s.statusCodes['500'] ?? 0 };
}

/** The larger of the two figures' relative changes from `base` (see the top of this file). */
export function relativeChange(base: SensitivityFigures, moved: SensitivityFigures): number {
  const rps =
    base.requestsPerSec > 0
      ? Math.abs(moved.requestsPerSec - base.requestsPerSec) / base.requestsPerSec
      : moved.requestsPerSec > 0
        ? Infinity
        : 0;
  const errors = Math.abs(moved.status500 - base.status500) / Math.max(base.status500, 1);
  return Math.max(rps, errors);
}

/**
 * Moves each unmeasured cost of `scenario` and reruns it. `raw` is the parsed file with
 * the command line's overrides applied (not modified); `scenario` is it validated, and
 * `base` the figures of its run.
 */
export function sensitivity(raw: unknown, scenario: Scenario, base: SensitivityFigures, options: SensitivityOptions): Sensitivity {
  const measured = new Set(Object.keys(scenario.measured ?? {}).map(canonicalCostPath));
  const fitted = new Set(Object.keys(scenario.fitted ?? {}).map(canonicalCostPath));
  const costs = costsOf(scenario);
  const toMove = costs.filter((c) => !measured.has(c.path) && !isZeroDuration(c.value));
  const out: Sensitivity = {
    base,
    change: SENSITIVITY_CHANGE,
    threshold: SENSITIVITY_THRESHOLD,
    sensitive: [],
    moved: toMove.map((c) => c.path),
    measured: costs.filter((c) => measured.has(c.path)).map((c) => c.path),
    zero: costs.filter((c) => !measured.has(c.path) && isZeroDuration(c.value)).map((c) => c.path),
    settings: [],
    settingsChecked: [],
  };
  const settings = ASSUMED_SETTINGS.filter((a) => a.applies(scenario) && !a.stated(raw));
  out.settingsChecked = settings.map((a) => a.path);
  const runs = 2 * toMove.length + settings.reduce((n, a) => n + a.values.length - 1, 0);
  let done = 0;
  // From a fresh copy each time, so that a run differs from the base in `what` alone
  // ("app.steps.0.cpu -50 %", which its messages name).
  const runMoved = (keys: Override['path'], value: unknown, what: string): SensitivityFigures => {
    const copy = structuredClone(raw);
    const override: Override = { path: keys, value, source: `--sensitivity (${what})` };
    applyOverride(copy, override);
    const moved = validateScenario(copy, `${options.source} (--sensitivity: ${what})`, [override]);
    const result = simulate(moved, { timeSeries: options.timeSeries ?? false });
    options.onRun?.(result);
    options.onProgress?.(++done, runs);
    return figuresOf(summarize(result, options.source, moved.seed));
  };
  const runAt = (cost: (typeof toMove)[number], factor: number): SensitivityFigures => {
    const sign = factor < 1 ? '-' : '+';
    const percent = `${sign}${Math.round(Math.abs(factor - 1) * 100)} %`;
    return runMoved(cost.keys, scaleDuration(cost.value, factor, cost.max ?? MAX_SECONDS), `${cost.path} ${percent}`);
  };
  const runWith = (setting: (typeof settings)[number], value: string): SensitivityFigures => {
    // A list or an object (server.cacheRefillCpu's points) is written as its JSON, as --set takes it.
    const parsed: unknown = /^[[{]/.test(value) ? JSON.parse(value) : value;
    return runMoved(setting.keys, parsed, `${setting.path} ${value}`);
  };
  const rows = toMove.map((cost, order) => {
    const low = runAt(cost, 1 - SENSITIVITY_CHANGE);
    const high = runAt(cost, 1 + SENSITIVITY_CHANGE);
    const largestChange = Math.max(relativeChange(base, low), relativeChange(base, high));
    return { order, row: { path: cost.path, description: cost.description, fitted: fitted.has(cost.path), low, high, largestChange } };
  });
  out.sensitive = rows
    .filter((r) => r.row.largestChange > SENSITIVITY_THRESHOLD)
    .sort((a, b) => b.row.largestChange - a.row.largestChange || a.order - b.order)
    .map((r) => r.row);
  for (const setting of settings) {
    const assumed = setting.value(scenario);
    const alternatives = setting.values.filter((v) => v !== assumed).map((value) => ({ value, figures: runWith(setting, value) }));
    const largestChange = Math.max(...alternatives.map((a) => relativeChange(base, a.figures)));
    if (largestChange > SENSITIVITY_THRESHOLD) out.settings.push({ path: setting.path, assumed, alternatives, largestChange });
  }
  return out;
}

/**
 * The fields `sim run --sensitivity --json` adds to the report: `sensitivity`, the costs
 * that matter; `sensitivityChecked`, every cost moved; `sensitivityBase`, the figures they
 * are compared with and how they were moved.
 */
export function sensitivityJson(s: Sensitivity) {
  return {
    sensitivity: s.sensitive.map(({ path, description, fitted, low, high }) => ({ path, description, fitted, low, high })),
    sensitivityChecked: s.moved,
    sensitivitySettings: s.settings.map(({ path, assumed, alternatives }) => ({ path, assumed, alternatives })),
    sensitivitySettingsChecked: s.settingsChecked,
    sensitivityBase: { ...s.base, change: s.change, threshold: s.threshold, measured: s.measured, zero: s.zero },
  };
}
