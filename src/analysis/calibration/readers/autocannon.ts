// autocannon --json (mcollina/autocannon lib/run.js result): one JSON object with
// connections, duration (s), errors, timeouts, non2xx, "1xx".."5xx", statusCodeStats
// ({"200": {"count": N}}), latency {average, min, max, p10, p25, p50, p75, p90, p99...}
// and requests {average, total, sent...}, in milliseconds and requests per second.
// errors counts every request without a response (timeouts among them).
import { buildReport, count, amount, object, type MeasuredRun } from '../measuredRun.js';

export function isAutocannon(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'latency' in value &&
    'requests' in value &&
    'connections' in value
  );
}

export function parseAutocannon(value: Record<string, unknown>, source: string): MeasuredRun {
  const latency = object(value.latency, 'latency', source);
  const requests = object(value.requests, 'requests', source);
  const ms = (key: string): number | null => (latency[key] === undefined ? null : amount(latency[key], `latency.${key}`, source) / 1000);
  const statusCodes: Record<string, number> = {};
  const byClass = value.statusCodeStats === undefined;
  if (value.statusCodeStats !== undefined) {
    for (const [code, stat] of Object.entries(object(value.statusCodeStats, 'statusCodeStats', source))) {
      statusCodes[code] = count(object(stat, `statusCodeStats["${code}"]`, source).count, `statusCodeStats["${code}"].count`, source);
    }
  } else {
    for (const c of ['1xx', '2xx', '3xx', '4xx', '5xx']) statusCodes[c] = count(value[c], c, source);
  }
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const errors = count(value.errors, 'errors', source);
  const timeouts = value.timeouts === undefined ? 0 : count(value.timeouts, 'timeouts', source);
  const duration = amount(value.duration, 'duration', source);
  const percentiles: Record<number, number | null> = {};
  for (const p of [10, 25, 50, 75, 90, 99]) if (latency[`p${p}`] !== undefined) percentiles[p] = ms(`p${p}`);
  const connections = count(value.connections, 'connections', source);
  return {
    source,
    tool: 'autocannon',
    command: undefined,
    client: {
      concurrency: connections > 0 ? connections : undefined,
      duration: duration > 0 ? duration : undefined,
      keepAlive: true,
      ...(typeof value.url === 'string' ? { url: value.url } : {}),
    },
    errorCounting: 'total',
    ...(byClass ? { statusGroups: ['1xx', '2xx', '3xx', '4xx', '5xx'] } : {}),
    report: buildReport({
      total: duration,
      requestsPerSec: duration > 0 ? (responses + errors) / duration : amount(requests.average, 'requests.average', source),
      average: ms('average') ?? ms('mean'),
      fastest: ms('min'),
      slowest: ms('max'),
      percentiles,
      statusCodes,
      errors: { 'autocannon: timeouts': timeouts, 'autocannon: other errors': errors - Math.min(errors, timeouts) },
      responses,
    }),
  };
}
