// The scenario that matches a measured run: the user's scenario, with the client set the
// way hey ran (-n, -c, -t, -disable-keepalive, URL), then the user's --set overrides,
// which win. Without a recorded command, -n is the number of results hey counted (each of
// them sent, client.remainder "sent", whatever -c the scenario has) and the
// rest stays as the scenario says. Another tool's run sets what its output (or its command
// line) states: its connections, duration, timeout, keep-alive; an open-loop tool
// (vegeta, k6's arrival rate) becomes constant arrivals at its rate; wrk2's -R, spread
// over its connections, becomes a rate per worker paced on wrk2's schedule (latency from
// when each request was due); wrk's timeout counts late responses instead of cancelling
// them; ab's HTTP/1.0 closes each connection unless -k; siege -d is a think time
// (docs/load-testers.md).
import { BUDGET_SETS } from '../../scenario/budgets.js';
import { validateScenario } from '../../scenario/load.js';
import { formatPath } from '../../scenario/errors.js';
import { applyOverride, type Override, parseSetExpression } from '../../scenario/overrides.js';
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
  // Nothing to set the run's client in: validation says what the file holds instead, as
  // loadScenario does (a file of null was "internal error: Cannot read properties of null
  // (reading 'client')", and of [] "run.txt: -n 10 in its hey command: the scenario is a list").
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) validateScenario(raw, source);
  const copy = structuredClone(raw);
  const from: ClientSettingsSource = { requests: 'scenario', concurrency: 'scenario' };
  // The client's fields the measured run set, each named by where it came from: a value the
  // scenario refuses is the run's (sim compare s.json run.txt, run.txt's hey -t 99999999999,
  // said "s.json (for run.txt): at client.timeout", a field s.json does not have).
  const stated: Override[] = [];
  const state = (key: string, value: unknown, where: string) => {
    const o = { path: ['client', key], value, source: `${run.source}: ${where}` };
    applyOverride(copy, o);
    stated.push(o);
  };
  const c = run.command;
  if (run.tool !== undefined && run.tool !== 'hey') {
    applyStated(copy, run, from, stated);
  } else if (c !== undefined) {
    // hey is a closed loop: the scenario's own load (open-loop arrivals, -q, -z) gives way
    // to what this run did.
    const client = clientOf(copy);
    // hey has no think time, and its -q is a ticker.
    for (const key of ['arrivals', 'rate', 'duration', 'thinkTime', 'pacing', 'remainder']) delete client[key];
    const flag = (f: string) => `${f} in its hey command`;
    state('requests', c.requests, flag(`-n ${c.requests}`));
    state('concurrency', c.concurrency, flag(`-c ${c.concurrency}`));
    state('timeout', c.timeout, flag(`-t ${c.timeout}`));
    state('keepAlive', c.keepAlive, flag(c.keepAlive ? 'no -disable-keepalive' : '-disable-keepalive'));
    if (c.cpus !== undefined) state('cpus', c.cpus, flag(`-cpus ${c.cpus}`));
    if (c.rate !== undefined) state('rate', c.rate, flag(`-q ${c.rate}`));
    if (c.duration !== undefined) state('duration', c.duration, flag(`-z ${c.duration}s`));
    if (c.url !== undefined) state('url', c.url, flag('the URL'));
    from.requests = 'hey command';
    from.concurrency = 'hey command';
  } else {
    const results = run.report.responses + run.report.errorCount;
    state('requests', results, `the ${results} results hey counted`);
    // hey's own -c divided them; a scenario's other -c sends them all, not its rounds of them.
    state('remainder', 'sent', `the ${results} results hey counted`);
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
  // A client that sends for a duration or at a rate (the scenario's hey -z, a --set) has no
  // count to divide: the remainder set for the run's count has nothing to say.
  const client = clientOf(copy);
  const timed = client.duration !== undefined || client.arrivals !== undefined;
  if (timed && !overrides.some((o) => formatPath(o.path) === 'client.remainder')) delete client.remainder;
  const label = `${source} (for ${run.source}${sets.length > 0 ? ', with --set' : ''})`;
  return {
    scenario: validateScenario(copy, label, [...stated, ...overrides], { budgets: options.budgets, budgetFlags: BUDGET_SETS }),
    from,
  };
}

