// uvicorn's worker under gunicorn, uvicorn.workers.UvicornWorker (uvicorn 0.17: workers.py,
// server.py, protocols/http/httptools_impl.py and h11_impl.py).
//
// One asyncio loop per worker process serves every connection, as gevent's hub does: it
// parses each request and runs the ASGI app as a task; Python runs one piece at a time on
// it. So it shares GeventWorker's mechanics (blocking IO stalling the process, the
// heartbeat on the loop, a 500 closing the connection), with uvicorn's own rules:
// - every worker takes connections as they come (uvloop accepts until the socket is
//   empty), the winner picked by the listener's policy;
// - no cap on connections: gunicorn's worker_connections is not passed on; instead
//   limit_concurrency (CONFIG_KWARGS) answers a request with a 503 ("Exceeded concurrency
//   limit.", `connection: close`) when its worker holds that many connections, its own
//   and keep-alive ones included, or runs that many tasks;
// - timeout_keep_alive is gunicorn's --keep-alive, limit_max_requests its max_requests
//   (+ jitter), backlog its --backlog;
// - the loop notifies the arbiter (Server.on_tick) every timeout / 2: a loop blocked for
//   longer than that can get the worker killed;
// - the app's start-up (FastAPI's startup events: asyncpg's create_pool) runs before the
//   worker serves; if it fails, the worker exits with WORKER_BOOT_ERROR and gunicorn's
//   arbiter halts (Arbiter.bootFailed), unless the app catches the error;
// - `def` handlers run in the threadpool (anyio's limiter, 40 threads), see App.
import { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { App } from '../app.js';
import type { StartupTasks } from '../database/asyncpgPool.js';
import type { Listener } from '../listener.js';
import { Connection, HttpRequest, PHASE_NAMES, Phase } from '../request.js';
import { GeventWorker } from './gevent.js';
import type { WorkerGauges, WorkerOwner, WorkerSettings } from './worker.js';

/** uvicorn's answer to a request beyond limit_concurrency (protocols/http/flow_control.py service_unavailable). */
export const SERVICE_UNAVAILABLE = 503;

export class UvicornWorker extends GeventWorker implements StartupTasks {
  override readonly threadpool: Resource | undefined;
  /** Its app's start-up is over (or there was none): it serves. */
  started = false;

  constructor(
    index: number,
    sim: Simulation,
    listener: Listener,
    app: App,
    settings: WorkerSettings,
    gauges: WorkerGauges,
    owner: WorkerOwner,
  ) {
    super(index, sim, listener, app, settings, gauges, owner);
    this.threadpool = settings.threadpool > 0 ? new Resource(settings.threadpool, `worker ${index} threadpool`) : undefined;
  }

  get threadpoolCpu(): number {
    return this.settings.threadpoolCpu;
  }

  /**
   * Every worker's loop polls the listening socket and the kernel wakes them all; which
   * one wins a connection is the listener's seeded policy (its accept, and the
   * connection's set-up, are charged with the connection's first request).
   */
  protected override takesConnectionsAtOnce(): boolean {
    return true;
  }

  protected override connectionCpu(): number {
    return this.settings.acceptCpu;
  }

  protected override hasRoom(): boolean {
    return this.started && this.open < this.settings.connections;
  }

  override boot(): void {
    const db = this.app.db;
    if (db === undefined || !db.opensAtStartup) {
      this.started = true;
      super.boot();
      this.owner.booted?.(this, undefined);
      return;
    }
    // Lifespan start-up: create_pool opens min_size connections on this loop, before serving.
    db.startWorker(this, startupOver, this);
  }

  /** @internal the app's start-up ended (`error`: create_pool raised). */
  startupOver(error: string | undefined): void {
    if (this.dead) return;
    this.started = true;
    super.boot();
    this.owner.booted?.(this, error);
  }

  /** A record for one of the start-up's connects: it answers PostgreSQL's handshake on this loop, as a request would. */
  startupTask(): HttpRequest {
    const task = new HttpRequest(-1, STARTUP, this.sim.now, SCRATCH, Phase.dbConnect);
    // Not a client's request: nothing of it goes to the requests' figures.
    task.abandoned = true;
    task.host = this;
    return task;
  }

  protected override dispatch(conn: Connection): void {
    const limit = this.settings.limitConcurrency;
    if (limit > 0 && (this.open >= limit || this.inFlightCount >= limit)) this.run(conn, SERVICE_UNAVAILABLE);
    else this.run(conn);
  }
}

function startupOver(w: UvicornWorker, error: string | undefined): void {
  w.startupOver(error);
}

/** The connection and phase ledger of start-up tasks, which no client sent. */
const STARTUP = new Connection(-1, {
  connected() {},
  connectFailed() {},
  response() {},
  lateResponse() {},
  serverClosed() {},
});
const SCRATCH = new Float64Array(PHASE_NAMES.length);
