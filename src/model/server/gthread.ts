// gunicorn's threaded worker (workers/gthread.py). The main thread accepts while the
// worker holds fewer than `worker_connections` connections (keep-alive ones included)
// and queues each readable connection for a pool of `threads` threads; so a worker can
// take more connections than it has threads, and they wait for one. After a keep-alive
// response the connection goes back to the poller, still counted, until its next request
// or `keepalive` expires; at most worker_connections - threads are kept alive. Blocking
// IO blocks only its thread (C code releases the GIL); Python code holds the GIL.
// The main thread notifies the arbiter on every poll (at least once a second), whatever
// the threads do, so a gthread worker is not killed for a slow request.
import { Resource } from '../../engine/resource.js';
import type { Connection, HttpRequest } from '../request.js';
import { Worker, type WorkerGauges, type WorkerOwner, type WorkerSettings } from './worker.js';
import type { App } from '../app.js';
import type { Listener } from '../listener.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';

export class ThreadWorker extends Worker {
  readonly blockingHoldsLoop = false;
  private readonly threads: Resource;
  /** Connections with a request, waiting for a thread. */
  private readonly queued = new Set<Connection>();

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
    this.threads = new Resource(settings.threads, `worker ${index} threads`);
  }

  protected hasRoomWith(open: number): boolean {
    return open < this.settings.connections;
  }

  protected dispatch(conn: Connection): void {
    this.queued.add(conn);
    this.threads.acquire(onThread, this, conn);
  }

  /** @internal a thread picked up the connection. */
  threadTook(conn: Connection): void {
    if (this.dead) return;
    this.queued.delete(conn);
    if (!conn.open) {
      // The client gave up while it waited: the thread reads EOF and lets go.
      this.threads.release();
      this.closed();
      return;
    }
    this.run(conn);
  }

  protected override startRequest(req: HttpRequest, cpu: Time): void {
    // handle_request decides before running the app whether this response may keep
    // the connection: only while fewer than max_keepalived connections are parked.
    if (this.idle.size >= this.settings.connections - this.settings.threads) req.keepAlive = false;
    super.startRequest(req, cpu);
  }

  protected override requestDone(): void {
    this.threads.release();
  }

  protected keepsAlive(req: HttpRequest, status: number): boolean {
    return status < 500 && this.settings.keepalive > 0 && req.keepAlive;
  }

  heartbeatOk(): boolean {
    return true;
  }

  protected override killQueued(): void {
    for (const conn of this.queued) {
      if (conn.open) {
        conn.open = false;
        conn.client.serverClosed(conn);
      }
    }
    this.queued.clear();
  }
}

function onThread(w: ThreadWorker, conn: Connection): void {
  w.threadTook(conn);
}
