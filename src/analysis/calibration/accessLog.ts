// `sim fit --access-log`: a production access log -> the load that produced it, as a
// scenario: an open-loop arrival process (the rate in each interval, Poisson within it)
// and one endpoint per route, weighted by its share of the requests, each with the
// service time the log shows (a lognormal fitted to it, or its empirical distribution).
//
// Reads gunicorn's access log whose --access-logformat ends in %(L)s (seconds, "0.002596")
// or %(D)s (microseconds, "2596"), and nginx's combined log followed by $request_time
// (seconds, "0.003"): both are the common log format, then optional "referer" "agent",
// then the time, last on the line.
//
// What it assumes (sim fit says it too): the logged time is all the server's doing for
// the request, queueing inside it included, so the fit is right only for a quiet period,
// when requests did not wait for one another; the time is waiting (IO), written as a
// sleep step (cooperative under gevent); arrivals are the logged times minus the
// durations, to the log's one-second resolution (the middle of the logged second).
import { UserError } from '../../scenario/errors.js';
import { abbreviate } from '../../messages.js';
import { DEFAULT_LIMITS } from '../../scenario/schema.js';
import { MAX_LIST } from '../../scenario/units.js';

export interface AccessEntry {
  /** Seconds since the epoch when the request arrived (the logged second's middle - duration). */
  arrival: number;
  method: string;
  /** The path without its query string, ids replaced by :id. */
  route: string;
  status: number;
  /** Seconds. */
  duration: number;
}

export interface AccessLog {
  entries: AccessEntry[];
  /** The unit of the time field: %(L)s or $request_time (seconds), %(D)s (microseconds). */
  timeUnit: 'seconds' | 'microseconds';
  /**
   * Lines left out: gunicorn's error log among the access lines, and nginx's 400s and 408s to
   * bytes that were no request line.
   */
  skipped: number;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// host ident user [time] "request" status bytes ["referer" "agent"] ... time
const LINE = /^(\S+) (\S+) (.+?) \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "((?:[^"\\]|\\.)*)" (\d{3}) (\S+)(.*)$/;
/** The longest access log line read: nginx's default large_client_header_buffers is 8 KB per line of the request. */
const MAX_LINE = 65_536;
const REQUEST = /^([A-Z]+) (\S+)(?: HTTP\/[\d.]+)?$/;

