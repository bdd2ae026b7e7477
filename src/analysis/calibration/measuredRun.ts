// A measured run from any load tester sim reads: the tool's output turned into hey's
// figures (HeyReport), with the client settings the output (or a "$ command" line before
// it) states. The format is recognised from the content; docs/load-testers.md says how
// each tool's figures map onto hey's.
//
//   text -> detect (first matching FORMATS entry) -> that tool's reader -> MeasuredRun
//
// hey's own text report keeps its reader (heyRun.ts, heyOutput.ts) and its checks.
import { abbreviate } from '../../messages.js';
import { UserError } from '../../scenario/errors.js';
import { HEY_PERCENTILES, type HeyReport, type PercentileKey } from './heyOutput.js';
import type { HeyRun } from './heyRun.js';

export type Tool =
  | 'hey'
  | 'hey-csv'
  | 'wrk'
  | 'wrk2'
  | 'ab'
  | 'siege'
  | 'locust-csv'
  | 'locust-json'
  | 'k6-json'
  | 'k6-text'
  | 'vegeta-text'
  | 'vegeta-json'
  | 'autocannon';

/** Every format, as error messages and docs name them. */
export const FORMATS: Record<Tool, string> = {
  hey: "hey's text report",
  'hey-csv': 'hey -o csv',
  wrk: 'wrk (with or without --latency)',
  wrk2: 'wrk2 (with or without --latency)',
  ab: 'ApacheBench (ab)',
  siege: "siege's summary (JSON or text)",
  'locust-csv': 'locust --csv (the _stats.csv file)',
  'locust-json': 'locust --json',
  'k6-json': 'k6 --summary-export (or handleSummary JSON)',
  'k6-text': "k6's end-of-test summary",
  'vegeta-text': 'vegeta report',
  'vegeta-json': 'vegeta report -type=json',
  autocannon: 'autocannon --json',
};

/** Short names, for "from the wrk output". */
export const TOOL_NAMES: Record<Tool, string> = {
  hey: 'hey',
  'hey-csv': 'hey -o csv',
  wrk: 'wrk',
  wrk2: 'wrk2',
  ab: 'ab',
  siege: 'siege',
  'locust-csv': 'locust --csv',
  'locust-json': 'locust --json',
  'k6-json': 'k6 JSON',
  'k6-text': 'k6 summary',
  'vegeta-text': 'vegeta report',
  'vegeta-json': 'vegeta JSON',
  autocannon: 'autocannon',
};

/** What the output (or its command line) says about the client that ran. */
export interface StatedClient {
  /** Connections, workers, users or VUs sending at once. */
  concurrency?: number;
  /** Requests to send (ab -n; siege -r times -c). */
  requests?: number;
  /** Seconds the tool sent for (wrk -d, siege -t, k6 duration). */
  duration?: number;
  /** Total requests per second the tool aimed at (wrk2 -R, vegeta -rate, k6 arrival rate). */
  targetRate?: number;
  /** The tool sends at targetRate whatever the server does (vegeta, k6 constant-arrival-rate). */
  openLoop?: boolean;
  /** Seconds a user waits between requests, at most (siege -d: uniform from 0). */
  thinkTime?: number;
  /** Seconds; 0 = none. */
  timeout?: number;
  keepAlive?: boolean;
  url?: string;
}

/**
 * How the output counts requests that got no response: hey lists them by message;
 * others give a total, or fold them into their failures (siege, locust, k6), or do not
 * report them at all (hey -o csv prints the responses only).
 */
export type ErrorCounting = 'by-message' | 'total' | 'in-status' | 'not-reported';

export interface MeasuredRun extends HeyRun {
  /** undefined: hey's text report (parseHeyRun). */
  tool?: Tool;
  /** The command line given before the output ("$ wrk -t2 -c10 ..."), if any. */
  commandText?: string;
  client?: StatedClient;
  errorCounting?: ErrorCounting;
  /** The groups (STATUS_GROUPS keys) the tool counts statuses in; undefined: exact codes. */
  statusGroups?: string[];
}

