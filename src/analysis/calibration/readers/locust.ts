// locust's --csv stats file (PREFIX_stats.csv) and its --json output (locust/stats.py:
// requests_csv_columns, and print_stats_json = json.dumps(stats.serialize_stats())).
// Times are milliseconds. A locust failure is a response with a status >= 400 or a
// request without a response (requests' raise_for_status, or a ConnectionError), so the
// failures are one group ("failed") and the other requests the 2xx/3xx ones.
import { UserError } from '../../../scenario/errors.js';
import { HEY_PERCENTILES } from '../heyOutput.js';
import { amount, count, object, OutputLines, passFailRun, type MeasuredRun, type PassFailFigures } from '../measuredRun.js';

const CSV_HEADER = 'Type,Name,Request Count,Failure Count,';

export function isLocustCsv(text: string): boolean {
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith(CSV_HEADER);
}

export function parseLocustCsv(text: string, source: string, firstLine = 1): MeasuredRun {
  const out = new OutputLines(text, source, "locust's _stats.csv", firstLine);
  const first = out.lines.findIndex((l) => l.trim() !== '');
  const header = out.lines[first].replace(/^\uFEFF/, '').split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) out.fail(first, `expected locust's _stats.csv header with a "${name}" column`);
    return i;
  };
  const aggregated = out.lines.findIndex((l) => /^,Aggregated,/.test(l) || /^None,Aggregated,/.test(l));
  if (aggregated < 0) throw new UserError(`${source}: locust's _stats.csv without its ",Aggregated," line: the file was cut`);
  const cells = out.lines[aggregated].split(',');
  const num = (name: string, whole = false): number => {
    const text = cells[col(name)];
    const v = Number(text);
    if (text === undefined || text.trim() === '' || !Number.isFinite(v) || v < 0 || (whole && !Number.isInteger(v))) {
      out.fail(aggregated, `expected ${whole ? 'a whole number' : 'a number'} in the "${name}" column`);
    }
    return v;
  };
  const requests = num('Request Count', true);
  const failures = num('Failure Count', true);
  const rps = num('Requests/s');
  const percentiles: Record<number, number | null> = {};
  for (const p of HEY_PERCENTILES) {
    const i = header.indexOf(`${p}%`);
    // "N/A" when no request was made.
    if (i >= 0 && cells[i] !== 'N/A') percentiles[p] = num(`${p}%`) / 1000;
  }
  return locustRun(source, 'locust-csv', {
    requests,
    failures,
    total: rps > 0 ? requests / rps : 0,
    requestsPerSec: rps,
    average: num('Average Response Time') / 1000,
    fastest: num('Min Response Time') / 1000,
    slowest: num('Max Response Time') / 1000,
    percentiles,
  });
}

/** locust --json: an array of serialized StatsEntry, one per endpoint. */
export function isLocustJson(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((e) => e !== null && typeof e === 'object' && 'num_requests' in e && 'response_times' in e)
  );
}

export function parseLocustJson(value: unknown[], source: string): MeasuredRun {
  let requests = 0;
  let failures = 0;
  let totalTime = 0;
  let fastest = Infinity;
  let slowest = 0;
  let start = Infinity;
  let last = 0;
  const histogram = new Map<number, number>();
  value.forEach((raw, i) => {
    const e = object(raw, `[${i}]`, source);
    const n = count(e.num_requests, `[${i}].num_requests`, source);
    requests += n;
    failures += count(e.num_failures, `[${i}].num_failures`, source);
    totalTime += amount(e.total_response_time, `[${i}].total_response_time`, source);
    if (n > 0) {
      fastest = Math.min(fastest, amount(e.min_response_time, `[${i}].min_response_time`, source));
      slowest = Math.max(slowest, amount(e.max_response_time, `[${i}].max_response_time`, source));
      start = Math.min(start, amount(e.start_time, `[${i}].start_time`, source));
      last = Math.max(last, amount(e.last_request_timestamp, `[${i}].last_request_timestamp`, source));
    }
    for (const [key, c] of Object.entries(object(e.response_times, `[${i}].response_times`, source))) {
      // Keys are the rounded milliseconds locust counts each response under.
      const ms = key.trim() === '' ? Number.NaN : Number(key);
      if (!Number.isFinite(ms) || ms < 0)
        throw new UserError(
          `${source}: [${i}].response_times: expected milliseconds as its keys, got ${JSON.stringify(abbreviateKey(key))}`,
        );
      histogram.set(ms, (histogram.get(ms) ?? 0) + count(c, `[${i}].response_times["${key}"]`, source));
    }
  });
  // Like locust's Aggregated line: requests over the time from the first start to the last request.
  const total = requests > 0 ? last - start : 0;
  const percentiles: Record<number, number | null> = {};
  for (const p of HEY_PERCENTILES) percentiles[p] = requests > 0 ? locustPercentile(histogram, requests, p / 100) / 1000 : null;
  return locustRun(source, 'locust-json', {
    requests,
    failures,
    total,
    requestsPerSec: total > 0 ? requests / total : 0,
    average: requests > 0 ? totalTime / requests / 1000 : null,
    fastest: requests > 0 ? fastest / 1000 : null,
    slowest: requests > 0 ? slowest / 1000 : null,
    percentiles,
  });
}

/** locust/stats.py calculate_response_time_percentile: its rounded-milliseconds histogram. */
function locustPercentile(histogram: Map<number, number>, total: number, percent: number): number {
  const wanted = Math.floor(total * percent);
  let processed = 0;
  for (const ms of [...histogram.keys()].sort((a, b) => b - a)) {
    processed += histogram.get(ms)!;
    if (total - processed <= wanted) return ms;
  }
  return 0;
}

function locustRun(source: string, tool: 'locust-csv' | 'locust-json', f: PassFailFigures): MeasuredRun {
  if (f.failures > f.requests)
    throw new UserError(`${source}: locust counts ${f.failures} failures of ${f.requests} requests: the output was edited`);
  // locust's users are a closed loop with their own wait_time between requests; its
  // statistics do not say how many users ran (give the "$ locust -u N ..." line).
  return passFailRun(source, tool, { keepAlive: true }, f);
}

/** A key as a message quotes it: at most 40 characters. */
function abbreviateKey(key: string): string {
  return key.length > 40 ? `${key.slice(0, 40)}...` : key;
}
