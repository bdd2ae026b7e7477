// How many requests a gunicorn configuration can run at once, and what planning calls its
// cost: read from the resolved scenario (scenario/resolve.ts), as the model reads it.
import { allSteps, effectiveWorkerClass, resolve, UVICORN_WORKER } from '../../scenario/resolve.js';
import type { Scenario } from '../../scenario/schema.js';

export { allSteps, effectiveWorkerClass };

/**
 * Handler slots: sync, one request per worker; gthread, `threads` per worker; gevent and
 * eventlet, `workerConnections` greenlets per worker; uvicorn, no cap (a process's file
 * descriptors: limit_concurrency answers 503s rather than queueing).
 */
export function handlerSlots(s: Scenario): number {
  const r = resolve(s);
  const server = r.server;
  if (server.workerClass === UVICORN_WORKER) {
    // uvicorn caps nothing itself; what a planner counts is limit_concurrency when set, else
    // the threadpool's threads when every endpoint is a `def`, else a process's descriptors.
    const w = server.worker;
    const threads = r.app.endpoints.every((e) => e.inThreadpool);
    return server.workers * (w.limitConcurrency > 0 ? w.limitConcurrency : threads ? w.threadpool : server.handlerSlots);
  }
  return server.workers * server.handlerSlots;
}

/** What a slot is called in gunicorn's words. */
export function slotName(s: Scenario): string {
  const cls = effectiveWorkerClass(s);
  if (cls === UVICORN_WORKER) {
    if (s.server.limitConcurrency !== undefined) return 'requests (limit_concurrency)';
    return allSteps(s).length > 0 && defOnly(s) ? 'threadpool threads' : 'asyncio tasks';
  }
  return cls === 'sync' ? 'sync workers' : cls === 'gthread' ? 'threads' : 'greenlets';
}

/** Every endpoint of a uvicorn app is a `def` (FastAPI runs them in its threadpool). */
function defOnly(s: Scenario): boolean {
  return s.app.endpoints === undefined ? s.app.handler === 'def' : s.app.endpoints.every((e) => (e.handler ?? s.app.handler) === 'def');
}

/** The connections PostgreSQL accepts from the app's role (superusers may use the reserve). */
export function databaseLimit(s: Scenario): number | undefined {
  return resolve(s).database?.roleLimit;
}

/**
 * PostgreSQL connections a configuration may hold: with an app-side pool, pool_size +
 * max_overflow per worker process; behind PgBouncer, its default_pool_size server
 * connections; else each request opens its own, up to what PostgreSQL grants.
 */
export function databaseConnections(s: Scenario): number | undefined {
  return resolve(s).database?.connectionCap;
}
