// Invariants every run must satisfy, checked after the run on tallies the model keeps
// anyway (so checking costs nothing while it runs). A violation means the simulator is
// wrong, not the user: `sim run --check` turns it into an internal error (exit 1), and
// the tests check every run they make. The time invariant lives in the engine's loop
// (src/engine/simulation.ts), the only place that sees every event.
import { InvariantViolation } from '../engine/invariantViolation.js';
import { toSeconds } from '../engine/time.js';
import type { RunResult } from '../model/system.js';

export interface Violation {
  invariant: string;
  figures: string;
}

export const INVARIANTS = {
  endsOnce: 'every request ends exactly once',
  tallies: 'the report counts each result once',
  dbLimit: 'open database connections never exceed the limit',
  poolLimit: "a worker's pool never holds more than pool_size + max_overflow connections",
  pgbouncerLimit: 'PgBouncer never exceeds max_client_conn clients nor default_pool_size server connections',
  workerConnections: 'a worker never holds more connections than its slots',
  workerHandlers: 'a worker never runs more handlers than its threads',
  time: 'simulated time never goes backwards',
  littlesLaw: "Little's law holds on the run's totals",
  noStall: 'a run ends only when every request has ended or a budget ran out',
  cpuOwned: 'every piece of CPU unfinished when a run stops is counted by the process it belongs to for the part done',
} as const;

/** Relative tolerance of Little's law: both sides are sums of the same integers, up to float rounding. */
const LITTLE_TOLERANCE = 1e-9;

