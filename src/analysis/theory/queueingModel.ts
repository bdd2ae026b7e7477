// When a scenario reduces to a textbook queue, what the queue predicts. Two reductions
// are exact for this model:
// - M/M/c (Erlang C): Poisson arrivals (open loop, one rate), a handler that is a single
//   cooperative `sleep` or `http` step of exponential time, and c handler slots fed from
//   the one FIFO accept queue: c sync workers, c greenlets (workers x workerConnections),
//   or gthread threads when a worker takes no more connections than it has threads (else
//   a busy worker queues connections while another's threads idle). The wait compared is
//   the time before a handler starts (connect + accept queue + thread).
// - M/M/c/c (Erlang B): Poisson arrivals, a handler [dbConnect, dbQuery (exponential
//   wait, no CPU), dbClose] with free connections (every connection cost 0, no pool, no
//   PgBouncer), c = the connections
//   PostgreSQL grants, and more handler slots than c (so only PostgreSQL turns requests
//   away). A refused connection is a 500 at once: the blocking probability is the share
//   of 500s.
// A full accept queue does not lose an arrival (the client retransmits its SYN), so a
// finite backlog is not M/M/c/K; a run with dropped SYNs, kills or client errors is
// outside both models, and the check says so instead of comparing.
import type { DurationSpec, Scenario } from '../../scenario/schema.js';
import { blocks } from '../../scenario/resolveSteps.js';
import { databaseLimit, effectiveWorkerClass, handlerSlots } from '../plan/serverSlots.js';

export type QueueingModel =
  | { kind: 'M/M/c'; c: number; lambda: number; mu: number }
  | { kind: 'M/M/c/c'; c: number; lambda: number; mu: number };

export function queueingModel(s: Scenario): QueueingModel | undefined {
  const lambda = poissonRate(s);
  const steps = s.app.steps;
  // Endpoints mix service times; pools and PgBouncer add queues of their own.
  if (lambda === undefined || s.server.maxRequests > 0 || steps === undefined || s.app.pool !== undefined) return undefined;
  // The worker's own CPU per request is a service time on the cores, outside both models.
  if (s.server.requestCpu > 0 || s.server.acceptCpu > 0 || s.server.switchCpu > 0) return undefined;
  const cls = effectiveWorkerClass(s);
  const async = cls === 'gevent' || cls === 'eventlet';
  if (steps.length === 1 && (steps[0].kind === 'sleep' || steps[0].kind === 'http')) {
    const mean = exponentialMean(steps[0].time);
    if (mean === undefined || (steps[0].kind === 'http' && steps[0].limit !== undefined)) return undefined;
    // Blocking IO would stall every greenlet of a worker: not c servers.
    if (async && blocks(steps[0], s.app.psycogreen)) return undefined;
    if (cls === 'gthread' && s.server.workers > 1 && s.server.workerConnections > s.server.threads) return undefined;
    return { kind: 'M/M/c', c: handlerSlots(s), lambda, mu: 1 / mean };
  }
  const [connect, query, close] = steps;
  if (steps.length !== 3 || connect.kind !== 'dbConnect' || query.kind !== 'dbQuery' || close.kind !== 'dbClose') return undefined;
  const d = s.database;
  const c = databaseLimit(s);
  const mean = exponentialMean(query.time);
  if (d === undefined || c === undefined || mean === undefined || d.pgbouncer !== undefined) return undefined;
  // Connections must cost nothing and free their slot at once; the query must be all wait.
  const costs = [
    d.forkTime,
    d.postmasterCpu,
    d.postmasterWakeCpu,
    d.backendStartupCpu,
    d.backendStartTime,
    d.backendStartCpu,
    d.backendExitTime,
    d.backendExitCpu,
    d.refusedCpu,
    connect.cpu ?? 0,
    query.cpu,
    query.decodeCpu,
    s.server.requestCpu,
    s.server.acceptCpu,
    s.server.errorCpu,
    s.server.switchCpu,
  ];
  if (costs.some((x) => x !== 0)) return undefined;
  if (async && (blocks(connect, s.app.psycogreen) || blocks(query, s.app.psycogreen))) return undefined;
  if (handlerSlots(s) <= c) return undefined;
  return { kind: 'M/M/c/c', c, lambda, mu: 1 / mean };
}

function poissonRate(s: Scenario): number | undefined {
  const a = s.client.arrivals;
  if (a === undefined || a.process !== 'poisson') return undefined;
  if (a.rate !== undefined) return a.rate;
  const rates = new Set(a.steps!.map((st) => st.rate));
  return rates.size === 1 ? a.steps![0].rate : undefined;
}

function exponentialMean(d: DurationSpec): number | undefined {
  return typeof d === 'object' && d.dist === 'exponential' ? d.mean : undefined;
}
