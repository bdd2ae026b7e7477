// Capacity planning: among the points of a grid, the cheapest configuration that meets
// the targets. Cost, compared in this order by default (--cost changes it):
//   1. cores: the app's machine.cores, plus database.cores when the database has its own
//      (a fleet: every instance's host, and the balancer's);
//   2. gunicorn worker processes (server.workers; a fleet: over its instances, so with
//      equal cores, fewer instances of as many workers win): each is a process with its
//      own memory;
//   3. connections: the requests the server can hold at once, i.e. its handler slots
//      (sync: workers; gthread: workers x threads; gevent/eventlet: workers x
//      worker_connections);
//   4. PostgreSQL connections it held at its peak (a backend process each);
//   then the grid order, so a tie has one answer.
// The targets are read off the means when there are replications (with
// --every-replication, off the worst replication of each figure). When nothing meets
// them, the plan says why from the figures: a host whose CPU demand at the target rate
// exceeds its cores cannot be fixed by any worker count; otherwise the closest
// configuration's busiest resource, and what would relieve it.
import type { Scenario } from '../../scenario/schema.js';
import { type Validated, validatedFor } from '../../report/validated.js';
import type { SweepPointResult } from '../sweep/aggregate.js';
import { instanceScenarios } from '../../scenario/resolveFleet.js';
import { databaseConnections, handlerSlots, slotName } from './serverSlots.js';
import type { SweepHeader } from '../sweep/sweep.js';

export interface PlanTargets {
  /** 2xx responses per second to serve at least. */
  requestsPerSec: number;
  /** hey's p99, seconds, at most. */
  p99: number;
  /** 5xx responses plus transport errors, at most (a count per run). */
  maxErrors: number;
  /**
   * Whether every replication must meet the targets (its slowest, worst-p99 and most-failing
   * run), rather than their means: with machine.speedVariation, a plan for the machine's
   * slow runs as well as its median one.
   */
  everyReplication?: boolean;
}

export interface Cost {
  /** machine.cores, plus database.cores when the database has its own machine. */
  cores: number;
  workers: number;
  connections: number;
  /** What a connection is here: sync workers, threads or greenlets. */
  connectionKind: string;
  /** PostgreSQL connections open at the run's peak (mean over replications, rounded up); null without a database. */
  dbConnections: number | null;
}

/**
 * The most runs (configurations x replications) a plan takes. A plan holds every
 * configuration's scenario and figures at once, to rank them all (and --json lists them
 * all), so its memory grows with the grid: a grid of a million points took gigabytes
 * before its first run. Unlike a sweep, a plan cannot be split into shards.
 */
export const MAX_PLAN_RUNS = 10_000;
export const PLAN_RUNS_WHY =
  "a plan holds every configuration's scenario and figures to rank them: use a coarser grid, then a finer one around its answer";

/** What a plan may minimize, in the order it compares them. */
export const COST_KEYS = ['cores', 'workers', 'connections', 'dbConnections'] as const;
export type CostKey = (typeof COST_KEYS)[number];

/**
 * A resource whose demand per request does not depend on the configuration of the
 * server (CPU work on a host's cores, the postmaster's forks): at the target rate it
 * needs `needed` of its `capacity`.
 */
export interface HardLimit {
  resource: string;
  capacity: number;
  /** Demand per request: seconds of the resource's time (CPU seconds for cores). */
  perRequest: number;
  /** target x perRequest: what the target rate would take of it. */
  needed: number;
}

export interface Explanation {
  /** True when no configuration of the grid can meet the rate: a hard limit binds in every one. */
  infeasible: boolean;
  /** The binding resource, its figure, and what would relieve it. */
  text: string;
  limit?: HardLimit;
}

export interface Candidate {
  point: SweepPointResult;
  cost: Cost;
  /** 2xx per second (mean). */
  served: number;
  p99: number | null;
  failedRequests: number;
  /** Why it misses the targets; empty when it meets them. */
  misses: string[];
}

export interface PlanResult {
  sweep: SweepHeader;
  targets: PlanTargets;
  best: Candidate | null;
  runnerUp: Candidate | null;
  /** The most expensive configuration cheaper than the best: where the targets stop being met. */
  cheaperMiss: Candidate | null;
  /** Every point, cheapest first. */
  candidates: Candidate[];
  /** The order in which costs were compared. */
  costOrder: CostKey[];
  /** Why nothing meets the targets (null when something does). */
  explanation: Explanation | null;
  /** How the model did on the kit's real runs of the cheapest configuration's kind of stack (null when nothing meets the targets). */
  validated: Validated | null;
}