export function parseAccessLog(text: string, source: string): AccessLog {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const entries: AccessEntry[] = [];
  /** Each entry's line in the file, for messages. */
  const lineOf: number[] = [];
  let unit: AccessLog['timeUnit'] | undefined;
  let skipped = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${source}:${i + 1}`;
    // gunicorn's error log, when both go to one stream: "[2026-12-02 06:37:49 +0000] [12] [INFO] ..."
    if (/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(line)) {
      skipped++;
      return;
    }
    // A real access line is a few hundred characters; a huge one would only make the
    // pattern below slow (it tries each split of the user field).
    if (line.length > MAX_LINE)
      throw new UserError(`${where}: a line of ${line.length} characters: expected an access log line (at most ${MAX_LINE})`);
    const m = LINE.exec(line);
    if (!m) {
      throw new UserError(
        `${where}: expected an access log line such as '127.0.0.1 - - [02/Dec/2026:06:37:50 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" 0.002596', got ${JSON.stringify(abbreviate(line))}`,
      );
    }
    const month = MONTHS[m[5]];
    if (month === undefined) throw new UserError(`${where}: "${m[5]}" is not a month: expected Jan...Dec in [02/Dec/2026:06:37:50 +0000]`);
    const zone = (m[10][0] === '-' ? -1 : 1) * (Number(m[10].slice(1, 3)) * 3600 + Number(m[10].slice(3)) * 60);
    const [day, hour, minute, second] = [m[4], m[7], m[8], m[9]].map(Number);
    const utc = new Date(Date.UTC(Number(m[6]), month, day, hour, minute, second));
    // Date.UTC rolls a day 99 or an hour 25 over into the next month or day: a time no
    // server wrote, which would move the request's arrival in silence.
    if (utc.getUTCDate() !== day || utc.getUTCHours() !== hour || utc.getUTCMinutes() !== minute || utc.getUTCSeconds() !== second)
      throw new UserError(
        `${where}: [${m[4]}/${m[5]}/${m[6]}:${m[7]}:${m[8]}:${m[9]} ${m[10]}] is not a time: expected a day of the month, hours 00-23, minutes and seconds 00-59`,
      );
    const logged = utc.getTime() / 1000 - zone;
    // The time is the last field: after the optional "referer" "agent".
    const tail = m[14]
      .replace(/"(?:[^"\\]|\\.)*"/g, '')
      .trim()
      .split(/\s+/);
    const field = tail.at(-1) ?? '';
    if (!/^\d+(\.\d+)?$/.test(field)) {
      throw new UserError(
        `${where}: no request time at the end of the line: expected gunicorn's --access-logformat to end in %(L)s (seconds) or %(D)s (microseconds), or nginx's log_format to end in $request_time`,
      );
    }
    const lineUnit = field.includes('.') ? 'seconds' : 'microseconds';
    if (unit === undefined) unit = lineUnit;
    else if (unit !== lineUnit) {
      throw new UserError(
        `${where}: a request time in ${lineUnit} (${field}) among times in ${unit}: expected one --access-logformat for the whole log`,
      );
    }
    const duration = Number(field) * (lineUnit === 'seconds' ? 1 : 1e-6);
    // A request cannot have taken longer than a log may span; a longer time (a mangled
    // field) would put its arrival decades back, or past any date there is.
    if (duration > MAX_LOG_SPAN)
      throw new UserError(
        `${where}: a request time of ${field} ${lineUnit} (${(duration / 86_400).toPrecision(3)} days): expected at most ${MAX_LOG_SPAN / 86_400} days, as long as a log may span`,
      );
    const request = REQUEST.exec(m[11].replace(/\\"/g, '"'));
    if (!request) {
      // nginx answers bytes that are no request line (a TLS handshake on the plain port, a
      // scanner, a connection that sent nothing: "") with 400, or 408 when nothing came in
      // time, and logs them; no application saw them, so they are no load on it.
      if (m[12] === '400' || m[12] === '408') {
        skipped++;
        return;
      }
      throw new UserError(`${where}: expected a request such as "GET /path HTTP/1.1", got ${JSON.stringify(abbreviate(m[11]))}`);
    }
    // The logged second is when the response ended, truncated: its middle, less the duration.
    entries.push({ arrival: logged + 0.5 - duration, method: request[1], route: route(request[2]), status: Number(m[12]), duration });
    lineOf.push(i + 1);
  });
  if (entries.length === 0)
    throw new UserError(
      `${source}: no access log lines: expected gunicorn's access log (with %(L)s or %(D)s) or nginx's combined log with $request_time`,
    );
  checkSpan(entries, lineOf, source);
  return { entries, timeUnit: unit!, skipped };
}

/**
 * The longest stretch of time a log may cover, first arrival to last: 31 days. The fit counts
 * the arrivals of each second, and a log of two lines 56 years apart (a clock reset, a line
 * from another log) took gigabytes and tens of seconds before Node ran out of memory.
 */
export const MAX_LOG_SPAN = 31 * 86_400;

function checkSpan(entries: readonly AccessEntry[], lineOf: readonly number[], source: string): void {
  let first = 0;
  let last = 0;
  entries.forEach((e, i) => {
    if (e.arrival < entries[first].arrival) first = i;
    if (e.arrival > entries[last].arrival) last = i;
  });
  const span = entries[last].arrival - entries[first].arrival;
  if (span <= MAX_LOG_SPAN) return;
  const at = (i: number) => new Date(Math.round(entries[i].arrival) * 1000).toISOString().replace('.000Z', 'Z');
  throw new UserError(
    `${source}: the requests span ${(span / 86_400).toFixed(1)} days, from line ${lineOf[first]} (arriving ${at(first)}) to line ${lineOf[last]} (${at(last)}): expected at most ${MAX_LOG_SPAN / 86_400} days; cut the log to the period to fit (a quiet one)`,
  );
}

/** "/users/123?x=1" -> "/users/:id": the query string dropped, numeric and hex/uuid ids merged. */
export function route(target: string): string {
  const path = target.replace(/^[a-z]+:\/\/[^/]+/i, '').split(/[?#]/)[0] || '/';
  return path
    .split('/')
    .map((segment) =>
      /^\d+$/.test(segment) ||
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
      /^[0-9a-f]{16,}$/i.test(segment)
        ? ':id'
        : segment,
    )
    .join('/');
}

export interface EndpointFit {
  name: string;
  count: number;
  /** Share of the requests. */
  share: number;
  /** The log's own figures, seconds. */
  median: number;
  p90: number;
  mean: number;
  /** The lognormal through the times' median and p90. */
  lognormal: { median: number; sigma: number };
  /** The most common status. */
  status: number;
  /** Up to 100 quantiles of the times, for an empirical distribution. */
  quantiles: number[];
}

export interface ArrivalFit {
  /** Seconds from the first arrival to the last. */
  span: number;
  requests: number;
  meanRate: number;
  /** Seconds per rate step. */
  interval: number;
  /** Arrivals per second in each interval, from 0. */
  rates: number[];
  /**
   * Variance over mean of the arrivals per second (index of dispersion): 1 for a Poisson
   * process at a steady rate, more when they come in bursts.
   */
  dispersion: number;
}

export interface AccessLogFit {
  arrivals: ArrivalFit;
  endpoints: EndpointFit[];
}

const MICROSECOND = 1e-6;
const round = (x: number) => Math.max(MICROSECOND, Number((Math.round(x / MICROSECOND) * MICROSECOND).toFixed(6)));

export function fitAccessLog(log: AccessLog, interval?: number, source = 'the log'): AccessLogFit {
  const arrivals = log.entries.map((e) => e.arrival).sort((a, b) => a - b);
  const start = Math.floor(arrivals[0]);
  const span = arrivals[arrivals.length - 1] - arrivals[0];
  // One rate per second, or per longer interval so that a long log gives at most 120 steps.
  const step = interval ?? Math.max(1, Math.ceil((span + 1) / 120));
  const buckets = Math.max(1, Math.floor((arrivals[arrivals.length - 1] - start) / step) + 1);
  if (buckets > MAX_LIST) throw new UserError(`--interval ${step}: ${buckets} rate steps; at most ${MAX_LIST}: give a longer --interval`);
  const counts = new Array<number>(buckets).fill(0);
  for (const a of arrivals) counts[Math.min(buckets - 1, Math.floor((a - start) / step))]++;
  const perSecond = new Array<number>(Math.floor(arrivals[arrivals.length - 1] - start) + 1).fill(0);
  for (const a of arrivals) perSecond[Math.floor(a - start)]++;
  const mean = perSecond.reduce((s, x) => s + x, 0) / perSecond.length;
  const variance = perSecond.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, perSecond.length - 1);
  const groups = new Map<string, AccessEntry[]>();
  for (const e of log.entries) {
    const key = `${e.method} ${e.route}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [e]);
    else list.push(e);
  }
  if (groups.size > MAX_LIST)
    throw new UserError(
      `${source}: ${groups.size} routes (method and path, numeric and hex ids merged as :id): expected at most ${MAX_LIST}, a scenario's endpoints; keep the busiest routes (grep them out of the log)`,
    );
  const endpoints = [...groups].map(([name, list]) => {
    const times = list.map((e) => Math.max(e.duration, MICROSECOND)).sort((a, b) => a - b);
    // The lognormal through the log's median and p90 (z(0.9) = 1.2816): it reproduces the
    // figures a load test reports, where a fit on the logarithms' mean would move the
    // median of a mix (fast 500s among slower 200s). Without a spread there: their deviation.
    const median = quantile(times, 0.5);
    const p90 = quantile(times, 0.9);
    const logs = times.map(Math.log);
    const mu = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sigma =
      p90 > median
        ? Math.log(p90 / median) / 1.2815516
        : Math.sqrt(logs.reduce((s, x) => s + (x - mu) ** 2, 0) / Math.max(1, logs.length - 1));
    const statuses = new Map<number, number>();
    for (const e of list) statuses.set(e.status, (statuses.get(e.status) ?? 0) + 1);
    const status = [...statuses].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    const k = Math.min(100, times.length);
    return {
      name,
      count: list.length,
      share: list.length / log.entries.length,
      median,
      p90,
      mean: times.reduce((s, x) => s + x, 0) / times.length,
      lognormal: { median: round(median), sigma: Number(sigma.toFixed(4)) },
      status,
      quantiles: Array.from({ length: k }, (_, i) => round(quantile(times, (i + 0.5) / k))),
    };
  });
  endpoints.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  return {
    arrivals: {
      span,
      requests: arrivals.length,
      meanRate: span > 0 ? arrivals.length / span : arrivals.length,
      interval: step,
      rates: counts.map((c) => Number((c / step).toFixed(6))),
      dispersion: mean > 0 ? Number((variance / mean).toFixed(3)) : 0,
    },
    endpoints,
  };
}

