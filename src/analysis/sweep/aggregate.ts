// A point of a sweep: its replications' figures reduced to means with 95 % intervals,
// plus the analytic cross-checks that apply to it. The same inputs in the same order give
// the same floating-point sums, so a point is identical however it was computed.
import type { Scenario } from '../../scenario/schema.js';
import { estimate, type Estimate } from '../math/confidence.js';
import type { GridPoint } from './grid.js';
import { queueingCheck, type QueueingCheck } from '../theory/queueingCheck.js';
import type { RunFigures } from './runFigures.js';
import { busiest, level } from '../plan/utilization.js';
import type { SweepValue } from './vary.js';

export interface UtilizationEstimate {
  resource: string;
  capacity: number;
  law?: Estimate;
  measured?: Estimate;
}

export interface SweepPointResult {
  index: number;
  values: Record<string, SweepValue>;
  /** The curve this point belongs to in a chart: the values of every axis but the first. */
  series: string;
  requestsPerSec: Estimate;
  perSec: { '2xx': Estimate; '5xx': Estimate; errors: Estimate };
  /** Mean count of each status over the replications. */
  statusCodes: Record<string, number>;
  errors: Estimate;
  /** 5xx responses plus transport errors, per replication. */
  failed: Estimate;
  /** null when a replication had too few responses for hey to print the percentile. */
  latency: { p50: Estimate | null; p90: Estimate | null; p99: Estimate | null };
  dbPeakOpen: Estimate | null;
  /** The most frequent bottleneck over the replications (the first on a tie). */
  bottleneck: string;
  /** The resource with the highest utilization: what saturates first as the load grows. */
  busiest: { resource: string; utilization: number } | null;
  littlesLaw: { L: Estimate; lambdaW: Estimate };
  utilization: UtilizationEstimate[];
  queueing?: QueueingCheck;
  /**
   * Replications that stopped at a budget (limits.maxEvents, limits.maxSimTime...) before
   * every request ended, when any did: their figures are of the requests that ended.
   */
  partial?: number;
  /** With an incident (report/incident.ts): how often and how fast the runs recovered. */
  incident?: {
    /** Share of the replications that recovered (0 to 1); null without a timeline. */
    recovered: number | null;
    /** Mean recovery time, when every replication recovered; else null. */
    recoverySeconds: Estimate | null;
    /** The longest recovery the run could show (last event's end to the end of the load). */
    horizon: number | null;
    amplification: Estimate | null;
    goodputAfter: Estimate | null;
  };
}

export function aggregatePoint(point: GridPoint, series: string, scenario: Scenario, runs: readonly RunFigures[]): SweepPointResult {
  const of = (f: (r: RunFigures) => number) => estimate(runs.map(f));
  const nullable = (f: (r: RunFigures) => number | null) => {
    const xs = runs.map(f);
    return xs.some((x) => x === null) ? null : estimate(xs as number[]);
  };
  const codes = [...new Set(runs.flatMap((r) => Object.keys(r.statusCodes)))].sort();
  const utilization = runs[0].utilization.map((u, i) => ({
    resource: u.resource,
    capacity: u.capacity,
    ...(u.law !== undefined ? { law: of((r) => r.utilization[i].law!) } : {}),
    ...(u.measured !== undefined ? { measured: of((r) => r.utilization[i].measured!) } : {}),
  }));
  const top = busiest(
    utilization.map((u) => ({ resource: u.resource, capacity: u.capacity, law: u.law?.mean, measured: u.measured?.mean })),
  );
  const check = queueingCheck(scenario, runs);
  const partial = runs.filter((r) => !r.complete).length;
  return {
    index: point.index,
    values: point.values,
    series,
    requestsPerSec: of((r) => r.requestsPerSec),
    perSec: { '2xx': of((r) => r.perSec['2xx']), '5xx': of((r) => r.perSec['5xx']), errors: of((r) => r.perSec.errors) },
    statusCodes: compactCodes(codes.map((c) => [c, runs.reduce((n, r) => n + (r.statusCodes[c] ?? 0), 0) / runs.length])),
    errors: of((r) => r.errors),
    failed: of((r) => failedOf(r)),
    latency: { p50: nullable((r) => r.latency.p50), p90: nullable((r) => r.latency.p90), p99: nullable((r) => r.latency.p99) },
    dbPeakOpen: nullable((r) => r.dbPeakOpen),
    bottleneck: mostFrequent(runs.map((r) => r.bottleneck)),
    busiest: top === undefined ? null : { resource: top.resource, utilization: level(top) },
    littlesLaw: { L: of((r) => r.littlesLaw.L), lambdaW: of((r) => r.littlesLaw.lambdaW) },
    utilization,
    ...(check !== undefined ? { queueing: check } : {}),
    ...(partial > 0 ? { partial } : {}),
    ...(runs[0].incident !== undefined ? { incident: incidentOf(runs) } : {}),
  };
}

/**
 * Status codes and their counts, in an object as JSON.parse makes one. Built key by key (as
 * Object.fromEntries does), V8 keeps a key that is an integer ("200", "502") as an item of
 * a list with room for every index up to it: 2.6 kB for {"200": n}, 6.2 kB with a "502".
 * That was most of a finished sweep point (4.0 kB for a point of 200s, 8.6 kB of 599s), and
 * a sweep holds every point it has finished until it ends. JSON.parse's object has the same
 * keys and values (finite numbers read back exactly) in a table of their own: 0.2 kB.
 */
function compactCodes(entries: [string, number][]): Record<string, number> {
  return JSON.parse(JSON.stringify(Object.fromEntries(entries))) as Record<string, number>;
}

function incidentOf(runs: readonly RunFigures[]): NonNullable<SweepPointResult['incident']> {
  const all = runs.map((r) => r.incident!);
  const nullable = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : estimate(xs as number[]));
  return {
    recovered: all[0].recovered === null ? null : all.filter((i) => i.recovered === true).length / all.length,
    recoverySeconds: nullable(all.map((i) => i.recoverySeconds)),
    horizon: all[0].horizon,
    amplification: nullable(all.map((i) => i.amplification)),
    goodputAfter: nullable(all.map((i) => i.goodputAfter)),
  };
}

/** The label whose kind (without its count or share) is most frequent; its first instance. */
function mostFrequent(labels: readonly string[]): string {
  const kind = (l: string) => l.replace(/ \(.*\)$| \d+ %$/, '');
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(kind(l), (counts.get(kind(l)) ?? 0) + 1);
  let best = labels[0];
  for (const l of labels) if (counts.get(kind(l))! > counts.get(kind(best))!) best = l;
  return best;
}

/** A run's 5xx responses plus its transport errors: what `sim plan --max-errors` bounds. */
function failedOf(r: RunFigures): number {
  let n = r.errors;
  for (const [code, count] of Object.entries(r.statusCodes)) if (code.startsWith('5')) n += count;
  return n;
}
