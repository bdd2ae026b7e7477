// Rules of the incident settings that span sections (load.ts calls this after the schema):
// a change needs the part it changes.
import * as msg from '../messages.js';
import { fromSeconds } from '../engine/time.js';
import { allSteps } from './resolve.js';
import { applyRateChanges } from './resolveIncidents.js';
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
  checkRateLeftAtZero(scenario, fail);
  const b = scenario.app.breaker;
  if (b?.on.includes('database') && scenario.database === undefined) fail(['app', 'breaker', 'on'], msg.breakerNeedsDatabase);
}

/**
 * The rule clientSchema.ts applies to arrivals.steps, for the rate the timeline leaves: a
 * client that counts requests needs it above 0 at the end, or the arrivals stop short of
 * them and the run ends there, as if complete. The change to blame is the one after which
 * the rate stayed 0 (the changes apply in the order written).
 */
function checkRateLeftAtZero(scenario: Scenario, fail: (path: PropertyKey[], problem: string) => never): void {
  const a = scenario.client.arrivals;
  if (a === undefined || scenario.client.duration !== undefined) return;
  let steps = (a.steps ?? [{ from: 0, rate: a.rate! }]).map((s) => ({ from: fromSeconds(s.from), rate: s.rate }));
  let blame: number | undefined;
  (scenario.timeline ?? []).forEach((e, i) => {
    if (e.change !== 'client.rate') return;
    steps = applyRateChanges(steps, [e], fromSeconds(scenario.limits.maxSimTime));
    if (steps[steps.length - 1].rate !== 0) blame = undefined;
    else if (blame === undefined) blame = i;
  });
  if (blame === undefined) return;
  const e = scenario.timeline![blame];
  fail(['timeline', blame, e.set !== undefined ? 'set' : e.rampTo !== undefined ? 'rampTo' : 'change'], msg.rateChangeLeavesZero);
}
