// Reads hey's default text report back into numbers, section by section, as hey prints
// it (rakyll/hey requester/print.go: defaultTmpl in 0.1.x; the older print() writes the
// same lines with different blank lines). Every non-blank line must be one hey prints,
// and the report must reach its Status code distribution, complete; anything else is an
// error naming the line, so a truncated or foreign file never passes for a measurement.
//
// What hey 0.1.4 prints, checked against Debian's build (calibration/results):
//   Summary: Total, Slowest, Fastest, Average, Requests/sec in "%4.4f" (NaN, padded to
//   " NaN", when no response arrived), then Total data and Size/request only when the
//   responses had a body;
//   Response time histogram: 11 lines "  %4.3f [count]\t|bars";
//   Latency distribution: one line per percentile; a percentile that the index rule
//   never reached prints as "  0% in 0.0000 secs" (a zero-valued entry);
//   Details (average, fastest, slowest): five lines; note that hey prints the overall
//   fastest and slowest in the DNS+dialup line, and the others' min and max;
//   Status code distribution: "  [code]\tN responses", codes sorted;
//   Error distribution (only when there were transport errors): "  [N]\tmessage".
import { abbreviate } from '../../messages.js';
import { UserError } from '../../scenario/errors.js';

export const HEY_PERCENTILES = [10, 25, 50, 75, 90, 95, 99] as const;
export type PercentileKey = `p${(typeof HEY_PERCENTILES)[number]}`;

export type DetailPhase = 'dnsDialup' | 'dnsLookup' | 'reqWrite' | 'respWait' | 'respRead';

export interface HeyReport {
  summary: {
    total: number;
    /** null when no response arrived (hey then prints 0.0000 or NaN). */
    slowest: number | null;
    fastest: number | null;
    average: number | null;
    requestsPerSec: number;
    /** Bytes of response bodies; only printed when non-zero. */
    totalData: number | null;
    sizePerRequest: number | null;
  };
  /** hey's "Note: Distributions are for first N results" (more than 1M results). */
  distributionsLimitedTo: number | null;
  histogram: { mark: number; count: number }[];
  /** Seconds; null where hey printed no value for that percentile. */
  latency: Record<PercentileKey, number | null>;
  /** Seconds: average, then the two figures hey prints after it; null for NaN. */
  details: Record<DetailPhase, [number | null, number | null, number | null]> | null;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /** Responses of any status (sum of the status code distribution). */
  responses: number;
  /** Transport errors (sum of the error distribution). */
  errorCount: number;
}

const SECTIONS = {
  'Summary:': 'summary',
  'Response time histogram:': 'histogram',
  'Latency distribution:': 'latency',
  'Details (average, fastest, slowest):': 'details',
  'Status code distribution:': 'statusCodes',
  'Error distribution:': 'errors',
} as const;
type Section = (typeof SECTIONS)[keyof typeof SECTIONS];
const ORDER: Section[] = Object.values(SECTIONS);

// "%4.4f": digits, or NaN / Inf padded to width 4.
const NUMBER = String.raw`\s*([+-]?Inf|NaN|-?\d+\.\d+)`;
const SUMMARY_LINE = new RegExp(String.raw`^  (Total|Slowest|Fastest|Average):\t${NUMBER} secs$`);
const RPS_LINE = new RegExp(String.raw`^  Requests/sec:\t${NUMBER}$`);
const DATA_LINE = /^ {2}(Total data|Size\/request):\t(\d+) bytes$/;
const NOTE_LINE = /^Note: +Distributions are for first (\d+) results\.?$/;
const HISTOGRAM_LINE = /^ {2}(-?\d+\.\d{3}|NaN) \[(\d+)\]\t\|[■∎]*$/;
const LATENCY_LINE = new RegExp(String.raw`^  (\d+)% in${NUMBER} secs$`);
const DETAIL_LINE = new RegExp(
  String.raw`^  (DNS\+dialup|DNS-lookup|req write|resp wait|resp read):\t${NUMBER} secs,${NUMBER} secs,${NUMBER} secs$`,
);
const STATUS_LINE = /^ {2}\[(\d{3})\]\t(\d+) responses$/;
const ERROR_LINE = /^ {2}\[(\d+)\]\t(.*)$/;

const PHASES: Record<string, DetailPhase> = {
  'DNS+dialup': 'dnsDialup',
  'DNS-lookup': 'dnsLookup',
  'req write': 'reqWrite',
  'resp wait': 'respWait',
  'resp read': 'respRead',
};

