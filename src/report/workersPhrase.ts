// The workers in the words of gunicorn's own settings: `--workers 2 --threads 4` reads
// "2 gthread workers x 4 threads", `-k gevent --worker-connections 1000` "x 1000
// worker_connections". uvicorn's class is named as its users say it (UvicornWorker), not by
// its import path.
import { UVICORN_WORKER } from '../scenario/resolve.js';
import type { WorkersShape } from '../model/server/workersShape.js';

export function workersPhrase(w: WorkersShape): string {
  const n = w.workers;
  const plural = n === 1 ? '' : 's';
  if (w.workerClass === UVICORN_WORKER) {
    const cap = w.limitConcurrency !== undefined ? ` x limit_concurrency ${w.limitConcurrency}` : '';
    return `${n} UvicornWorker${plural}${cap}`;
  }
  const workers = `${n} ${w.workerClass} worker${plural}`;
  if (w.threads !== undefined) return `${workers} x ${w.threads} thread${w.threads === 1 ? '' : 's'}`;
  if (w.workerConnections !== undefined) return `${workers} x ${w.workerConnections} worker_connections`;
  return workers;
}
