// The workers as their settings give them, for the report's `Server:` line and a fleet's
// instances.
import { type ArbiterSettings, UVICORN_WORKER } from '../../scenario/resolve.js';

/**
 * The workers as their user configures them (`--workers 2 --threads 4`): their class and
 * number, and the setting of that class that bounds the requests one of them runs at once,
 * where it has one (a sync worker runs one).
 */
export interface WorkersShape {
  workerClass: string;
  workers: number;
  /** gthread: --threads. */
  threads?: number;
  /** gevent, eventlet: --worker-connections. */
  workerConnections?: number;
  /** uvicorn: limit_concurrency, when set. */
  limitConcurrency?: number;
}

export function workersShape(s: ArbiterSettings): WorkersShape {
  const w = s.worker;
  return {
    workerClass: s.workerClass,
    workers: s.workers,
    ...(s.workerClass === 'gthread' ? { threads: w.threads } : {}),
    ...(s.workerClass === 'gevent' || s.workerClass === 'eventlet' ? { workerConnections: w.connections } : {}),
    ...(s.workerClass === UVICORN_WORKER && w.limitConcurrency > 0 ? { limitConcurrency: w.limitConcurrency } : {}),
  };
}

/** Just the shape's fields of a record that has them (a fleet's instance), absent ones left out. */
export function workersOf(r: WorkersShape): WorkersShape {
  return {
    workerClass: r.workerClass,
    workers: r.workers,
    ...(r.threads !== undefined ? { threads: r.threads } : {}),
    ...(r.workerConnections !== undefined ? { workerConnections: r.workerConnections } : {}),
    ...(r.limitConcurrency !== undefined ? { limitConcurrency: r.limitConcurrency } : {}),
  };
}