/**
 * Parses hey's text report. `source` names the file in error messages; `firstLine` is the
 * 1-based number of the report's first line in that file (when something precedes it).
 */
export function parseHeyOutput(text: string, source: string, firstLine = 1): HeyReport {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const fail = (index: number, what: string): never => {
    throw new UserError(`${source}:${index + firstLine}: ${what}, got ${JSON.stringify(abbreviate(lines[index]))}`);
  };

  const summary: Partial<Record<'total' | 'slowest' | 'fastest' | 'average' | 'requestsPerSec', number | null>> = {};
  let totalData: number | null = null;
  let sizePerRequest: number | null = null;
  let distributionsLimitedTo: number | null = null;
  const histogram: { mark: number; count: number }[] = [];
  const latency = Object.fromEntries(HEY_PERCENTILES.map((p) => [`p${p}`, null])) as HeyReport['latency'];
  let details: Partial<NonNullable<HeyReport['details']>> | null = null;
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  // Where each section begins and ends: a truncated report is refused naming the line.
  const headers = new Map<Section, number>();
  const ends = new Map<Section, number>();
  let section: Section | undefined;
  let rpsLine = 0;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // hey's template leaves a line of two spaces where the optional data lines go.
    if (line.trim() === '') continue;
    if (line in SECTIONS) {
      const next = SECTIONS[line as keyof typeof SECTIONS];
      if (headers.has(next)) fail(i, `"${line}" a second time`);
      if (section !== undefined && ORDER.indexOf(next) < ORDER.indexOf(section)) fail(i, `"${line}" out of hey's order`);
      if (next === 'details') details = {};
      headers.set(next, i);
      ends.set(next, i);
      section = next;
      continue;
    }
    if (section !== undefined) ends.set(section, i);
    switch (section) {
      case undefined:
        fail(i, 'expected hey\'s report to begin with "Summary:"');
        break;
      case 'summary': {
        const total = SUMMARY_LINE.exec(line);
        const rps = total ? null : RPS_LINE.exec(line);
        const data = total || rps ? null : DATA_LINE.exec(line);
        const note = total || rps || data ? null : NOTE_LINE.exec(line);
        if (total) {
          const v = number(total[2]);
          // hey measures times: never below 0, never infinite (NaN, no response, is allowed).
          if (v !== null && !(v >= 0 && Number.isFinite(v))) fail(i, `expected ${total[1]} >= 0 seconds`);
          summary[total[1].toLowerCase() as 'total'] = v;
        } else if (rps) {
          const v = number(rps[1]);
          if (!(v !== null && v >= 0 && Number.isFinite(v))) fail(i, 'expected Requests/sec >= 0 (results over the total time)');
          summary.requestsPerSec = v;
          rpsLine = i;
        } else if (data) {
          if (data[1] === 'Total data') totalData = Number(data[2]);
          else sizePerRequest = Number(data[2]);
        } else if (note) {
          distributionsLimitedTo = Number(note[1]);
        } else {
          fail(i, 'expected a Summary line such as "  Total:\\t1.0318 secs"');
        }
        break;
      }
      case 'histogram': {
        const m = HISTOGRAM_LINE.exec(line);
        if (!m) fail(i, 'expected a histogram line such as "  1.059 [1]\\t|■■■■"');
        histogram.push({ mark: Number(m![1]), count: Number(m![2]) });
        break;
      }
      case 'latency': {
        const m = LATENCY_LINE.exec(line);
        if (!m) fail(i, 'expected a latency line such as "  50% in 1.0676 secs"');
        const percent = Number(m![1]);
        // "0% in 0.0000 secs": a percentile the index rule did not reach (few responses).
        if (percent === 0) break;
        if (!(HEY_PERCENTILES as readonly number[]).includes(percent))
          fail(i, `expected one of hey's percentiles ${HEY_PERCENTILES.join(', ')}`);
        latency[`p${percent}` as PercentileKey] = number(m![2]);
        break;
      }
      case 'details': {
        const m = DETAIL_LINE.exec(line);
        if (!m) fail(i, 'expected a Details line such as "  resp wait:\\t1.0652 secs, 1.0583 secs, 1.0673 secs"');
        details![PHASES[m![1]]] = [number(m![2]), number(m![3]), number(m![4])];
        break;
      }
      case 'statusCodes': {
        const m = STATUS_LINE.exec(line);
        if (!m) fail(i, 'expected a status line such as "  [204]\\t10 responses"');
        statusCodes[m![1]] = Number(m![2]);
        break;
      }
      case 'errors': {
        const m = ERROR_LINE.exec(line);
        if (!m) fail(i, 'expected an error line such as "  [5]\\tGet ...: context deadline exceeded"');
        errors[m![2]] = (errors[m![2]] ?? 0) + Number(m![1]);
        break;
      }
    }
  }

  if (!headers.has('summary')) throw new UserError(`${source}: not a hey report: no "Summary:" section`);
  // Every report with a Summary has a Status code distribution, empty when nothing
  // answered (both of hey's layouts print it last but for the errors): a report without
  // one was cut short, wherever it stops.
  const errorsAt = headers.get('errors');
  if (!headers.has('statusCodes')) {
    if (errorsAt !== undefined) fail(errorsAt, 'expected "Status code distribution:" before "Error distribution:" (hey prints both)');
    throw new UserError(
      `${source}:${ends.get(section!)! + firstLine}: hey's report ends here, in its "${headerOf(section!)}" section, without the "Status code distribution:" hey prints after it: the output was cut short`,
    );
  }
  const missing = (['total', 'slowest', 'fastest', 'average', 'requestsPerSec'] as const).filter((k) => !(k in summary));
  if (missing.length > 0) throw new UserError(`${source}: hey's Summary lacks ${missing.join(', ')}`);
  if (summary.total === null || summary.requestsPerSec === null)
    throw new UserError(`${source}: hey's Summary has no Total or Requests/sec`);
  if (details !== null && Object.keys(details).length !== 5) {
    throw new UserError(`${source}: hey's Details section has ${Object.keys(details).length} of its 5 lines`);
  }
  // hey prints "Error distribution:" only when there were errors, each on a line under it.
  if (errorsAt !== undefined && Object.keys(errors).length === 0) {
    throw new UserError(
      `${source}:${errorsAt + firstLine}: hey's "Error distribution:" has no lines; expected lines such as "  [5]\tGet ...: context deadline exceeded" under it: the output was cut short here`,
    );
  }
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  // Every request hey starts ends as a response or an error, even under -z: a report of
  // neither stops before the "Error distribution:" that would have followed.
  if (responses === 0 && errorsAt === undefined) {
    throw new UserError(
      `${source}:${ends.get('statusCodes')! + firstLine}: hey's report ends here, its status code distribution empty, without the "Error distribution:" hey prints when no response came: the output was cut short`,
    );
  }
  // hey's histogram counts every response (the first distributionsLimitedTo of them). A
  // report cut between the lines of its status code distribution counts fewer.
  const binned = histogram.reduce((a, b) => a + b.count, 0);
  const expected = distributionsLimitedTo === null ? responses : Math.min(responses, distributionsLimitedTo);
  if (histogram.length > 0 && binned !== expected) {
    throw new UserError(
      `${source}:${ends.get('statusCodes')! + firstLine}: hey's histogram counts add up to ${binned}, expected ${expected} (the responses in its status code distribution, which ends here): the output was cut short or edited`,
    );
  }
  // hey's Requests/sec is its results (responses and errors) over its Total, each printed to
  // 4 decimals: an edited figure (a Total of 1e20 s, or 1e27 requests a second, for 10
  // results) was compared as a measurement, and a report cut before its Error distribution
  // read as one without errors. Within the rounding of both figures, and 1 %.
  const results = responses + errorCount;
  const { total, requestsPerSec } = summary as { total: number; requestsPerSec: number };
  if (Math.abs(requestsPerSec * total - results) > 0.00005 * (requestsPerSec + total) + 0.01 * results)
    throw new UserError(
      `${source}:${rpsLine + firstLine}: hey's Requests/sec ${requestsPerSec} over its Total of ${total} s makes ${Number((requestsPerSec * total).toPrecision(4))} results, but its report counts ${results} (responses and errors): the output was cut short or edited`,
    );
  return {
    summary: {
      total: summary.total!,
      slowest: responses > 0 ? summary.slowest! : null,
      fastest: responses > 0 ? summary.fastest! : null,
      average: responses > 0 ? summary.average! : null,
      requestsPerSec: summary.requestsPerSec!,
      totalData,
      sizePerRequest,
    },
    distributionsLimitedTo,
    histogram,
    latency,
    details: details as HeyReport['details'],
    statusCodes: sortedByKey(statusCodes),
    errors: sortedByKey(errors),
    responses,
    errorCount,
  };
}

function headerOf(section: Section): string {
  return Object.entries(SECTIONS).find(([, s]) => s === section)![0];
}

function number(text: string): number | null {
  const t = text.trim();
  if (t === 'NaN') return null;
  if (t.endsWith('Inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

function sortedByKey(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}
