// A run, from a validated scenario to its figures, in three steps:
//
//   resolve (scenario/resolve.ts: settings, derived rules, units)
//     -> wire (wire.ts: the components)  -> run (run.ts: until done or a budget)
//     -> collect (results.ts: RunResult)
import type { Scenario } from '../scenario/schema.js';
import { atSpeed, speedFactorAt } from '../scenario/machineSpeed.js';
import { resolve } from '../scenario/resolve.js';
import { collectResult, type RunResult } from './results.js';
import { FROZEN_CLOCK_EVENTS, MAX_IN_FLIGHT, runSystem } from './run.js';
import { type System, wire } from './wire.js';

export type { AtRefusal, RunResult } from './results.js';
export { FROZEN_CLOCK_EVENTS, MAX_IN_FLIGHT } from './run.js';
export { HEY_MAX_IDLE_CONNS } from '../scenario/resolve.js';

export interface RunOptions {
  /** Stop after this many events; overrides the scenario's limits.maxEvents. */
  maxEvents?: number;
  /** Events at one instant taken as a frozen clock (FROZEN_CLOCK_EVENTS); smaller in tests. */
  frozenClockEvents?: number;
  /** Requests in flight taken as a pile-up without end (MAX_IN_FLIGHT); smaller in tests. */
  maxInFlight?: number;
  /**
   * Record the time series of requests running, waiting in the backlog and in keep-alive,
   * of database connections, and the counts of responses and errors over time (default
   * true). Only charts, sweeps' utilization and the invariants' cross-checks use them, and
   * keeping them costs five updates per request (docs/internals.md, "Performance"), so `sim run`
   * without --plot or --check, compare and fit leave them out. Requests in the system are
   * always kept (Little's law is in every report). Every figure of the report is the same
   * either way.
   */
  timeSeries?: boolean;
  /**
   * The run's place in the machine's speeds (machine.speedVariation): the quantile is the
   * sequence's at this index. Default `seed - 1`, so that consecutive seeds cover the speeds
   * evenly; a sweep's replications, whose seeds are hashed, pass their own index instead.
   */
  speedIndex?: number;
}

/**
 * The scenario's components, wired and not yet run, at the run's speed of the machine
 * (machine.speedVariation): what `simulate` runs, and what the calibration kit's diagnostics
 * hook before they run it.
 */
export function wireAtSpeed(
  scenario: Scenario,
  options: Pick<RunOptions, 'speedIndex' | 'timeSeries'> = {},
): { system: System; factor: number } {
  const factor = speedFactorAt(options.speedIndex ?? scenario.seed - 1, scenario.machine.speedVariation);
  const system = wire(resolve(factor === 1 ? scenario : atSpeed(scenario, factor)), options.timeSeries ?? true);
  return { system, factor };
}

export function simulate(scenario: Scenario, options: RunOptions = {}): RunResult {
  const variation = scenario.machine.speedVariation;
  const { system, factor } = wireAtSpeed(scenario, options);
  const resolved = system.resolved;
  const limits = { maxEvents: options.maxEvents ?? resolved.limits.maxEvents, maxSimTime: resolved.limits.maxSimTime };
  const stopReason = runSystem(system, {
    ...limits,
    frozenClockEvents: options.frozenClockEvents ?? FROZEN_CLOCK_EVENTS,
    maxInFlight: options.maxInFlight ?? MAX_IN_FLIGHT,
  });
  const result = collectResult(system, stopReason, limits);
  if (variation > 0) result.machineSpeed = { variation, factor };
  if (system.coreSpeeds !== undefined)
    result.slowSpells = { slowdown: resolved.machine.slowSpells!.slowdown, slowShare: system.coreSpeeds.slowShare() };
  return result;
}