/** wrk's --timeout when not given (wg/wrk src/wrk.h: SOCKET_TIMEOUT_MS), in seconds. */
export const WRK_DEFAULT_TIMEOUT = 2;

/** Tools whose users may wait between requests: the scenario's client.thinkTime stays. */
const THINKING = new Set(['siege', 'locust-csv', 'locust-json', 'k6-json', 'k6-text']);

/** Another tool's client, as its output and command line state it. */
function applyStated(copy: unknown, run: MeasuredRun, from: ClientSettingsSource, stated: Override[]): void {
  const s = run.client ?? {};
  const what = `${TOOL_NAMES[run.tool!]} output`;
  const client = clientOf(copy);
  // Each field set here is the output's (or its command line's), for a message that refuses one.
  const source = `${run.source}: ${run.commandText !== undefined ? `its ${TOOL_NAMES[run.tool!]} command or output` : `${what}`}`;
  const set = (key: string, value: unknown) => {
    client[key] = value;
    stated.push({ path: ['client', key], value, source });
  };
  const results = run.report.responses + (run.errorCounting === 'in-status' ? 0 : run.report.errorCount);
  for (const key of ['arrivals', 'rate', 'duration', 'pacing']) delete client[key];
  // Tools whose users wait between requests (locust's wait_time, a k6 sleep) keep the
  // scenario's think time; the others send at once, as hey.
  if (!THINKING.has(run.tool!)) delete client.thinkTime;
  if (s.thinkTime !== undefined) set('thinkTime', s.thinkTime > 0 ? { dist: 'uniform', min: 0, max: s.thinkTime } : 0);
  if (s.openLoop && s.targetRate !== undefined) {
    delete client.concurrency;
    delete client.maxIdleConns;
    delete client.thinkTime;
    set('arrivals', { process: 'constant', rate: s.targetRate });
    from.concurrency = what;
  } else if (s.concurrency !== undefined) {
    set('concurrency', s.concurrency);
    from.concurrency = what;
  }
  delete client.remainder;
  if (s.duration !== undefined) {
    set('duration', s.duration);
    delete client.requests;
  } else {
    set('requests', s.requests ?? results);
    // What the tool sent, in all: hey would leave requests mod concurrency unsent (locust's
    // 1001 requests of 10 users were 1000).
    if (!s.openLoop) set('remainder', 'sent');
  }
  from.requests = what;
  // wrk2 -R and autocannon -R are totals over the connections; hey's -q is per worker.
  // wrk2 keeps a schedule and counts a late request's latency from when it was due.
  if (!s.openLoop && s.targetRate !== undefined && typeof client.concurrency === 'number') {
    set('rate', Number((s.targetRate / client.concurrency).toPrecision(12)));
    if (run.tool === 'wrk2') set('pacing', 'schedule');
  }
  if (run.tool === 'wrk') {
    // wrk's --timeout cancels nothing: a response later than it is counted as a timeout
    // and left out of the latency figures (wg/wrk src/wrk.c: response_complete,
    // stats_record); without -T it is 2 s (SOCKET_TIMEOUT_MS).
    set('timeoutMode', 'count');
    if (s.timeout !== undefined) set('timeout', s.timeout);
    else {
      client.timeout = WRK_DEFAULT_TIMEOUT;
      stated.push({ path: ['client', 'timeout'], value: WRK_DEFAULT_TIMEOUT, source: `${run.source}: wrk's default --timeout` });
    }
  } else if (run.tool === 'wrk2') {
    // wrk2 cancels nothing either, and records every latency (its timeouts are a sweep of
    // its connections every 2 s, not simulated): no timeout at all.
    set('timeout', 0);
  } else if (s.timeout !== undefined) set('timeout', s.timeout);
  if (s.keepAlive !== undefined && !s.openLoop) set('keepAlive', s.keepAlive);
  if (s.url !== undefined) set('url', s.url);
}

function clientOf(raw: unknown): Record<string, unknown> {
  const r = raw as Record<string, unknown>;
  if (r.client === null || typeof r.client !== 'object') r.client = {};
  return r.client as Record<string, unknown>;
}
