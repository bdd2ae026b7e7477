// How many requests a gunicorn configuration can run at once, and what planning calls its
// cost. Read from the scenario the way the model reads it (MODEL.md section 3).
import type { Scenario } from '../scenario/schema.js';

/** The worker class gunicorn actually runs: sync with threads > 1 is gthread. */
export function effectiveWorkerClass(s: Scenario): Scenario['server']['workerClass'] {
  return s.server.workerClass === 'sync' && s.server.threads > 1 ? 'gthread' : s.server.workerClass;
}

/**
 * Handler slots: sync, one request per worker; gthread, `threads` per worker; gevent and
 * eventlet, `workerConnections` greenlets per worker.
 */
export function handlerSlots(s: Scenario): number {
  switch (effectiveWorkerClass(s)) {
    case 'sync':
      return s.server.workers;
    case 'gthread':
      return s.server.workers * s.server.threads;
    default:
      return s.server.workers * s.server.workerConnections;
  }
}

/** What a slot is called in gunicorn's words. */
export function slotName(s: Scenario): string {
  const cls = effectiveWorkerClass(s);
  return cls === 'sync' ? 'sync workers' : cls === 'gthread' ? 'threads' : 'greenlets';
}

/** The connections PostgreSQL accepts from the app's role (superusers may use the reserve). */
export function databaseLimit(s: Scenario): number | undefined {
  const d = s.database;
  if (d === undefined) return undefined;
  return d.superuser ? d.maxConnections : d.maxConnections - d.superuserReservedConnections;
}

/** Every step the handler may run: its steps, or those of all its endpoints. */
export function allSteps(s: Scenario): NonNullable<Scenario['app']['steps']> {
  return s.app.steps ?? (s.app.endpoints ?? []).flatMap((e) => e.steps);
}

/**
 * PostgreSQL connections a configuration may hold: with an app-side pool, pool_size +
 * max_overflow per worker process; behind PgBouncer, its default_pool_size server
 * connections; else each request opens its own, up to what PostgreSQL grants.
 */
export function databaseConnections(s: Scenario): number | undefined {
  const limit = databaseLimit(s);
  if (limit === undefined) return undefined;
  if (s.app.pool !== undefined) return Math.min(limit, s.server.workers * (s.app.pool.size + s.app.pool.maxOverflow));
  if (s.database!.pgbouncer !== undefined) return Math.min(limit, s.database!.pgbouncer.defaultPoolSize);
  return limit;
}
