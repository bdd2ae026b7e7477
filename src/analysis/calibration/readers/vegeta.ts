// vegeta report (tsenart/vegeta lib/reporters.go NewTextReporter) and report -type=json
// (lib/metrics.go Metrics). vegeta is an open loop: it sends at -rate whatever the server
// does. Status code 0 is a request without a response; "Error Set" lists the distinct
// errors without counts, so they are counted as one total (the code-0 requests).
//
//   Requests      [total, rate, throughput]         1200, 120.10, 108.01
//   Duration      [total, attack, wait]             10.004s, 9.992s, 12.1ms
//   Latencies     [min, mean, 50, 90, 95, 99, max]  2.1ms, 6.3ms, 5.2ms, ...
//   Success       [ratio]                           90.00%
//   Status Codes  [code:count]                      200:1080  500:120
//   Error Set:
//   500 Internal Server Error
//
// JSON durations are nanoseconds. Older vegetas print fewer columns (no min, 90, or
// throughput): the bracketed names say which.
import { UserError } from '../../../scenario/errors.js';
import { amount, buildReport, count, object, OutputLines, secondsWithUnit, type MeasuredRun } from '../measuredRun.js';

const PERCENT_NAMES: Record<string, number> = { '10': 10, '25': 25, '50': 50, '75': 75, '90': 90, '95': 95, '99': 99 };