// --- Status groups --------------------------------------------------------------------

/**
 * Keys of a report's statusCodes: an exact code ("200"), or a group for tools that count
 * by class. `failed` is locust's, k6's and siege's notion: a status >= 400 or no response.
 */
export const STATUS_GROUPS: Record<string, (code: number) => boolean> = {
  '1xx': (c) => c >= 100 && c < 200,
  '2xx': (c) => c >= 200 && c < 300,
  '3xx': (c) => c >= 300 && c < 400,
  '4xx': (c) => c >= 400 && c < 500,
  '5xx': (c) => c >= 500 && c < 600,
  'non-2xx': (c) => !(c >= 200 && c < 300),
  '2xx/3xx': (c) => c >= 200 && c < 400,
  'non-2xx/3xx': (c) => !(c >= 200 && c < 400),
  failed: (c) => !(c >= 200 && c < 400),
};
/** The group that also counts requests without a response (transport errors). */
export const FAILED_GROUP = 'failed';

// --- Building a report ----------------------------------------------------------------

export interface Figures {
  /** Seconds the run took. */
  total: number;
  requestsPerSec: number;
  fastest?: number | null;
  slowest?: number | null;
  average?: number | null;
  /** Percent (50, 90...) -> seconds; those of hey's percentiles that the tool gives. */
  percentiles?: Record<number, number | null>;
  statusCodes: Record<string, number>;
  errors?: Record<string, number>;
  /** Requests that got a response; with 'in-status' counting, every request. */
  responses: number;
  totalData?: number | null;
}

/** A figure computed from a tool's (ms -> s): 12 significant digits, no binary noise (0.027120000000000002). */
export function tidy(x: number): number;
export function tidy(x: number | null | undefined): number | null;
export function tidy(x: number | null | undefined): number | null {
  return x === null || x === undefined ? null : Number(x.toPrecision(12));
}

export function buildReport(f: Figures): HeyReport {
  const latency = Object.fromEntries(HEY_PERCENTILES.map((p) => [`p${p}`, tidy(f.percentiles?.[p])])) as Record<
    PercentileKey,
    number | null
  >;
  const errors = f.errors ?? {};
  return {
    summary: {
      total: tidy(f.total),
      slowest: tidy(f.slowest),
      fastest: tidy(f.fastest),
      average: tidy(f.average),
      requestsPerSec: tidy(f.requestsPerSec),
      totalData: f.totalData ?? null,
      sizePerRequest: f.totalData != null && f.responses > 0 ? Math.floor(f.totalData / f.responses) : null,
    },
    distributionsLimitedTo: null,
    histogram: [],
    latency,
    details: null,
    statusCodes: Object.fromEntries(
      Object.entries(f.statusCodes)
        .filter(([, n]) => n > 0)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    ),
    errors: Object.fromEntries(
      Object.entries(errors)
        .filter(([, n]) => n > 0)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    ),
    responses: f.responses,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
  };
}

/** The figures of a tool that counts requests and the failures among them (locust, k6). */
export interface PassFailFigures {
  requests: number;
  failures: number;
  total: number;
  requestsPerSec: number;
  average: number | null;
  fastest: number | null;
  slowest: number | null;
  percentiles: Record<number, number | null>;
}

/**
 * A run of a tool whose failure is a status >= 400 or no response at all (locust, k6): its
 * statuses are two groups, the 2xx/3xx ones and FAILED_GROUP, which holds the errors too.
 */
export function passFailRun(source: string, tool: Tool, client: StatedClient, f: PassFailFigures): MeasuredRun {
  return {
    source,
    tool,
    command: undefined,
    client,
    errorCounting: 'in-status',
    statusGroups: ['2xx/3xx', FAILED_GROUP],
    report: buildReport({
      total: f.total,
      requestsPerSec: f.requestsPerSec,
      average: f.average,
      fastest: f.fastest,
      slowest: f.slowest,
      percentiles: f.percentiles,
      statusCodes: { '2xx/3xx': f.requests - f.failures, [FAILED_GROUP]: f.failures },
      responses: f.requests,
    }),
  };
}

