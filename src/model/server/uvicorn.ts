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
//   the protocol and the transport, server.acceptCpu) before the next accept. Every
//   worker's epoll is woken (libuv registers the socket without EPOLLEXCLUSIVE), the
//   listener's policy ordering the sleepers; but a worker already in its accept loop is
//   running, and calls accept before any woken sleeper does: it takes what arrives
//   while it is at it, so a burst of connections goes to the worker that took its first;
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

  /** An accept turn waits for its loop, busy when the socket became readable. */
  private turnQueued = false;
  /** In uv__server_io: it is setting up a connection it accepted, and will call accept again. */
  private inAcceptLoop = false;

  /** Accepting is on the loop, whatever it costs (the connection's CPU is charged there, not with its first request). */
  protected override takesConnectionsAtOnce(): boolean {
    return false;
  }

  /**
   * The kernel tells every worker's epoll that connections wait. One asleep in its poll
   * (its loop free) runs its accept loop at once, unless another worker is already in
   * its own: that one is running and gets to accept first, and the sleeper finds EAGAIN.
   * One busy with other work accepts when its loop gets to the poll.
   */
  override readable(): void {
    if (this.turnQueued || this.inAcceptLoop || !this.listening) return;
    const asleep = this.loop.available > 0 && this.loop.queueLength === 0;
    if (asleep && this.listener.acceptLoops > 0) return;
    this.turnQueued = true;
    this.loop.acquire(acceptTurn, this);
  }

  /** @internal its loop got to the listening socket. */
  acceptTurn(): void {
    this.turnQueued = false;
    this.acceptNext();
  }

  /** @internal the loop calls accept: a connection to set up, or EAGAIN, which ends the turn. */
  acceptNext(): void {
    for (;;) {
      if (this.dead) return;
      const conn = this.listening ? this.listener.take() : undefined;
      if (conn === undefined) {
        this.leaveAcceptLoop();
        this.loop.release();
        return;
      }
      if (!this.inAcceptLoop) {
        this.inAcceptLoop = true;
        this.listener.acceptLoops++;
      }
      const cpu = this.settings.acceptCpu;
      if (cpu > 0) {
        this.app.cpuUsed += cpu;
        this.app.cpu.run(cpu, acceptedOne, this, conn);
        return;
      }
      this.accept(conn);
    }
  }

  /** @internal the connection is set up (its first request waits for the loop, after the accept loop): the next accept. */
  acceptedOne(conn: Connection): void {
    if (this.dead) {
      // Killed while accepting: the process's sockets close with it.
      if (conn.open) {
        conn.open = false;
        conn.client.serverClosed(conn);
      }
      return;
    }
    if (conn.open) this.accept(conn);
    this.acceptNext();
  }

  private leaveAcceptLoop(): void {
    if (!this.inAcceptLoop) return;
    this.inAcceptLoop = false;
    // The last one out left connections queued (it stopped listening, or died): the
    // sleepers, which found EAGAIN while it accepted, would find them now.
    if (--this.listener.acceptLoops === 0 && this.listener.queued > 0) this.listener.wakeAll();
  }

  override kill(graceful = false): void {
    super.kill(graceful);
    this.leaveAcceptLoop();
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

function acceptTurn(w: UvicornWorker): void {
  w.acceptTurn();
}

function acceptedOne(w: UvicornWorker, conn: Connection): void {
  w.acceptedOne(conn);
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
