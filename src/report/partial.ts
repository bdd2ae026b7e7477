// Why a run's figures are partial, in the words of ../messages.ts: the report's PARTIAL
// line and the CLI's warning say the same thing.
import { stoppedEarly } from '../messages.js';
import { MAX_IN_FLIGHT, SPELL_SWITCHES_PER_EVENT, TASK_STEPS_PER_EVENT, WAKES_PER_EVENT } from '../model/run.js';
import type { RunSummary } from './summary.js';

/** The reason a partial run stopped; undefined for a complete run. */
export function partialReason(s: RunSummary): string | undefined {
  const sim = s.simulation;
  if (sim.stopReason === 'finished') return undefined;
  return stoppedEarly(sim.stopReason, {
    events: sim.events,
    seconds: s.summary.total,
    unfinished: sim.unfinished,
    limit: limitReached(sim),
  });
}

/** The bound the run reached, in the unit its message names. */
function limitReached(sim: RunSummary['simulation']): number {
  switch (sim.stopReason) {
    case 'maxSimTime':
      return sim.limits.maxSimTime;
    case 'inFlight':
      return MAX_IN_FLIGHT;
    case 'wakes':
      return sim.limits.maxEvents * WAKES_PER_EVENT;
    case 'spells':
      return sim.limits.maxEvents * SPELL_SWITCHES_PER_EVENT;
    case 'tasks':
      return sim.limits.maxEvents * TASK_STEPS_PER_EVENT;
    default:
      return sim.limits.maxEvents;
  }
}
