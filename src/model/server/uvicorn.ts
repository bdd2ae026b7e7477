// uvicorn's worker under gunicorn, uvicorn.workers.UvicornWorker (uvicorn 0.17: workers.py,
// server.py, protocols/http/httptools_impl.py and h11_impl.py).
//
// One asyncio loop per worker process serves every connection, as gevent's hub does: it
// parses each request and runs the ASGI app as a task; Python runs one piece at a time on
// it. So it shares GeventWorker's mechanics (blocking IO stalling the process, the
// heartbeat on the loop, a 500 closing the connection), with uvicorn's own rules:
// - accepting runs on the loop, as libuv's uv__server_io does it (src/unix/stream.c):
//   when its poll finds the listening socket readable, the loop calls accept again and
//   again until EAGAIN, and sets each connection up (uvloop's UVStreamServer._on_listen:
//   the protocol and the transport, server.acceptCpu) before the next accept. libuv
//   registers the socket without EPOLLEXCLUSIVE, so a connection wakes every worker asleep
//   in its poll (the listener's policy orders the wake-ups), whether or not another is
//   accepting; each runs its accept loop once it has a core (coreAccept.ts);
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
// - `def` handlers run in the threadpool (anyio's limiter, 40 threads; a freed thread goes to
//   the oldest waiter, or with anyio 3.x to the newest: app.threadpoolQueue), see App.
import { Resource } from '../../engine/resource.js';
import { StackResource } from '../../engine/stackResource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { App } from '../app.js';
import type { StartupTasks } from '../database/asyncpgPool.js';
import type { Listener } from '../listener.js';
import { Connection, HttpRequest, PHASE_NAMES, Phase } from '../request.js';
import { AcceptLoop } from './coreAccept.js';
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
    this.threadpool =
      settings.threadpool <= 0
        ? undefined
        : settings.threadpoolQueue === 'lifo'
          ? new StackResource(settings.threadpool, `worker ${index} threadpool`)
          : new Resource(settings.threadpool, `worker ${index} threadpool`);
  }

  get threadpoolCpu(): number {
    return this.settings.threadpoolCpu;
  }

  /** Accepting is a turn of its loop, run when the process has a core (coreAccept.ts). */
  private readonly acceptLoop = new AcceptLoop(this, this.listener);

  /** AcceptLoopHost: server.acceptCpu. */
  get acceptCpu(): number {
    return this.settings.acceptCpu;
  }

  /** Accepting is on the loop, whatever it costs (the connection's CPU is charged there, not with its first request). */
  protected override takesConnectionsAtOnce(): boolean {
    return false;
  }

  override readable(): void {
    this.acceptLoop.readable();
  }

  override idleWake(_empty: boolean): boolean {
    return this.acceptLoop.idleWake();
  }

  /** AcceptLoopHost: asleep in its poll, not busy on its loop, when the socket turned readable. */
  asleepInPoll(): boolean {
    return this.loop.available > 0 && this.loop.queueLength === 0;
  }

  /** AcceptLoopHost: at EAGAIN its loop blocks in its poll when no request waits for it. */
  blocksAfterAccepting(): boolean {
    return this.loop.queueLength === 0;
  }

  override kill(graceful = false): void {
    super.kill(graceful);
    this.acceptLoop.killed();
  }

  protected override hasRoomWith(open: number): boolean {
    return this.started && open < this.settings.connections;
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
