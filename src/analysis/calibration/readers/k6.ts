// k6's summaries: --summary-export JSON (metrics flattened: "http_req_duration": {"avg":
// ..., "p(95)": ...}, "http_reqs": {"count", "rate"}, "http_req_failed": {"value",
// "passes", "fails"}), the handleSummary JSON (the same under "values", with "state"),
// and the end-of-test text summary ("http_req_duration..: avg=6.1ms min=... med=...").
// Times in the JSON are milliseconds. http_reqs counts every request; http_req_failed is
// the share that failed: a status outside 200-399 or no response ("failed").
// Assumed: one HTTP request per iteration (the scenario's load is k6's http_reqs).
import { UserError } from '../../../scenario/errors.js';
import {
  amount,
  count,
  object,
  OutputLines,
  passFailRun,
  secondsWithUnit,
  type MeasuredRun,
  type PassFailFigures,
  type StatedClient,
} from '../measuredRun.js';

const TREND_KEYS: Record<string, number> = {
  'p(10)': 10,
  'p(25)': 25,
  med: 50,
  'p(50)': 50,
  'p(75)': 75,
  'p(90)': 90,
  'p(95)': 95,
  'p(99)': 99,
};

export function isK6Json(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const metrics = (value as Record<string, unknown>).metrics;
  return metrics !== null && typeof metrics === 'object' && 'http_reqs' in metrics;
}

export function parseK6Json(value: Record<string, unknown>, source: string): MeasuredRun {
  const metrics = object(value.metrics, 'metrics', source);
  // handleSummary's JSON holds each metric's figures under "values".
  const figures = (name: string): Record<string, unknown> | undefined => {
    const m = metrics[name];
    if (m === undefined) return undefined;
    const o = object(m, `metrics.${name}`, source);
    return o.values === undefined ? o : object(o.values, `metrics.${name}.values`, source);
  };
  const reqs = figures('http_reqs')!;
  const requests = count(reqs.count, 'metrics.http_reqs.count', source);
  const rate = amount(reqs.rate, 'metrics.http_reqs.rate', source);
  const failed = figures('http_req_failed');
  const failedShare = failed === undefined ? 0 : amount(failed.value ?? failed.rate, 'metrics.http_req_failed.value', source);
  const duration = figures('http_req_duration');
  const ms = (key: string): number | null =>
    duration?.[key] === undefined ? null : amount(duration[key], `metrics.http_req_duration["${key}"]`, source) / 1000;
  const percentiles: Record<number, number | null> = {};
  for (const [key, p] of Object.entries(TREND_KEYS)) if (duration?.[key] !== undefined) percentiles[p] = ms(key);
  const state = value.state === undefined ? undefined : object(value.state, 'state', source);
  const runMs = state?.testRunDurationMs === undefined ? undefined : amount(state.testRunDurationMs, 'state.testRunDurationMs', source);
  const vus = figures('vus_max') ?? figures('vus');
  const vusMax = vus === undefined ? undefined : (vus.max ?? vus.value);
  const client: StatedClient = { keepAlive: true };
  if (typeof vusMax === 'number' && Number.isInteger(vusMax) && vusMax > 0) client.concurrency = vusMax;
  return k6Run(source, 'k6-json', client, {
    requests,
    failures: Math.round(failedShare * requests),
    total: runMs !== undefined ? runMs / 1000 : rate > 0 ? requests / rate : 0,
    requestsPerSec: rate,
    average: ms('avg'),
    fastest: ms('min'),
    slowest: ms('max'),
    percentiles,
  });
}

export function isK6Text(text: string): boolean {
  // Indented by whitespace within its line: \s* would run on over line ends, from every line
  // start of a run of blank lines to its end, and a file's blank lines would cost their count squared.
  return /^[^\S\r\n\u2028\u2029]*http_reqs\.*:/m.test(text);
}

export function parseK6Text(text: string, source: string, firstLine = 1): MeasuredRun {
  const out = new OutputLines(text, source, "k6's end-of-test summary", firstLine);
  const reqs = out.match(/^http_reqs\.*:/, /^http_reqs\.*:\s+(\d+)\s+([\d.]+)\/s$/, 'http_reqs......................: 1000   99.8/s')!;
  const failed = out.match(
    /^http_req_failed\.*:/,
    /^http_req_failed\.*:\s+([\d.]+)%\s+(?:✓\s+(\d+)\s+✗\s+(\d+)|(\d+) out of (\d+))$/,
    'http_req_failed................: 10.00% ✓ 100       ✗ 900',
    false,
  );
  const durationIndex = out.find(/^http_req_duration\.*:/);
  const trend: Record<string, number> = {};
  if (durationIndex !== undefined) {
    const body = /^http_req_duration\.*:\s+(.*)$/.exec(out.lines[durationIndex].trim())![1];
    for (const part of body.split(/\s+/)) {
      const m = /^([\w().]+)=(\S+)$/.exec(part);
      const v = m === null ? undefined : secondsWithUnit(m[2]);
      if (m === null || v === undefined)
        out.fail(durationIndex, 'expected figures such as "avg=6.1ms min=2.03ms med=5.5ms max=40ms p(90)=9ms p(95)=12ms"');
      trend[m![1]] = v!;
    }
  }
  const requests = Number(reqs[1]);
  const rate = Number(reqs[2]);
  // ✓ counts the true values of the rate metric: for http_req_failed, the failed requests.
  const failures = failed === undefined ? 0 : failed[2] !== undefined ? Number(failed[2]) : Number(failed[4]);
  const running = /running \((?:(\d+)m)?([\d.]+)s\), \d+\/\d+ VUs/.exec(text);
  const client: StatedClient = { keepAlive: true };
  // The executor line: "* default: 10 looping VUs for 10s (gracefulStop: 30s)", ...
  const looping = /\* \S+: (\d+) looping VUs for (\S+) /.exec(text);
  const shared = /\* \S+: (\d+) iterations shared among (\d+) VUs/.exec(text);
  const each = /\* \S+: (\d+) iterations for each of (\d+) VUs/.exec(text);
  const arrival = /\* \S+: ([\d.]+) iterations\/s for (\S+) /.exec(text);
  if (looping) Object.assign(client, { concurrency: Number(looping[1]), duration: secondsWithUnit(looping[2]) });
  else if (shared) Object.assign(client, { requests: Number(shared[1]), concurrency: Number(shared[2]) });
  else if (each) Object.assign(client, { requests: Number(each[1]) * Number(each[2]), concurrency: Number(each[2]) });
  else if (arrival) Object.assign(client, { targetRate: Number(arrival[1]), openLoop: true, duration: secondsWithUnit(arrival[2]) });
  const percentiles: Record<number, number | null> = {};
  for (const [key, p] of Object.entries(TREND_KEYS)) if (trend[key] !== undefined) percentiles[p] = trend[key];
  return k6Run(source, 'k6-text', client, {
    requests,
    failures,
    total: running ? Number(running[1] ?? 0) * 60 + Number(running[2]) : rate > 0 ? requests / rate : 0,
    requestsPerSec: rate,
    average: trend.avg ?? null,
    fastest: trend.min ?? null,
    slowest: trend.max ?? null,
    percentiles,
  });
}

function k6Run(source: string, tool: 'k6-json' | 'k6-text', client: StatedClient, f: PassFailFigures): MeasuredRun {
  if (f.failures > f.requests)
    throw new UserError(`${source}: k6 counts ${f.failures} failed of ${f.requests} requests: the output was edited`);
  return passFailRun(source, tool, client, f);
}