/** The q-quantile of sorted values, linear between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The simulated-time budget the log's scenario needs, in seconds: twice its rate steps'
 * span (the log's span rounded up to whole intervals), when that is beyond the default
 * limits.maxSimTime (an hour); undefined when the default is enough. Twice, because the
 * Poisson arrivals match the log's count only on average (the last ones may come after
 * the steps' end, at the last step's rate), and the last responses come after the last
 * arrival. Without it a day's log made a scenario sim run refused (or, given the log's
 * span exactly, stopped as partial about one run in two).
 */
export function logTimeBudget(fit: AccessLogFit): number | undefined {
  const steps = fit.arrivals.rates.length * fit.arrivals.interval;
  const budget = 2 * Math.ceil(steps);
  return budget > DEFAULT_LIMITS.maxSimTime ? budget : undefined;
}

/**
 * `base` (a parsed scenario) with the log's load: an open loop at the fitted rates (Poisson
 * within each interval), and the endpoints, each a sleep of the fitted service time; and
 * the simulated-time budget the load needs (logTimeBudget), unless the base gives one.
 */
export function scenarioFromAccessLog(
  base: Record<string, unknown>,
  fit: AccessLogFit,
  options: { empirical: boolean; source: string },
): Record<string, unknown> {
  const out = structuredClone(base);
  const client = (out.client !== null && typeof out.client === 'object' ? out.client : {}) as Record<string, unknown>;
  for (const key of ['concurrency', 'rate', 'duration', 'maxIdleConns', 'requests', 'arrivals']) delete client[key];
  const rates = [...fit.arrivals.rates];
  // A client that counts requests needs a last rate > 0: trailing empty intervals go.
  while (rates.length > 1 && rates[rates.length - 1] === 0) rates.pop();
  client.requests = fit.arrivals.requests;
  client.arrivals =
    rates.length === 1
      ? { process: 'poisson', rate: rates[0] }
      : { process: 'poisson', steps: rates.map((rate, i) => ({ from: i * fit.arrivals.interval, rate })) };
  out.client = client;
  const app = (out.app !== null && typeof out.app === 'object' ? out.app : {}) as Record<string, unknown>;
  delete app.steps;
  delete app.pool;
  app.endpoints = fit.endpoints.map((e) => ({
    name: e.name,
    weight: e.count,
    ...(e.status !== ((app.status as number | undefined) ?? 200) && e.status < 400 ? { status: e.status } : {}),
    steps: [
      {
        kind: 'sleep',
        time:
          options.empirical || e.count < 3 || e.lognormal.sigma === 0
            ? { dist: 'choice', values: e.quantiles }
            : { dist: 'lognormal', ...e.lognormal },
      },
    ],
  }));
  out.app = app;
  // A budget the base gives stays (and a limits that is no object is left for validation to name).
  const budget = logTimeBudget(fit);
  if (budget !== undefined && out.limits === undefined) out.limits = { maxSimTime: budget };
  else if (budget !== undefined && out.limits !== null && typeof out.limits === 'object' && !Array.isArray(out.limits)) {
    const limits = out.limits as Record<string, unknown>;
    if (limits.maxSimTime === undefined) limits.maxSimTime = budget;
  }
  // The base's steps are gone, and with them whatever their costs were fitted or measured to.
  for (const key of ['fitted', 'measured']) {
    const block = out[key];
    if (block === null || typeof block !== 'object') continue;
    for (const path of Object.keys(block)) if (path.startsWith('app.')) delete (block as Record<string, unknown>)[path];
  }
  const before = typeof out.description === 'string' ? `${out.description.trim()} ` : '';
  out.description = `${before}Load fitted by sim fit --access-log ${options.source}: ${fit.arrivals.requests} requests over ${fit.arrivals.span.toFixed(1)} s (${fit.arrivals.meanRate.toFixed(2)}/s on average, dispersion ${fit.arrivals.dispersion}), arriving open-loop at each ${fit.arrivals.interval} s interval's rate; ${fit.endpoints.length} endpoint(s) weighted by their requests, each a sleep of the time the log shows (${options.empirical ? 'empirical' : 'lognormal'}). The logged times include queueing in the server: fitted from a quiet period they are service times.`;
  return out;
}
