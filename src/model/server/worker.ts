// What every gunicorn worker process does, whatever its class: take connections from
// the shared listening socket, hand their requests to the app, answer, keep a connection
// alive or close it, and die (killed by the arbiter's timeout) or retire (max_requests)
// when told. Each class (sync.ts, gthread.ts, gevent.ts) writes only its own rules: how
// many connections it takes, who runs a request, whether it keeps a connection alive.
import type { CacheRefill } from '../../engine/cpu/cacheRefill.js';
import type { Lane } from '../../engine/lane.js';
import { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { Gauge } from '../../stats/timeline.js';
import type { App } from '../app.js';
import type { Acceptor, Listener } from '../listener.js';
import { Phase, type AppHost, type Connection, type HttpRequest, type ServerSide } from '../request.js';

import type { WorkerSettings } from '../../scenario/resolve.js';

export type { WorkerSettings };

/** Gauges shared by all workers: requests running a handler, connections idle in keep-alive. */
export interface WorkerGauges {
  running: Gauge;
  keepalive: Gauge;
}

/** What a worker tells the arbiter. */
export interface WorkerOwner {
  /** The worker exited (retired, or killed): boot a replacement. */
  exited(worker: Worker, killed: boolean): void;
  /** The worker notified it is alive (gunicorn's heartbeat, `notify()`). */
  notified(worker: Worker): void;
  /** The worker started a request (its memory grows: a pod's memory limit, fleet/memoryLimit.ts); undefined when nobody watches. */
  readonly requestStarted?: ((worker: Worker) => void) | undefined;
  /** The worker's app finished starting up (`error`: it failed); only workers with a start-up call it. */
  booted?(worker: Worker, error: string | undefined): void;
}

export abstract class Worker implements Acceptor, ServerSide, AppHost {
  readonly loop: Resource;
  /** The core its process last ran on (per-core run queues). */
  cpuCore = -1;
  /** server.cacheRefillCpu, shared by the arbiter's workers (per-core run queues read it). */
  cacheRefill: CacheRefill | undefined = undefined;
  abstract readonly blockingHoldsLoop: boolean;
  /** uvicorn's threadpool for `def` handlers; none in gunicorn's own classes. */
  readonly threadpool: Resource | undefined = undefined;
  /** Connections this worker holds open. */
  protected open = 0;
  /** Requests being handled: a list threaded through the requests (no allocation). */
  protected firstInFlight: HttpRequest | undefined = undefined;
  protected inFlightCount = 0;
  /** Connections idle in a keep-alive wait. */
  protected readonly idle = new Set<Connection>();
  /** False once retiring or dead: no new connections, no keep-alive. */
  alive = true;
  dead = false;
  /** Requests started (gunicorn's `self.nr`). */
  served = 0;
  /** Most connections held and handlers run at once: cheap evidence for the slot invariants. */
  peakOpen = 0;
  peakRunning = 0;
  /** In the listener's ready list, taking connections (set by the listener: Acceptor.listening). */
  listening = false;

  constructor(
    readonly index: number,
    readonly sim: Simulation,
    protected readonly listener: Listener,
    readonly app: App,
    protected readonly settings: WorkerSettings,
    protected readonly gauges: WorkerGauges,
    protected readonly owner: WorkerOwner,
  ) {
    this.loop = this.makeLoop(`worker ${index} loop`);
    this.takesNow = this.takesConnectionsAtOnce();
    this.keepaliveTimers = sim.lane(settings.keepalive);
  }

  /** Its process's one Python thread at a time (the GIL, or an async worker's loop). */
  protected makeLoop(name: string): Resource {
    return new Resource(1, name);
  }

  /** Whether this worker takes a connection the moment it arrives (Acceptor.takesNow; see GeventWorker). */
  readonly takesNow: boolean;

  /** Computes takesNow once, at construction (settings do not change). */
  protected takesConnectionsAtOnce(): boolean {
    return true;
  }

  /** Keep-alive waits (a Lane: they all last `keepalive`; shared with the other workers). */
  private readonly keepaliveTimers: Lane;

  /** Requests it is handling now. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Whether this class takes another connection now. */
  protected hasRoom(): boolean {
    return this.hasRoomWith(this.open);
  }

  /** Whether this class takes another connection while it holds `open` of them. */
  protected abstract hasRoomWith(open: number): boolean;

  fullAfterOne(): boolean {
    return !this.hasRoomWith(this.open + 1);
  }
  /** Starts handling the request that arrived on `conn` (a handler, or a queue for one). */
  protected abstract dispatch(conn: Connection): void;
  /** Whether the connection may stay open after this response. */
  protected abstract keepsAlive(req: HttpRequest, status: number): boolean;
  /** Whether the worker would have notified the arbiter by now without a heartbeat event. */
  abstract heartbeatOk(): boolean;

  boot(): void {
    this.owner.notified(this);
    this.updateAccepting();
  }

  accept(conn: Connection): void {
    if (++this.open > this.peakOpen) this.peakOpen = this.open;
    conn.worker = this;
    if (conn.request !== undefined && conn.pending) conn.request.enter(Phase.thread, this.sim.now);
    this.updateAccepting();
    if (conn.pending) this.dispatch(conn);
    else if (conn.request !== undefined)
      conn.awaitingRequest = true; // the client has yet to write it
    else this.park(conn);
  }

  /** The first request on a connection this worker accepted earlier has been written. */
  firstRequestArrived(conn: Connection): void {
    conn.awaitingRequest = false;
    if (this.dead) {
      // Killed after it accepted the connection: the kernel closed the socket with the
      // process, and the client's write meets a reset (kill() cannot reach connections
      // it holds no request of, and keeps no list of them for this rare case).
      conn.open = false;
      conn.client.serverClosed(conn);
      return;
    }
    conn.request!.enter(Phase.thread, this.sim.now);
    this.dispatch(conn);
  }

  /** Connections wait in the listening socket and this worker has room: it will take them. */
  readable(): void {}

  /** Acceptor.idleWake: `readable` does nothing here (a sync or gthread worker takes connections at once). */
  idleWake(_empty: boolean): boolean {
    return true;
  }

  requestArrived(conn: Connection): void {
    if (!this.idle.delete(conn)) throw new Error('request on a connection the worker is not reading');
    conn.idleOnServer = false;
    conn.keepaliveToken++;
    this.gauges.keepalive.add(-1, this.sim.now);
    this.dispatch(conn);
  }

  clientClosed(conn: Connection): void {
    conn.open = false;
    if (conn.awaitingRequest) {
      conn.awaitingRequest = false;
      this.closed();
      return;
    }
    if (this.idle.delete(conn)) {
      // The reader of an idle connection sees EOF and ends.
      conn.idleOnServer = false;
      conn.keepaliveToken++;
      this.gauges.keepalive.add(-1, this.sim.now);
      this.closed();
    }
    // Otherwise a handler is running; the connection is released when it finishes.
  }

  /** Runs the app for the request on `conn`; with `status`, the server answers it so without the app (uvicorn's 503). */
  protected run(conn: Connection, status?: number): void {
    const req = conn.request!;
    conn.pending = false;
    req.host = this;
    this.addInFlight(req);
    const started = this.owner.requestStarted;
    if (started !== undefined) started(this);
    this.gauges.running.add(1, this.sim.now);
    this.served++;
    if (this.settings.maxRequests > 0 && this.served >= this.settings.maxRequests) this.retire();
    const cpu = this.settings.requestCpu + (conn.handled++ === 0 ? this.connectionCpu() : 0);
    if (status !== undefined) this.app.answer(req, cpu, status);
    else this.startRequest(req, cpu);
  }

  /** The worker's CPU for a new connection, charged with its first request (gevent: when accepted). */
  protected connectionCpu(): Time {
    return this.settings.acceptCpu;
  }

  protected startRequest(req: HttpRequest, cpu: Time): void {
    this.app.start(req, cpu);
  }

  private addInFlight(req: HttpRequest): void {
    req.prevInWorker = undefined;
    req.nextInWorker = this.firstInFlight;
    if (this.firstInFlight !== undefined) this.firstInFlight.prevInWorker = req;
    this.firstInFlight = req;
    if (++this.inFlightCount > this.peakRunning) this.peakRunning = this.inFlightCount;
  }

  private removeInFlight(req: HttpRequest): void {
    if (req.prevInWorker !== undefined) req.prevInWorker.nextInWorker = req.nextInWorker;
    else this.firstInFlight = req.nextInWorker;
    if (req.nextInWorker !== undefined) req.nextInWorker.prevInWorker = req.prevInWorker;
    req.prevInWorker = req.nextInWorker = undefined;
    this.inFlightCount--;
  }

  finished(req: HttpRequest, status: number): void {
    this.removeInFlight(req);
    this.gauges.running.add(-1, this.sim.now);
    const conn = req.conn;
    if (!conn.open) {
      // The client is gone (it timed out): the response goes nowhere.
      conn.client.lateResponse(req);
      this.closed();
    } else if (!this.alive || !this.keepsAlive(req, status)) {
      conn.open = false;
      conn.client.response(req, status);
      this.closed();
    } else {
      this.park(conn);
      conn.client.response(req, status);
    }
    // Last: a freed thread takes its next connection only after this one is parked or
    // closed (gthread's finish_request runs before the thread's next job).
    this.requestDone(req);
  }

  /** Hook: a handler is done (gthread frees its thread). */
  protected requestDone(_req: HttpRequest): void {}

  /** Waits for the next request on `conn`, for at most `keepalive`. */
  protected park(conn: Connection): void {
    conn.idleOnServer = true;
    this.idle.add(conn);
    this.gauges.keepalive.add(1, this.sim.now);
    this.keepaliveTimers.schedule(keepaliveExpired, conn, conn.keepaliveToken);
  }

  /** @internal the keep-alive wait ran out: close the connection. */
  expire(conn: Connection, token: number): void {
    if (token !== conn.keepaliveToken || !this.idle.delete(conn)) return;
    conn.idleOnServer = false;
    conn.open = false;
    this.gauges.keepalive.add(-1, this.sim.now);
    conn.client.serverClosed(conn);
    this.closed();
  }

  /** A connection this worker held is closed. */
  protected closed(): void {
    this.open--;
    this.updateAccepting();
    this.exitIfDone();
  }

  protected updateAccepting(): void {
    const accept = this.alive && this.hasRoom();
    if (accept === this.listening) return;
    if (accept) this.listener.acceptorReady(this);
    else this.listener.acceptorBusy(this);
  }

  /** max_requests reached: stop accepting, finish what is in hand, then exit. */
  retire(): void {
    if (!this.alive) return;
    this.alive = false;
    this.updateAccepting();
    this.exitIfDone();
    const limit = this.settings.gracefulTimeout;
    if (!this.dead && limit !== undefined) this.sim.schedule(limit, gracefulTimeUp, this);
  }

  /** 1 when graceful_timeout ran out with requests still running ("Worker graceful timeout"): they were killed. */
  gracefulKills = 0;
  /** Replaced by a reload: the arbiter has booted another in its place, and boots none when it exits. */
  replaced = false;

  /** @internal graceful_timeout ran out: gunicorn stops the remaining handlers, which is a kill for their clients. */
  gracefulTimeUp(): void {
    if (this.dead) return;
    this.gracefulKills++;
    this.kill(true);
  }

  private exitIfDone(): void {
    if (this.alive || this.dead || this.open > 0) return;
    this.dead = true;
    this.app.db?.workerExited(this);
    this.owner.exited(this, false);
  }

  /**
   * The arbiter killed this worker (SIGKILL after a timeout): every request in it is lost,
   * its clients see the connection closed without a response, its database connections
   * end with it.
   */
  kill(graceful = false): void {
    if (this.dead) return;
    this.dead = true;
    this.alive = false;
    this.listener.acceptorBusy(this);
    const now = this.sim.now;
    for (let req = this.firstInFlight; req !== undefined; req = req.nextInWorker) {
      req.killed = true;
      this.app.killed(req);
      this.gauges.running.add(-1, now);
      if (req.holdsDbConnection) {
        req.holdsDbConnection = false;
        this.app.db!.drop(req);
      }
      if (req.conn.open) {
        req.conn.open = false;
        req.conn.client.serverClosed(req.conn);
      }
    }
    this.firstInFlight = undefined;
    this.inFlightCount = 0;
    for (const conn of this.idle) {
      conn.idleOnServer = false;
      conn.keepaliveToken++;
      conn.open = false;
      this.gauges.keepalive.add(-1, now);
      conn.client.serverClosed(conn);
    }
    this.idle.clear();
    this.killQueued();
    this.open = 0;
    this.app.db?.workerExited(this);
    this.owner.exited(this, !graceful);
  }

  /** Hook: connections accepted but not yet handled (gthread's queue) are lost too. */
  protected killQueued(): void {}
}

function gracefulTimeUp(w: Worker): void {
  w.gracefulTimeUp();
}

function keepaliveExpired(conn: Connection, token: number): void {
  (conn.worker as Worker).expire(conn, token);
}
