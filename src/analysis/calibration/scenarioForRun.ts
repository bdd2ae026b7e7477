// The scenario that matches a measured run: the user's scenario, with the client set the
// way hey ran (-n, -c, -t, -disable-keepalive, URL), then the user's --set overrides,
// which win. Without a recorded command, -n is the number of results hey counted and the
// rest stays as the scenario says.
import { validateScenario } from '../../scenario/load.js';
import { applyOverride } from '../../scenario/overrides.js';
import type { Scenario } from '../../scenario/schema.js';
import type { HeyRun } from './heyRun.js';

export interface ClientSettingsSource {
  requests: 'hey command' | 'hey results' | 'scenario' | '--set';
  concurrency: 'hey command' | 'scenario' | '--set';
}

export interface MatchedScenario {
  scenario: Scenario;
  /** Where client.requests and client.concurrency came from, for the report. */
  from: ClientSettingsSource;
}

/**
 * `raw` is the parsed scenario file (not modified); `sets` are --set expressions;
 * `source` names the scenario in validation errors.
 */
export function scenarioForRun(raw: unknown, run: HeyRun, sets: readonly string[], source: string): MatchedScenario {
  const copy = structuredClone(raw);
  const from: ClientSettingsSource = { requests: 'scenario', concurrency: 'scenario' };
  const c = run.command;
  if (c !== undefined) {
    // hey is a closed loop: the scenario's own load (open-loop arrivals, -q, -z) gives way
    // to what this run did.
    const client = clientOf(copy);
    for (const key of ['arrivals', 'rate', 'duration']) delete client[key];
    applyOverride(copy, `client.requests=${c.requests}`);
    applyOverride(copy, `client.concurrency=${c.concurrency}`);
    applyOverride(copy, `client.timeout=${c.timeout}`);
    applyOverride(copy, `client.keepAlive=${c.keepAlive}`);
    if (c.rate !== undefined) applyOverride(copy, `client.rate=${c.rate}`);
    if (c.duration !== undefined) applyOverride(copy, `client.duration=${c.duration}`);
    if (c.url !== undefined) applyOverride(copy, `client.url=${JSON.stringify(c.url)}`);
    from.requests = 'hey command';
    from.concurrency = 'hey command';
  } else {
    applyOverride(copy, `client.requests=${run.report.responses + run.report.errorCount}`);
    from.requests = 'hey results';
  }
  for (const s of sets) {
    applyOverride(copy, s);
    const path = s.slice(0, s.indexOf('=')).trim();
    if (path === 'client.requests') from.requests = '--set';
    if (path === 'client.concurrency') from.concurrency = '--set';
  }
  const label = `${source} (for ${run.source}${sets.length > 0 ? ', with --set' : ''})`;
  return { scenario: validateScenario(copy, label), from };
}

function clientOf(raw: unknown): Record<string, unknown> {
  const r = raw as Record<string, unknown>;
  if (r.client === null || typeof r.client !== 'object') r.client = {};
  return r.client as Record<string, unknown>;
}
