// A gunicorn worker process of an async class (gevent, eventlet), and the sync class as
// its degenerate case (MODEL.md section 3; gunicorn/workers/ggevent.py, base_async.py).
//
// A gevent worker serves each connection in a greenlet from a pool of
// `worker_connections`; it stops accepting while the pool is full. After a keep-alive
// response the greenlet waits up to `keepalive` seconds for the next request on that
// connection, holding its pool slot all that time (base_async.py: the keepalive loop
// under timeout_ctx). A 500 ends the loop and closes the connection at once.
//
// A sync worker is one slot, and closes every connection after its response (it never
// keeps a connection alive).
import { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { Gauge } from '../../stats/timeline.js';
import type { App } from '../app.js';
import type { Acceptor, Listener } from '../listener.js';
import type { AppHost, Connection, HttpRequest, ServerSide } from '../request.js';

export interface WorkerSettings {
  /** Connections served at once: worker_connections for async classes, 1 for sync. */
  slots: number;
  /** Keep-alive wait; 0 closes after each response. */
  keepalive: Time;
}

/** Gauges shared by all workers: requests running a handler, connections idle in keep-alive. */
export interface WorkerGauges {
  running: Gauge;
  keepalive: Gauge;
}

export class AsyncWorker implements Acceptor, ServerSide, AppHost {
  readonly loop: Resource;
  private freeSlots: number;
  /** Requests handled to the end (any status). */
  handled = 0;

  constructor(
    readonly index: number,
    private readonly sim: Simulation,
    private readonly listener: Listener,
    private readonly app: App,
    private readonly settings: WorkerSettings,
    private readonly gauges: WorkerGauges,
  ) {
    this.loop = new Resource(1, `worker ${index} loop`);
    this.freeSlots = settings.slots;
  }

  get busySlots(): number {
    return this.settings.slots - this.freeSlots;
  }

  boot(): void {
    this.listener.acceptorReady(this);
  }

  accept(conn: Connection): void {
    this.freeSlots--;
    if (this.freeSlots === 0) this.listener.acceptorBusy(this);
    conn.worker = this;
    if (conn.pending !== undefined) this.startRequest(conn);
    else this.waitForRequest(conn);
  }

  requestArrived(conn: Connection): void {
    if (!conn.idleOnServer) throw new Error('request on a connection the worker is not reading');
    conn.idleOnServer = false;
    this.gauges.keepalive.add(-1, this.sim.now);
    conn.keepaliveToken++;
    this.startRequest(conn);
  }

  clientClosed(conn: Connection): void {
    conn.open = false;
    if (conn.idleOnServer) {
      // The greenlet reading the connection sees EOF and ends.
      conn.idleOnServer = false;
      this.gauges.keepalive.add(-1, this.sim.now);
      conn.keepaliveToken++;
      this.releaseSlot();
    }
    // Otherwise the handler is running; its slot is freed when it finishes.
  }

  finished(req: HttpRequest, status: number): void {
    this.handled++;
    this.gauges.running.add(-1, this.sim.now);
    const conn = req.conn;
    if (!conn.open) {
      // The client is gone (it timed out): the response goes nowhere.
      this.releaseSlot();
      return;
    }
    const keepAlive = status < 500 && this.settings.keepalive > 0 && req.keepAlive;
    if (!keepAlive) {
      conn.open = false;
      conn.client.response(req, status);
      this.releaseSlot();
      return;
    }
    this.waitForRequest(conn);
    conn.client.response(req, status);
  }

  private startRequest(conn: Connection): void {
    const req = conn.pending!;
    conn.pending = undefined;
    req.host = this;
    this.gauges.running.add(1, this.sim.now);
    this.app.start(req);
  }

  private waitForRequest(conn: Connection): void {
    conn.idleOnServer = true;
    this.gauges.keepalive.add(1, this.sim.now);
    this.sim.schedule(this.settings.keepalive, keepaliveExpired, conn, conn.keepaliveToken);
  }

  /** @internal the keep-alive wait ran out: close the connection and free the slot. */
  expire(conn: Connection, token: number): void {
    if (token !== conn.keepaliveToken || !conn.idleOnServer) return;
    conn.idleOnServer = false;
    this.gauges.keepalive.add(-1, this.sim.now);
    conn.open = false;
    conn.client.serverClosed(conn);
    this.releaseSlot();
  }

  private releaseSlot(): void {
    this.freeSlots++;
    if (this.freeSlots === 1) this.listener.acceptorReady(this);
  }
}

function keepaliveExpired(conn: Connection, token: number): void {
  (conn.worker as AsyncWorker).expire(conn, token);
}