/**
 * hey's percentile rule (requester/report.go): the first latency, in sorted order, whose
 * index * 100 / count reaches the percentile. For outputs that list every request.
 */
export function heyPercentiles(sortedSeconds: readonly number[]): Record<number, number | null> {
  const out: Record<number, number | null> = {};
  let j = 0;
  for (let i = 0; i < sortedSeconds.length && j < HEY_PERCENTILES.length; i++) {
    if (Math.floor((i * 100) / sortedSeconds.length) >= HEY_PERCENTILES[j]) out[HEY_PERCENTILES[j++]] = sortedSeconds[i];
  }
  return out;
}

// --- Reading text outputs -------------------------------------------------------------

/** A text output's lines, with errors that name the file and line. */
export class OutputLines {
  readonly lines: string[];
  constructor(
    text: string,
    readonly source: string,
    readonly what: string,
    /** 1-based number of the first line in the file. */
    readonly firstLine = 1,
  ) {
    this.lines = text.replace(/\r\n/g, '\n').split('\n');
  }

  fail(index: number, expected: string): never {
    throw new UserError(`${this.source}:${index + this.firstLine}: ${expected}, got ${JSON.stringify(abbreviate(this.lines[index]))}`);
  }

  /** The first line whose trimmed text matches `label`. */
  find(label: RegExp): number | undefined {
    const i = this.lines.findIndex((l) => label.test(l.trim()));
    return i < 0 ? undefined : i;
  }

  /** The last line that is not blank, where a truncated output stops. */
  lastLine(): number {
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i].trim() !== '') return i;
    return 0;
  }

  /** The output stops before `missing`, which the tool prints: an error naming its last line. */
  cutShort(missing: string): never {
    throw new UserError(
      `${this.source}:${this.lastLine() + this.firstLine}: ${this.what} ends here, without ${missing}: the output was cut short`,
    );
  }

  /**
   * The line starting with `label`, matched against `re` (on the trimmed line); an error
   * naming the line when it does not match, and when the line is missing but required.
   */
  match(label: RegExp, re: RegExp, example: string, required: boolean = true): RegExpExecArray | undefined {
    const i = this.find(label);
    if (i === undefined) {
      if (required)
        throw new UserError(
          `${this.source}:${this.lastLine() + this.firstLine}: ${this.what} ends here without a line such as ${JSON.stringify(example)}: the output was cut short, or is not ${this.what}`,
        );
      return undefined;
    }
    const m = re.exec(this.lines[i].trim());
    if (!m) this.fail(i, `expected a line such as ${JSON.stringify(example)}`);
    return m!;
  }
}

/** Seconds for "5.95ms", "850.00us", "1.02s", "1.00m", "1.2h" (wrk's and k6's units). */
export function secondsWithUnit(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== text.trim()) return undefined;
  return parts.reduce((sum, m) => sum + Number(m[1]) * units[m[2]], 0);
}

/** A whole number >= 0 from a field, or an error naming it. */
export function count(value: unknown, where: string, source: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new UserError(
      `${source}: ${where}: expected a whole number >= 0, got ${JSON.stringify(abbreviate(String(JSON.stringify(value) ?? 'nothing')))}`,
    );
  }
  return value;
}

/** A finite number >= 0 from a field, or an error naming it. */
export function amount(value: unknown, where: string, source: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    // A key left out is "nothing", as object() says it: it was "undefined", as if the output held that word.
    throw new UserError(
      `${source}: ${where}: expected a number >= 0, got ${JSON.stringify(abbreviate(String(JSON.stringify(value) ?? 'nothing')))}`,
    );
  }
  return value;
}

/** The object at `where` in a JSON output, or an error naming the path. */
export function object(value: unknown, where: string, source: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `${source}: ${where}: expected an object, got ${JSON.stringify(abbreviate(String(JSON.stringify(value) ?? 'nothing')))}`,
    );
  }
  return value as Record<string, unknown>;
}
