// Why a run's figures are partial, in the words of ../messages.ts: the report's PARTIAL
// line and the CLI's warning say the same thing.
import { stoppedEarly } from '../messages.js';
import { MAX_IN_FLIGHT, WAKES_PER_EVENT } from '../model/run.js';
import type { RunSummary } from './summary.js';

/** The reason a partial run stopped; undefined for a complete run. */
export function partialReason(s: RunSummary): string | undefined {
  const sim = s.simulation;
  if (sim.stopReason === 'finished') return undefined;
  return stoppedEarly(sim.stopReason, {
    events: sim.events,
    seconds: s.summary.total,
    unfinished: sim.unfinished,
    limit:
      sim.stopReason === 'maxSimTime'
        ? sim.limits.maxSimTime
        : sim.stopReason === 'inFlight'
          ? MAX_IN_FLIGHT
          : sim.stopReason === 'wakes'
            ? sim.limits.maxEvents * WAKES_PER_EVENT
            : sim.limits.maxEvents,
  });
}
