// Which limit binds a uvicorn run: the one its requests waited on most. An ASGI stack has
// four usual suspects, each with its own queue, and the run measured the time requests
// spent in each (the breakdown's phases):
// - max_connections: PostgreSQL refused connections (the pools' start-up, or a connect per request);
// - the threadpool: `def` handlers waiting for one of its threads ("waiting for a thread");
// - pool acquire: handlers waiting for a pooled connection ("DB connect", with acquires that waited);
// - the loop's CPU: requests waiting for their worker's loop (the GIL) to run their Python.
// A refusal is an error, so it binds whatever else waits; otherwise the longest wait does,
// if it is a noticeable share of a request's time; else nothing in the server binds and
// the client's concurrency sets the load.
import type { RunSummary } from './summary.js';

/** A wait that is less than this share of a request's mean time binds nothing. */
const NOTICEABLE = 0.05;

export interface BindingLimit {
  /** max_connections, threadpool, pool acquire, loop CPU, or none (the client). */
  limit: 'halted' | 'max_connections' | 'threadpool' | 'pool acquire' | 'loop CPU' | 'none';
  /** The figure that shows it, in words. */
  evidence: string;
}

export function bindingLimit(s: RunSummary): BindingLimit {
  const srv = s.simulation.server;
  const db = s.simulation.database;
  if (srv.startup?.halted) return { limit: 'halted', evidence: `gunicorn halted at start-up (${srv.startup.halted}): nothing serves` };
  const pool = db?.asyncpgPool ?? null;
  if (db !== null && (db.refused > 0 || (pool !== null && pool.failedPools > 0))) {
    const atStart = pool !== null && pool.startupRefusals > 0 ? `, ${pool.startupRefusals} of them at start-up` : '';
    const failed = pool !== null && pool.failedPools > 0 ? `; ${pool.failedPools} of ${srv.workers} workers' pools failed to start` : '';
    return {
      limit: 'max_connections',
      evidence: `PostgreSQL refused ${db.refused} connections (max_connections ${db.maxConnections})${atStart}${failed}`,
    };
  }
  const b = s.breakdown;
  const mean = Object.values(b).reduce((a, x) => a + x, 0);
  const ms = (x: number) => `${(x * 1000).toFixed(1)} ms`;
  const candidates: BindingLimit[] = [];
  const waits: number[] = [];
  if (srv.threadpool !== undefined && (b.thread ?? 0) > 0) {
    const t = srv.threadpool;
    waits.push(b.thread);
    candidates.push({
      limit: 'threadpool',
      evidence: `requests waited ${ms(b.thread)} on average for one of ${t.threads} threads per worker (peak ${t.peakInUse} in use, ${t.waited} waited)`,
    });
  }
  if (pool !== null && pool.waited > 0) {
    waits.push(b.dbConnect ?? 0);
    candidates.push({
      limit: 'pool acquire',
      evidence: `${pool.waited} acquires waited for one of max_size ${pool.maxSize} connections per worker (${ms(b.dbConnect ?? 0)} per request in acquire and connect, ${pool.timeouts} timed out)`,
    });
  }
  if ((b.loop ?? 0) > 0) {
    waits.push(b.loop);
    candidates.push({
      limit: 'loop CPU',
      evidence: `requests waited ${ms(b.loop)} on average for their worker's loop (the GIL) to run their Python`,
    });
  }
  let best = -1;
  for (let i = 0; i < waits.length; i++) if (waits[i] > NOTICEABLE * mean && (best < 0 || waits[i] > waits[best])) best = i;
  if (best >= 0) return candidates[best];
  return { limit: 'none', evidence: "no queue in the server held requests for long: the client's concurrency sets the load" };
}
