// The small sweep the page draws beside a run: the same what-if at a few loads below and
// above the current one, so the reader sees where on the curve the point sits (the
// article's cliff: Requests/sec flat and the 500s rising past PostgreSQL's limit).
import type { Scenario } from '../scenario/schema.js';

export interface SweepPlan {
  /** The field on the x axis. */
  x: string;
  xTitle: string;
  /** Fields set to each value together (hey's -c and -n, when the scenario ties them). */
  paths: string[];
  values: number[];
  /** The x value of the what-if itself. */
  current: number;
}

/** Multiples of the current load: dense near it, a factor of 2 to 4 at the ends. */
export const LOAD_FACTORS = [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2] as const;

export function sweepAround(scenario: Scenario): SweepPlan | undefined {
  const c = scenario.client;
  if (c.arrivals !== undefined) {
    // An open loop's load is its rate; a rate that steps over time has no single point.
    const rate = c.arrivals.rate;
    if (rate === undefined) return undefined;
    const values = unique(LOAD_FACTORS.map((f) => Number((rate * f).toPrecision(3))));
    return {
      x: 'client.arrivals.rate',
      xTitle: 'client.arrivals.rate (arrivals/s)',
      paths: ['client.arrivals.rate'],
      values,
      current: rate,
    };
  }
  const concurrency = c.concurrency!;
  const around = unique(LOAD_FACTORS.map((f) => Math.max(1, Math.round(concurrency * f))));
  if (c.duration === undefined && c.requests === concurrency) {
    // As the article raised them: every hey worker sends one request.
    return {
      x: 'client.concurrency',
      xTitle: 'client.concurrency = client.requests (hey -c = -n)',
      paths: ['client.concurrency', 'client.requests'],
      values: around,
      current: concurrency,
    };
  }
  // hey refuses -c larger than -n.
  const values = c.duration === undefined ? around.filter((v) => v <= c.requests!) : around;
  return { x: 'client.concurrency', xTitle: 'client.concurrency (hey -c)', paths: ['client.concurrency'], values, current: concurrency };
}

function unique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
