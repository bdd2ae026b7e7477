// Capacity planning: among the points of a grid, the cheapest configuration that meets
// the targets. Cost, compared in this order:
//   1. gunicorn worker processes (server.workers): each is a process with its own memory;
//   2. connections: the requests the server can hold at once, i.e. its handler slots
//      (sync: workers; gthread: workers x threads; gevent/eventlet: workers x
//      worker_connections);
//   3. PostgreSQL connections it may hold (a backend process each): with an app-side pool,
//      workers x (pool_size + max_overflow); behind PgBouncer, its default_pool_size;
//      else max_connections;
//   4. the grid order, so a tie has one answer.
// The targets are read off the means when there are replications.
import type { Scenario } from '../../scenario/schema.js';
import type { SweepPointResult } from '../sweep/aggregate.js';
import { databaseConnections, handlerSlots, slotName } from './serverSlots.js';
import type { SweepHeader } from '../sweep/sweep.js';

export interface PlanTargets {
  /** 2xx responses per second to serve at least. */
  requestsPerSec: number;
  /** hey's p99, seconds, at most. */
  p99: number;
  /** 5xx responses plus transport errors, at most (a count per run). */
  maxErrors: number;
}

export interface Cost {
  workers: number;
  connections: number;
  /** What a connection is here: sync workers, threads or greenlets. */
  connectionKind: string;
  /** PostgreSQL connections it may hold; null without a database. */
  dbConnections: number | null;
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
}

export function costOf(s: Scenario): Cost {
  return {
    workers: s.server.workers,
    connections: handlerSlots(s),
    connectionKind: slotName(s),
    dbConnections: databaseConnections(s) ?? null,
  };
}

export function plan(sweep: SweepHeader, points: readonly { result: SweepPointResult; scenario: Scenario }[], targets: PlanTargets): PlanResult {
  const candidates = points.map(({ result, scenario }) => candidate(result, costOf(scenario), targets)).sort(byCost);
  const feasible = candidates.filter((c) => c.misses.length === 0);
  const best = feasible[0] ?? null;
  const cheaper = best === null ? candidates : candidates.slice(0, candidates.indexOf(best));
  return { sweep, targets, best, runnerUp: feasible[1] ?? null, cheaperMiss: cheaper.at(-1) ?? null, candidates };
}

function candidate(point: SweepPointResult, cost: Cost, t: PlanTargets): Candidate {
  const served = point.perSec['2xx'].mean;
  const p99 = point.latency.p99?.mean ?? null;
  const failedRequests = Object.entries(point.statusCodes)
    .filter(([code]) => code.startsWith('5'))
    .reduce((n, [, c]) => n + c, point.errors.mean);
  const misses: string[] = [];
  if (served < t.requestsPerSec) misses.push(`serves ${served.toFixed(2)} 2xx/s < ${t.requestsPerSec}`);
  if (p99 === null) misses.push('no p99 (too few responses)');
  else if (p99 > t.p99) misses.push(`p99 ${p99.toFixed(4)} s > ${t.p99} s`);
  if (failedRequests > t.maxErrors) misses.push(`${failedRequests} 5xx/errors > ${t.maxErrors}`);
  return { point, cost, served, p99, failedRequests, misses };
}

function byCost(a: Candidate, b: Candidate): number {
  return (
    a.cost.workers - b.cost.workers ||
    a.cost.connections - b.cost.connections ||
    (a.cost.dbConnections ?? 0) - (b.cost.dbConnections ?? 0) ||
    a.point.index - b.point.index
  );
}
