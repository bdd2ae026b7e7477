// The scenario that matches a measured run: the user's scenario, with the client set the
// way hey ran (-n, -c, -t, -disable-keepalive, URL), then the user's --set overrides,
// which win. Without a recorded command, -n is the number of results hey counted and the
// rest stays as the scenario says. Another tool's run sets what its output (or its command
// line) states: its connections, duration, timeout, keep-alive; an open-loop tool
// (vegeta, k6's arrival rate) becomes constant arrivals at its rate; wrk2's -R, spread
// over its connections, becomes a rate per worker paced on wrk2's schedule (latency from
// when each request was due); ab's HTTP/1.0 closes each connection unless -k; siege -d
// is a think time (docs/load-testers.md).
import { BUDGET_SETS } from '../../scenario/budgets.js';
import { validateScenario } from '../../scenario/load.js';
import { formatPath } from '../../scenario/errors.js';
import { applyOverride, parseSetExpression } from '../../scenario/overrides.js';
import type { Scenario } from '../../scenario/schema.js';
import { TOOL_NAMES, type MeasuredRun } from './measuredRun.js';

export interface ClientSettingsSource {
  /** 'hey command', 'hey results', 'scenario', '--set', or "<tool>'s output". */
  requests: string;
  concurrency: string;
}

export interface MatchedScenario {
  scenario: Scenario;
  /** Where client.requests and client.concurrency came from, for the report. */
  from: ClientSettingsSource;
}

/**
 * `raw` is the parsed scenario file (not modified); `sets` are --set expressions;
 * `source` names the scenario in validation errors. With `budgets` (the command line's
 * sim compare and sim fit), a scenario whose work is predictably beyond its budgets is
 * refused, as sim run refuses it (src/scenario/budgets.ts), with --set as what raises them.
 */
export function scenarioForRun(
  raw: unknown,
  run: MeasuredRun,
  sets: readonly string[],
  source: string,
  options: { budgets?: boolean } = {},
): MatchedScenario {
  const copy = structuredClone(raw);
  const from: ClientSettingsSource = { requests: 'scenario', concurrency: 'scenario' };
  const c = run.command;
  if (run.tool !== undefined && run.tool !== 'hey') {
    applyStated(copy, run, from);
  } else if (c !== undefined) {
    // hey is a closed loop: the scenario's own load (open-loop arrivals, -q, -z) gives way
    // to what this run did.
    const client = clientOf(copy);
    // hey has no think time, and its -q is a ticker.
    for (const key of ['arrivals', 'rate', 'duration', 'thinkTime', 'pacing']) delete client[key];
    applyOverride(copy, `client.requests=${c.requests}`);
    applyOverride(copy, `client.concurrency=${c.concurrency}`);
    applyOverride(copy, `client.timeout=${c.timeout}`);
    applyOverride(copy, `client.keepAlive=${c.keepAlive}`);
    if (c.cpus !== undefined) applyOverride(copy, `client.cpus=${c.cpus}`);
    if (c.rate !== undefined) applyOverride(copy, `client.rate=${c.rate}`);
    if (c.duration !== undefined) applyOverride(copy, `client.duration=${c.duration}`);
    if (c.url !== undefined) applyOverride(copy, `client.url=${JSON.stringify(c.url)}`);
    from.requests = 'hey command';
    from.concurrency = 'hey command';
  } else {
    applyOverride(copy, `client.requests=${run.report.responses + run.report.errorCount}`);
    from.requests = 'hey results';
  }
  // A value a --set gave that the scenario refuses is named by the --set, for this run.
  const overrides = sets.map((s) => {
    const o = parseSetExpression(s);
    return { ...o, source: `${o.source} (for ${run.source})` };
  });
  for (const o of overrides) {
    applyOverride(copy, o);
    const path = formatPath(o.path);
    if (path === 'client.requests') from.requests = '--set';
    if (path === 'client.concurrency') from.concurrency = '--set';
  }
  const label = `${source} (for ${run.source}${sets.length > 0 ? ', with --set' : ''})`;
  return { scenario: validateScenario(copy, label, overrides, { budgets: options.budgets, budgetFlags: BUDGET_SETS }), from };
}

/** Tools whose users may wait between requests: the scenario's client.thinkTime stays. */
const THINKING = new Set(['siege', 'locust-csv', 'locust-json', 'k6-json', 'k6-text']);

/** Another tool's client, as its output and command line state it. */
function applyStated(copy: unknown, run: MeasuredRun, from: ClientSettingsSource): void {
  const s = run.client ?? {};
  const what = `${TOOL_NAMES[run.tool!]} output`;
  const client = clientOf(copy);
  const results = run.report.responses + (run.errorCounting === 'in-status' ? 0 : run.report.errorCount);
  for (const key of ['arrivals', 'rate', 'duration', 'pacing']) delete client[key];
  // Tools whose users wait between requests (locust's wait_time, a k6 sleep) keep the
  // scenario's think time; the others send at once, as hey.
  if (!THINKING.has(run.tool!)) delete client.thinkTime;
  if (s.thinkTime !== undefined) client.thinkTime = s.thinkTime > 0 ? { dist: 'uniform', min: 0, max: s.thinkTime } : 0;
  if (s.openLoop && s.targetRate !== undefined) {
    delete client.concurrency;
    delete client.maxIdleConns;
    delete client.thinkTime;
    client.arrivals = { process: 'constant', rate: s.targetRate };
    from.concurrency = what;
  } else if (s.concurrency !== undefined) {
    client.concurrency = s.concurrency;
    from.concurrency = what;
  }
  if (s.duration !== undefined) {
    client.duration = s.duration;
    delete client.requests;
  } else {
    client.requests = s.requests ?? results;
  }
  from.requests = what;
  // wrk2 -R and autocannon -R are totals over the connections; hey's -q is per worker.
  // wrk2 keeps a schedule and counts a late request's latency from when it was due.
  if (!s.openLoop && s.targetRate !== undefined && typeof client.concurrency === 'number') {
    client.rate = Number((s.targetRate / client.concurrency).toPrecision(12));
    if (run.tool === 'wrk2') client.pacing = 'schedule';
  }
  if (s.timeout !== undefined) client.timeout = s.timeout;
  if (s.keepAlive !== undefined && !s.openLoop) client.keepAlive = s.keepAlive;
  if (s.url !== undefined) client.url = s.url;
}

function clientOf(raw: unknown): Record<string, unknown> {
  const r = raw as Record<string, unknown>;
  if (r.client === null || typeof r.client !== 'object') r.client = {};
  return r.client as Record<string, unknown>;
}
