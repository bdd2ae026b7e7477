// Rules of the incident settings that span sections (load.ts calls this after the schema):
// a change needs the part it changes.
import * as msg from '../messages.js';
import { allSteps } from './resolve.js';
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
  const b = scenario.app.breaker;
  if (b?.on.includes('database') && scenario.database === undefined) fail(['app', 'breaker', 'on'], msg.breakerNeedsDatabase);
}