export function costOf(s: Scenario, point?: SweepPointResult): Cost {
  const peak = point?.dbPeakOpen;
  // A fleet: every host of its instances (the most its autoscaler may run), and the
  // balancer's when it has one of its own; workers and slots counted over the instances.
  const f = s.fleet;
  const count = f === undefined ? 1 : Math.max(f.instances, f.autoscaling?.maxReplicas ?? 0);
  const each = instanceScenarios(s, count).map((i) => i.scenario);
  const appCores =
    f === undefined ? s.machine.cores : Math.ceil(count / f.instancesPerHost) * s.machine.cores + (f.loadBalancer.cores ?? 0);
  return {
    cores: appCores + (s.database?.cores ?? 0),
    workers: each.reduce((n, one) => n + one.server.workers, 0),
    connections: each.reduce((n, one) => n + handlerSlots(one), 0),
    connectionKind: slotName(s),
    dbConnections: s.database === undefined ? null : peak != null ? Math.ceil(peak.mean - 1e-9) : (databaseConnections(s) ?? null),
  };
}

export function plan(
  sweep: SweepHeader,
  points: readonly { result: SweepPointResult; scenario: Scenario }[],
  targets: PlanTargets,
  costOrder: readonly CostKey[] = COST_KEYS,
): PlanResult {
  const order = [...costOrder, ...COST_KEYS.filter((k) => !costOrder.includes(k))];
  const candidates = points.map(({ result, scenario }) => candidate(result, costOf(scenario, result), targets)).sort(byCost(order));
  const feasible = candidates.filter((c) => c.misses.length === 0);
  const best = feasible[0] ?? null;
  const bestScenario = points.find((p) => p.result === best?.point)?.scenario;
  const cheaper = best === null ? candidates : candidates.slice(0, candidates.indexOf(best));
  return {
    sweep,
    targets,
    best,
    runnerUp: feasible[1] ?? null,
    cheaperMiss: cheaper.at(-1) ?? null,
    candidates,
    costOrder: order,
    explanation:
      best === null
        ? (offeredTooLow(
            points.map((p) => p.scenario),
            targets,
          ) ?? explain(sweep, candidates, targets, (c) => points.find((p) => p.result === c.point)?.scenario))
        : null,
    validated: bestScenario === undefined ? null : validatedFor(bestScenario),
  };
}

/**
 * An open loop that never offers the target rate cannot serve it, whatever the server:
 * the answer is the load, not a resource.
 */
function offeredTooLow(scenarios: readonly Scenario[], t: PlanTargets): Explanation | null {
  const offered = scenarios.map((s) => {
    const a = s.client.arrivals;
    if (a === undefined) return undefined;
    return a.rate ?? Math.max(...(a.steps ?? []).map((st) => st.rate));
  });
  if (offered.length === 0 || offered.some((r) => r === undefined || r >= t.requestsPerSec)) return null;
  const most = Math.max(...(offered as number[]));
  return {
    infeasible: true,
    text: `the load offered is at most ${most} req/s (client.arrivals), below the ${t.requestsPerSec} req/s asked: no configuration can serve more than arrives; raise client.arrivals.rate to test the target.`,
  };
}

/** Resources whose demand per request the server's configuration does not change. */
const HARD = new Set(['cores', 'database cores', 'client cores', 'postmaster']);

/** The hard limits of one configuration that the target rate would overrun. */
export function hardLimits(point: SweepPointResult, target: number): HardLimit[] {
  const rate = point.requestsPerSec.mean;
  if (!(rate > 0)) return [];
  const out: HardLimit[] = [];
  for (const u of point.utilization) {
    if (!HARD.has(u.resource) || u.law === undefined) continue;
    // U = X D / c, so D = U c / X.
    const perRequest = (u.law.mean * u.capacity) / rate;
    const needed = target * perRequest;
    if (needed > u.capacity) out.push({ resource: u.resource, capacity: u.capacity, perRequest, needed });
  }
  return out.sort((a, b) => b.needed / b.capacity - a.needed / a.capacity);
}

/**
 * hey's closed loop: each of its -c clients waits for its answer before the next request, so
 * it offers at most c / W requests a second (Little's law, W the mean time in the system).
 * When that is below the target even in the configuration that answered fastest, and no
 * resource of that one is near saturation, the load is what falls short, as with an open
 * loop's rate (offeredTooLow): a bigger server would not reach the target, and the busiest
 * resource's relief ("more worker processes") was the wrong advice.
 */
