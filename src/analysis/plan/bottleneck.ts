// The bottleneck of one run, in a few words, derived from what the run recorded:
// 1. failures name themselves first: PostgreSQL refusing connections (the 500s of the
//    article past -c 100), an app-side pool or PgBouncer turning checkouts away, any
//    other exception that became a 500, worker kills (gunicorn's WORKER TIMEOUT), transport errors
//    (hey's -t), SYNs dropped by a full accept queue;
// 2. otherwise, the phase where requests spent most of their time (the report's
//    "Where the time went"). A waiting phase (accept queue, thread, loop) means a
//    resource is short; a working phase (DB query, CPU, IO) means the handler's own time
//    dominates, which is the expected state below saturation.
import type { RunResult } from '../../model/system.js';
import { THREAD_PHASE_LABELS, threadPhaseOf } from '../../model/threadPhase.js';
import type { RunSummary } from '../../report/summary.js';

/** The report's names for the phases of the breakdown; `thread` is named by the run's worker class (threadPhaseOf). */
const PHASE_LABEL: Record<string, string> = {
  connect: 'TCP connect',
  backlog: 'accept queue',
  loop: 'loop/GIL/core',
  cpu: 'CPU',
  dbConnect: 'DB connect',
  dbQuery: 'DB query',
  io: 'IO',
  cache: 'cache',
};

export function bottleneck(s: RunSummary, result: RunResult): string {
  const db = s.simulation.database;
  if (db !== null && db.refused > 0) return `PostgreSQL max_connections (${db.refused} refused)`;
  const pool = result.database?.pool;
  if (pool !== undefined && pool.timeouts > 0) return `connection pool (${pool.timeouts} checkouts timed out)`;
  const bouncer = result.database?.pgbouncer;
  if (bouncer !== undefined && bouncer.refused > 0) return `PgBouncer max_client_conn (${bouncer.refused} refused)`;
  if (bouncer !== undefined && bouncer.timeouts > 0) return `PgBouncer pool (${bouncer.timeouts} query_wait_timeout)`;
  const exceptions = Object.entries(s.simulation.exceptions);
  if (exceptions.length > 0) {
    const [message, n] = exceptions.reduce((a, b) => (b[1] > a[1] ? b : a));
    return `500s: ${message.length > 60 ? `${message.slice(0, 57)}...` : message} (${n})`;
  }
  if (s.simulation.server.kills > 0) return `worker timeout (${s.simulation.server.kills} killed)`;
  if (s.summary.errors > 0) return `client errors (${s.summary.errors})`;
  if (s.simulation.backlog.synDrops > 0) return `accept queue full (${s.simulation.backlog.synDrops} SYNs dropped)`;
  // The phases add up to the mean time from send to result.
  const average = Object.values(s.breakdown).reduce((a, b) => a + b, 0);
  let phase: string | undefined;
  let longest = 0;
  for (const [p, seconds] of Object.entries(s.breakdown)) {
    if (seconds > longest) {
      longest = seconds;
      phase = p;
    }
  }
  if (phase === undefined || average <= 0) return 'none';
  const label = phase === 'thread' ? THREAD_PHASE_LABELS[threadPhaseOf(s)] : (PHASE_LABEL[phase] ?? phase);
  return `${label} ${Math.round((100 * longest) / average)} %`;
}
