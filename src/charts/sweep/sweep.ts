// What a sweep chart draws: one point per run (or per set of replications) of a scenario
// at some value of a swept parameter. A sweep runner makes these; `sweepPoint` turns one
// run's summary into a point, and a runner that replicates fills in the means and the
// confidence-interval bounds itself.
import type { RunSummary } from '../../report/summary.js';
import { outcomeOf } from '../style.js';

/** How requests ended, as the sweep charts split hey's Requests/sec. */
export const SWEEP_OUTCOMES = ['2xx', '5xx', 'errors'] as const;
export type SweepOutcome = (typeof SWEEP_OUTCOMES)[number];

export const SWEEP_PERCENTILES = ['p50', 'p99'] as const;
export type SweepPercentile = (typeof SWEEP_PERCENTILES)[number];

export interface Bounds {
  low: number;
  high: number;
}

export interface SweepPoint {
  /** The swept parameters' values at this point, by --set path: {"client.concurrency": 100}. */
  parameters: Record<string, number>;
  /** The curve the point belongs to, e.g. "patched" or "unpatched". */
  series: string;
  /**
   * hey's Requests/sec (responses and errors over the run's Total) split by how requests
   * ended; the three add up to hey's figure, less any 1xx/3xx/4xx responses. Means, when
   * the point stands for replications.
   */
  requestsPerSec: Record<SweepOutcome, number>;
  /** hey's p50 and p99 in seconds; null when hey prints none (too few responses). */
  latency: Record<SweepPercentile, number | null>;
  /**
   * With an incident (a timeline): seconds until goodput recovered (null: some run did not
   * recover within the run), and the longest recovery the run could show.
   */
  recovery?: { seconds: number | null; horizon: number };
  /** Runs behind the point; absent or 1 for a single run. */
  replications?: number;
  /** Confidence intervals of the means, when the point stands for replications. */
  interval?: {
    /** e.g. 0.95 */
    level: number;
    requestsPerSec?: Partial<Record<SweepOutcome, Bounds>>;
    latency?: Partial<Record<SweepPercentile, Bounds>>;
  };
}

export interface Sweep {
  /** The parameter on the x axis: a key of every point's `parameters`. */
  x: string;
  /** Axis title for x, with its unit; defaults to the parameter's path. */
  xTitle?: string;
  /** The legend's title for the curves (default "series"). */
  seriesTitle?: string;
  /** What was swept, for the charts' subtitles (e.g. the scenario it started from). */
  description?: string;
  points: SweepPoint[];
  /** An x value to mark with a labelled rule, e.g. the what-if the page shows among its neighbours. */
  marker?: { x: number; label: string };
  /** Targets to draw as labelled horizontal rules: a plan's, or --target-rps and --p99 (seconds). */
  target?: { requestsPerSec?: number; p99?: number };
  /** A logarithmic y axis (values <= 0 are left out). */
  logY?: boolean;
}

/** Axis titles in words, with units, for the fields sweeps most often vary. */
const FIELD_TITLES: Record<string, string> = {
  'client.concurrency': 'Concurrent clients (hey -c)',
  'client.requests': 'Requests sent (hey -n)',
  'client.rate': 'Rate limit per client (hey -q, requests/s)',
  'client.arrivals.rate': 'Arrival rate (requests/s)',
  'server.workers': 'Gunicorn workers',
  'server.threads': 'Threads per worker',
  'server.workerConnections': 'Connections per worker',
  'server.backlog': 'Listen backlog (connections)',
  'server.keepalive': 'Keep-alive (s)',
  'server.timeout': 'Worker timeout (s)',
  'machine.cores': 'Cores',
  'database.maxConnections': 'PostgreSQL max_connections',
  'database.cores': 'Database cores',
  'database.pgbouncer.defaultPoolSize': 'PgBouncer default_pool_size',
  'app.pool.size': 'Pool size per worker',
  'app.pool.maxOverflow': 'Pool overflow per worker',
  seed: 'Seed',
};

/** The x axis's title: the sweep's own, else the field's in words, else its path. */
export function fieldTitle(path: string): string {
  return FIELD_TITLES[path] ?? path;
}

/** The point of one run: its summary at the given parameter values, on the named curve. */
export function sweepPoint(summary: RunSummary, parameters: Record<string, number>, series: string): SweepPoint {
  const total = summary.summary.total;
  const perSecond = (n: number) => (total > 0 ? n / total : 0);
  const responses: Record<SweepOutcome, number> = { '2xx': 0, '5xx': 0, errors: 0 };
  for (const [code, n] of Object.entries(summary.statusCodes)) {
    const outcome = outcomeOf(Number(code));
    if (outcome === '2xx' || outcome === '5xx') responses[outcome] += n;
  }
  return {
    parameters,
    series,
    requestsPerSec: {
      '2xx': perSecond(responses['2xx']),
      '5xx': perSecond(responses['5xx']),
      errors: perSecond(summary.summary.errors),
    },
    latency: { p50: summary.latency.p50, p99: summary.latency.p99 },
  };
}
