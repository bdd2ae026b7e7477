// Rules of the incident settings that span sections (load.ts calls this after the schema):
// a change needs the part it changes.
import * as msg from '../messages.js';
import { fromSeconds } from '../engine/time.js';
import { allSteps } from './resolve.js';
import { applyRateChange, MAX_RATE_STEP_WORK, MAX_RATE_STEPS, rampSteps } from './resolveIncidents.js';
import type { Scenario } from './schema.js';

export function checkIncidents(scenario: Scenario, fail: (path: PropertyKey[], problem: string) => never): void {
  (scenario.timeline ?? []).forEach((e, i) => {
    const at = (key: string) => ['timeline', i, key];
    if (e.change === 'client.rate' && scenario.client.arrivals === undefined) fail(at('change'), msg.rateChangeNeedsArrivals);
    if (e.change === 'database.queryTime' && scenario.database === undefined) fail(at('change'), msg.queryTimeNeedsDatabase);
    if (e.change === 'app.httpTime' && !allSteps(scenario).some((s) => s.kind === 'http')) fail(at('change'), msg.httpTimeNeedsHttpStep);
    if (e.change === 'machine.cores' && (scenario.machine.scheduler !== 'shared' || scenario.machine.runQueues !== 'shared'))
      fail(at('change'), msg.coresChangeNeedsShared);
    if (e.killWorkers !== undefined && e.killWorkers > scenario.server.workers)
      fail(at('killWorkers'), msg.killMoreThanWorkers(e.killWorkers, scenario.server.workers));
  });
  checkRateSchedule(scenario, fail);
  const b = scenario.app.breaker;
  if (b?.on.includes('database') && scenario.database === undefined) fail(['app', 'breaker', 'on'], msg.breakerNeedsDatabase);
}

/**
 * The open-loop rate schedule the timeline's client.rate changes leave, built as resolve.ts
 * builds it (up to the client's duration or limits.maxSimTime): within MAX_RATE_STEPS steps
 * and MAX_RATE_STEP_WORK built in all, each change checked before it is applied; and the
 * rule clientSchema.ts applies to arrivals.steps, for the rate the timeline leaves: a
 * client that counts requests needs it above 0 at the end, or the arrivals stop short of
 * them and the run ends there, as if complete. The change to blame is the one after which
 * the rate stayed 0 (the changes apply in the order written).
 */
function checkRateSchedule(scenario: Scenario, fail: (path: PropertyKey[], problem: string) => never): void {
  const a = scenario.client.arrivals;
  if (a === undefined) return;
  const c = scenario.client;
  const maxSimTime = fromSeconds(scenario.limits.maxSimTime);
  const horizon = c.duration !== undefined && c.duration > 0 ? Math.min(maxSimTime, fromSeconds(c.duration)) : maxSimTime;
  let steps = (a.steps ?? [{ from: 0, rate: a.rate! }]).map((s) => ({ from: fromSeconds(s.from), rate: s.rate }));
  let work = 0;
  let changes = 0;
  let blame: number | undefined;
  (scenario.timeline ?? []).forEach((e, i) => {
    if (e.change !== 'client.rate') return;
    changes++;
    const at = fromSeconds(e.at);
    const until = e.until !== undefined ? fromSeconds(e.until) : Infinity;
    // A ramp keeps the steps before it and adds its own; multiply and set go over every step, and add at most two.
    const added = e.rampTo !== undefined ? rampSteps(at, until, horizon) + 1 : 0;
    if (e.rampTo !== undefined) {
      const size = steps.filter((s) => s.from < at).length + added;
      if (size > MAX_RATE_STEPS)
        fail(['timeline', i, 'until'], msg.rampTooManySteps(size, MAX_RATE_STEPS, scenario.limits.maxSimTime, c.duration));
    }
    work += e.rampTo !== undefined ? added : steps.length + 2;
    if (work > MAX_RATE_STEP_WORK) fail(['timeline', i], msg.rateChangesTooMuchWork(changes, steps.length, MAX_RATE_STEP_WORK));
    steps = applyRateChange(steps, e, horizon);
    if (steps[steps.length - 1].rate !== 0) blame = undefined;
    else if (blame === undefined) blame = i;
  });
  if (blame === undefined || c.duration !== undefined) return;
  const e = scenario.timeline![blame];
  fail(['timeline', blame, e.set !== undefined ? 'set' : e.rampTo !== undefined ? 'rampTo' : 'change'], msg.rateChangeLeavesZero);
}