function closedLoopShort(
  candidates: readonly Candidate[],
  scenarioOf: (c: Candidate) => Scenario | undefined,
  t: PlanTargets,
): Explanation | null {
  const meanTimeOf = (c: Candidate) => {
    const rate = c.point.requestsPerSec.mean;
    const inSystem = c.point.littlesLaw.L.mean;
    return rate > 0 && inSystem > 0 ? inSystem / rate : Number.POSITIVE_INFINITY;
  };
  // Of those as fast (within 1 %), the least busy: 2, 3 and 4 sync workers answer two
  // clients alike, and only the first of them is saturated.
  const fastest = Math.min(...candidates.map(meanTimeOf));
  const use = (c: Candidate) => c.point.busiest?.utilization ?? 0;
  const c = candidates.filter((x) => meanTimeOf(x) <= fastest * 1.01).reduce((a, b) => (use(b) < use(a) ? b : a));
  const s = scenarioOf(c);
  const clients = s?.client.concurrency;
  if (s === undefined || clients === undefined || s.client.arrivals !== undefined || s.fleet !== undefined) return null;
  // A think time or hey's -q also caps the rate, by design: the load then is as asked.
  if (s.client.thinkTime !== undefined || s.client.rate !== undefined) return null;
  const busy = c.point.busiest;
  if (busy !== null && busy.utilization >= 0.8) return null;
  const meanTime = meanTimeOf(c);
  const most = clients / meanTime;
  if (!Number.isFinite(meanTime) || most >= t.requestsPerSec) return null;
  const values = Object.entries(c.point.values)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  return {
    infeasible: false,
    text:
      `the load falls short, not the server: hey's -c ${clients} keeps at most ${clients} requests in flight, each client waiting for its answer, so at the fastest configuration's (${values}) mean time of ${meanTime.toFixed(4)} s it offers at most ${most.toFixed(2)} req/s (c / W, Little's law), below the ${t.requestsPerSec} req/s asked` +
      `${busy === null ? '' : `, while the busiest resource, ${busy.resource}, is at ${Math.round(100 * busy.utilization)} %`}; raise -c (client.concurrency), or give the client open-loop arrivals at the target rate (docs/plan.md).`,
  };
}

function explain(
  sweep: SweepHeader,
  candidates: readonly Candidate[],
  t: PlanTargets,
  scenarioOf: (c: Candidate) => Scenario | undefined,
): Explanation | null {
  if (candidates.length === 0) return null;
  // The closest: the one serving the most, the cheapest of those.
  const closest = candidates.reduce((a, b) => (b.served > a.served ? b : a));
  const limits = candidates.map((c) => hardLimits(c.point, t.requestsPerSec));
  if (limits.every((l) => l.length > 0)) {
    const limit = limits[candidates.indexOf(closest)][0];
    const paths = [...new Set(sweep.vary.flatMap((v) => v.split('=')[0].split(',')))];
    const what =
      paths.length === 1 && paths[0] === 'server.workers' ? 'no worker count' : `no configuration of the grid (${paths.join(', ')})`;
    return {
      infeasible: true,
      limit,
      text: `${describeLimit(limit)}: ${what} can reach ${t.requestsPerSec} req/s; ${relieveLimit(limit, t.requestsPerSec)}.`,
    };
  }
  const short = closedLoopShort(candidates, scenarioOf, t);
  if (short !== null) return short;
  const busy = closest.point.busiest;
  const served = `the closest, ${Object.entries(closest.point.values)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ')}, serves ${closest.served.toFixed(2)} 2xx/s`;
  if (busy === null) return { infeasible: false, text: `${served}; bottleneck: ${closest.point.bottleneck}.` };
  // Only the p99 misses, and requests spend their time working, not waiting: no resource is short.
  const working = /^(CPU|DB connect|DB query|IO|cache) \d+ %$/.test(closest.point.bottleneck);
  if (working && closest.served >= t.requestsPerSec && closest.failedRequests <= t.maxErrors && closest.p99 !== null) {
    return {
      infeasible: false,
      text: `${served} with p99 ${closest.p99.toFixed(4)} s > ${t.p99} s, most of it the handler's own time (bottleneck: ${closest.point.bottleneck}): more capacity would not shorten it; its steps must take less time.`,
    };
  }
  return {
    infeasible: false,
    text: `${served}, bound by ${busy.resource} at ${Math.round(100 * busy.utilization)} % (bottleneck: ${closest.point.bottleneck}); ${relief(busy.resource)}.`,
  };
}