export function isVegetaText(text: string): boolean {
  return /^Requests\s+\[total, rate/m.test(text);
}

export function parseVegetaText(text: string, source: string, firstLine = 1): MeasuredRun {
  const out = new OutputLines(text, source, "vegeta's report", firstLine);
  const row = (label: string, example: string, required = true): Record<string, string> | undefined => {
    const m = out.match(new RegExp(`^${label}\\s+\\[`), new RegExp(`^${label}\\s+\\[([^\\]]+)\\]\\s+(.*)$`), example, required);
    if (m === undefined) return undefined;
    const names = m[1].split(',').map((s) => s.trim());
    const values = m[2].split(',').map((s) => s.trim());
    if (names.length !== values.length)
      out.fail(out.find(new RegExp(`^${label}\\s+\\[`))!, `expected ${names.length} values for [${m[1]}]`);
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  };
  const at = (label: string) => out.find(new RegExp(`^${label}\\s+\\[`))!;
  const seconds = (label: string, v: string | undefined): number | null => {
    if (v === undefined) return null;
    const s = secondsWithUnit(v);
    if (s === undefined) out.fail(at(label), `expected durations such as 5.2ms or 1m2.5s, got ${v}`);
    return s!;
  };
  const requests = row('Requests', 'Requests      [total, rate, throughput]         1200, 120.10, 108.01')!;
  const duration = row('Duration', 'Duration      [total, attack, wait]             10.004s, 9.992s, 12.1ms')!;
  const latencies = row('Latencies', 'Latencies     [min, mean, 50, 90, 95, 99, max]  2.1ms, 6.3ms, 5.2ms, 9ms, 11ms, 20ms, 31ms')!;
  const codesLine = out.match(
    /^Status Codes\s+\[/,
    /^Status Codes\s+\[code:count\]\s+(.*)$/,
    'Status Codes  [code:count]                      200:1080  500:120',
  )!;
  const statusCodes: Record<string, number> = {};
  for (const pair of codesLine[1].trim().split(/\s+/)) {
    const m = /^(\d+):(\d+)$/.exec(pair);
    if (!m) out.fail(out.find(/^Status Codes\s+\[/)!, 'expected code:count pairs such as "200:1080  500:120"');
    statusCodes[m![1]] = (statusCodes[m![1]] ?? 0) + Number(m![2]);
  }
  // vegeta ends its report with the "Error Set:" line, even when no error follows it.
  out.match(/^Error Set:/, /^Error Set:$/, 'Error Set:');
  const total = Number(requests.total);
  const rate = Number(requests.rate);
  if (!Number.isInteger(total) || !Number.isFinite(rate)) out.fail(at('Requests'), 'expected a whole number of requests and a rate');
  const percentiles: Record<number, number | null> = {};
  for (const [name, p] of Object.entries(PERCENT_NAMES))
    if (latencies[name] !== undefined) percentiles[p] = seconds('Latencies', latencies[name]);
  return vegetaRun(source, 'vegeta-text', {
    requests: total,
    rate,
    attack: seconds('Duration', duration.attack) ?? 0,
    total: seconds('Duration', duration.total) ?? 0,
    statusCodes,
    average: seconds('Latencies', latencies.mean),
    fastest: seconds('Latencies', latencies.min),
    slowest: seconds('Latencies', latencies.max),
    percentiles,
  });
}

export function isVegetaJson(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'latencies' in value && 'status_codes' in value;
}

export function parseVegetaJson(value: Record<string, unknown>, source: string): MeasuredRun {
  const lat = object(value.latencies, 'latencies', source);
  const ns = (key: string): number | null => (lat[key] === undefined ? null : amount(lat[key], `latencies["${key}"]`, source) / 1e9);
  const statusCodes: Record<string, number> = {};
  for (const [code, n] of Object.entries(object(value.status_codes, 'status_codes', source))) {
    if (!/^\d+$/.test(code)) throw new UserError(`${source}: status_codes["${code}"]: expected a status code such as "200"`);
    statusCodes[code] = count(n, `status_codes["${code}"]`, source);
  }
  const percentiles: Record<number, number | null> = {};
  for (const [name, p] of Object.entries(PERCENT_NAMES)) if (lat[`${name}th`] !== undefined) percentiles[p] = ns(`${name}th`);
  const attack = amount(value.duration, 'duration', source) / 1e9;
  const wait = value.wait === undefined ? 0 : amount(value.wait, 'wait', source) / 1e9;
  return vegetaRun(source, 'vegeta-json', {
    requests: count(value.requests, 'requests', source),
    rate: amount(value.rate, 'rate', source),
    attack,
    total: attack + wait,
    statusCodes,
    average: ns('mean'),
    fastest: ns('min'),
    slowest: ns('max'),
    percentiles,
  });
}

function vegetaRun(
  source: string,
  tool: 'vegeta-text' | 'vegeta-json',
  f: {
    requests: number;
    rate: number;
    attack: number;
    total: number;
    statusCodes: Record<string, number>;
    average: number | null;
    fastest: number | null;
    slowest: number | null;
    percentiles: Record<number, number | null>;
  },
): MeasuredRun {
  const { '0': noResponse = 0, ...codes } = f.statusCodes;
  const counted = Object.values(f.statusCodes).reduce((a, b) => a + b, 0);
  if (counted !== f.requests)
    throw new UserError(
      `${source}: vegeta's status codes add up to ${counted}, expected its ${f.requests} requests: the output was edited or cut`,
    );
  const responses = f.requests - noResponse;
  return {
    source,
    tool,
    command: undefined,
    // The attack's rate (requests over the time they were sent in) is the -rate it kept.
    client: {
      openLoop: true,
      targetRate: Number(f.rate.toFixed(2)),
      duration: f.attack > 0 ? Number(f.attack.toFixed(6)) : undefined,
      requests: f.requests,
      keepAlive: true,
      timeout: 30,
    },
    errorCounting: 'total',
    report: buildReport({
      total: f.total,
      // hey's Requests/sec counts every result over the whole run; vegeta's "throughput"
      // counts successes only, its "rate" the sending: this is hey's figure.
      requestsPerSec: f.total > 0 ? f.requests / f.total : 0,
      average: f.average,
      fastest: f.fastest,
      slowest: f.slowest,
      percentiles: f.percentiles,
      statusCodes: codes,
      errors: { 'vegeta: no response (status code 0)': noResponse },
      responses,
    }),
  };
}