export function findViolations(r: RunResult): Violation[] {
  const out: Violation[] = [];
  const fail = (invariant: string, figures: string) => out.push({ invariant, figures });
  const rec = r.recorder;
  const responses = rec.responses;
  const byClass = [1, 2, 3, 4, 5].map((c) => sumCodes(rec.statusCodes, c));
  const ok = byClass[1];
  const serverErrors = byClass[4];
  const otherResponses = responses - ok - serverErrors;
  const unfinished = r.evidence.inSystemAtEnd;

  // Every request ends exactly once: the client's own in-flight gauge and the report's
  // results must account for every request sent, and a complete run leaves none behind.
  const accounted = responses + rec.errorCount + unfinished;
  if (accounted !== r.sent || unfinished < 0 || (r.complete && unfinished !== 0)) {
    fail(
      INVARIANTS.endsOnce,
      `2xx ${ok} + 5xx ${serverErrors}${otherResponses !== 0 ? ` + other statuses ${otherResponses}` : ''} + transport errors ${rec.errorCount} + unfinished ${unfinished} = ${accounted}, ${accounted === r.sent ? 'and' : 'but'} ${r.sent} were sent${r.complete ? ' in a complete run' : ''}`,
    );
  }
  // The report's tallies are kept apart (histogram, status map, error map, timeline):
  // a result counted twice or missed by one of them shows up as a difference.
  const statusTotal = [...rec.statusCodes.values()].reduce((a, b) => a + b, 0);
  const errorTotal = [...rec.errors.values()].reduce((a, b) => a + b, 0);
  // (A run without time series has no counts over time: RunOptions.timeSeries.)
  const counted = r.timeline.count.errors !== undefined;
  const timelineResponses = counted ? ['1xx', '2xx', '3xx', '4xx', '5xx'].reduce((a, k) => a + sum(r.timeline.count[k]), 0) : responses;
  const timelineErrors = counted ? sum(r.timeline.count.errors) : rec.errorCount;
  if (statusTotal !== responses || errorTotal !== rec.errorCount || timelineResponses !== responses || timelineErrors !== rec.errorCount) {
    fail(
      INVARIANTS.tallies,
      `responses: ${responses} latencies, ${statusTotal} status codes, ${timelineResponses} in the timeline; transport errors: ${rec.errorCount} counted, ${errorTotal} by message, ${timelineErrors} in the timeline`,
    );
  }
  const db = r.database;
  if (db !== undefined && (db.peakOpen > db.maxConnections || db.openAtEnd < 0 || db.openAtEnd > db.peakOpen)) {
    fail(INVARIANTS.dbLimit, `peak ${db.peakOpen} open of max_connections ${db.maxConnections}, ${db.openAtEnd} open at the end`);
  }
  const pool = db?.pool;
  if (pool !== undefined && pool.peakPerWorker > pool.size + pool.maxOverflow) {
    fail(
      INVARIANTS.poolLimit,
      `a worker's pool held ${pool.peakPerWorker} connections, pool_size ${pool.size} + max_overflow ${pool.maxOverflow}`,
    );
  }
  const bouncer = db?.pgbouncer;
  if (bouncer !== undefined && (bouncer.peakClients > bouncer.maxClientConn || bouncer.peakServers > bouncer.defaultPoolSize)) {
    fail(
      INVARIANTS.pgbouncerLimit,
      `peak ${bouncer.peakClients} clients of max_client_conn ${bouncer.maxClientConn}, peak ${bouncer.peakServers} server connections of default_pool_size ${bouncer.defaultPoolSize}`,
    );
  }
  const e = r.evidence;
  if (e.peakConnectionsPerWorker > e.connectionSlots) {
    fail(
      INVARIANTS.workerConnections,
      `a ${r.server.workerClass} worker held ${e.peakConnectionsPerWorker} connections at once, its slots are ${e.connectionSlots}`,
    );
  }
  if (e.peakHandlersPerWorker > e.handlerSlots) {
    fail(
      INVARIANTS.workerHandlers,
      `a ${r.server.workerClass} worker ran ${e.peakHandlersPerWorker} handlers at once, it may run ${e.handlerSlots}`,
    );
  }
  if (!(r.total >= 0) || (r.stopReason === 'maxSimTime' && r.total > r.limits.maxSimTime)) {
    fail(INVARIANTS.time, `the run ended at ${r.total} µs (budget ${r.limits.maxSimTime} µs)`);
  }
  // Little's law, L = lambda W, is an identity over a whole run that ends empty: the area
  // under "requests in the system" equals the sum of the requests' times in the system.
  if (r.complete && r.total > 0) {
    const measured = r.meanInSystem;
    // A paced client's latencies start when a request was due, before it entered the system.
    const fromResults = toSeconds(rec.latency.sum + rec.timeoutTime + rec.errorTime - rec.lateness) / toSeconds(r.total);
    if (Math.abs(measured - fromResults) > LITTLE_TOLERANCE * Math.max(1, measured, fromResults)) {
      fail(INVARIANTS.littlesLaw, `mean requests in the system ${measured}, but throughput x mean time in the system = ${fromResults}`);
    }
  }
  if (e.unownedCpuTasks !== 0) {
    fail(INVARIANTS.cpuOwned, `${e.unownedCpuTasks} unfinished pieces of CPU belonged to no process (model/unfinishedCpu.ts)`);
  }
  if (r.stopReason === 'stalled') {
    fail(INVARIANTS.noStall, `no event left at ${toSeconds(r.total)} s with ${unfinished} requests unfinished`);
  }
  return out;
}

/** Throws an InvariantViolation naming the first broken invariant (and how many more). */
export function assertInvariants(r: RunResult): void {
  const violations = findViolations(r);
  if (violations.length === 0) return;
  const [first, ...rest] = violations;
  const more = rest.map((v) => `; also ${v.invariant}: ${v.figures}`).join('');
  throw new InvariantViolation(first.invariant, first.figures + more);
}

function sumCodes(codes: Map<number, number>, hundred: number): number {
  let n = 0;
  for (const [code, count] of codes) if (Math.floor(code / 100) === hundred) n += count;
  return n;
}

function sum(values: readonly number[] | undefined): number {
  return values === undefined ? 0 : values.reduce((a, b) => a + b, 0);
}