function describeLimit(l: HardLimit): string {
  if (l.resource === 'postmaster') return `Connection forks ${l.needed.toFixed(2)} s of the postmaster's time a second > 1 available`;
  const host = l.resource === 'cores' ? 'CPU' : l.resource === 'database cores' ? 'Database CPU' : 'Client CPU';
  return `${host} demand ${l.needed.toFixed(1)} cores > ${l.capacity} cores available`;
}

function relieveLimit(l: HardLimit, target: number): string {
  const ms = (s: number) => `${Number((1000 * s).toPrecision(3))} ms`;
  const most = l.capacity / target;
  if (l.resource === 'postmaster') return `needs <= ${ms(most)} of fork per request, or fewer new connections (app.pool or PgBouncer)`;
  const noun = l.resource === 'cores' ? 'cores' : l.resource === 'database cores' ? 'database cores' : 'client cores';
  return `needs >= ${Math.ceil(l.needed - 1e-9)} ${noun} or <= ${ms(most)} CPU per request`;
}

/** What would relieve a saturated resource, in a few words. */
export function relief(resource: string): string {
  switch (resource) {
    case 'sync workers':
      return 'more workers (or threads) would relieve it';
    case 'threads':
      return 'more workers or threads would relieve it';
    case 'greenlets':
      return 'more workers or worker_connections would relieve it';
    case 'worker loops (GIL)':
      return 'more worker processes (each has its own loop and GIL) or less CPU per request would relieve it';
    case 'cores':
      return 'more cores or less CPU per request would relieve it';
    case 'database cores':
      return 'more database cores or less query CPU would relieve it';
    case 'client cores':
      return 'the load generator is short of CPU: more client cores would relieve it';
    case 'postmaster':
      return 'fewer new connections (app.pool or PgBouncer) would relieve it';
    case 'PostgreSQL connections':
      return 'a higher max_connections, or app.pool or PgBouncer sharing connections, would relieve it';
    case 'app pools':
      return 'larger pools (app.pool size or maxOverflow) would relieve it, up to what PostgreSQL allows';
    case 'PgBouncer server connections':
      return 'a larger PgBouncer default_pool_size would relieve it, up to what PostgreSQL allows';
    default:
      if (resource.startsWith('http limit')) return 'a higher limit at the third party, or fewer or shorter calls, would relieve it';
      return 'more of it would relieve it';
  }
}

function candidate(point: SweepPointResult, cost: Cost, t: PlanTargets): Candidate {
  // The worst replication of each figure; a single replication is its own range.
  const worst = t.everyReplication === true;
  const served = worst ? (point.perSec['2xx'].range?.[0] ?? point.perSec['2xx'].mean) : point.perSec['2xx'].mean;
  const p99 = (worst ? point.latency.p99?.range?.[1] : undefined) ?? point.latency.p99?.mean ?? null;
  const failedRequests = worst
    ? (point.failed.range?.[1] ?? point.failed.mean)
    : Object.entries(point.statusCodes)
        .filter(([code]) => code.startsWith('5'))
        .reduce((n, [, c]) => n + c, point.errors.mean);
  const misses: string[] = [];
  if (served < t.requestsPerSec) misses.push(`serves ${served.toFixed(2)} 2xx/s < ${t.requestsPerSec}`);
  if (p99 === null) misses.push('no p99 (too few responses)');
  else if (p99 > t.p99) misses.push(`p99 ${p99.toFixed(4)} s > ${t.p99} s`);
  if (failedRequests > t.maxErrors) misses.push(`${failedRequests} 5xx/errors > ${t.maxErrors}`);
  // A run stopped at a budget has figures of the requests that ended, not of its load.
  if (point.partial !== undefined) misses.push('stopped at a budget before every request ended (limits.maxEvents, limits.maxSimTime)');
  return { point, cost, served, p99, failedRequests, misses };
}

function byCost(order: readonly CostKey[]) {
  return (a: Candidate, b: Candidate): number => {
    for (const k of order) {
      const d = (a.cost[k] ?? 0) - (b.cost[k] ?? 0);
      if (d !== 0) return d;
    }
    return a.point.index - b.point.index;
  };
}
