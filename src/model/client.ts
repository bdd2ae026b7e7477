// The load generator, as `hey -n N -c C -t T` runs it (MODEL.md section 1;
// rakyll/hey requester/requester.go).
//
// C hey workers each send N/C requests (integer division), one after another, each as
// soon as the previous one ended. With keep-alive (hey's default) a worker reuses its
// connection; after its last request the connection stays open and idle in the
// transport's pool, which keeps at most min(C, 500) idle connections and closes any
// beyond that at once. A timeout, a refused or reset connection is a transport error.
// Results are recorded as hey records them; the run ends when every worker is done.
import type { Simulation } from '../engine/simulation.js';
import type { Time } from '../engine/time.js';
import type { Listener } from './listener.js';
import { Connection, HttpRequest, type ClientSide } from './request.js';
import type { RunRecorder } from '../stats/runRecorder.js';

export interface ClientSettings {
  requests: number;
  concurrency: number;
  /** 0 = no timeout. */
  timeout: Time;
  keepAlive: boolean;
  maxIdleConns: number;
  url: string;
}

export class HeyClient {
  private readonly workers: HeyWorker[] = [];
  private done = 0;
  private idle = 0;
  private ids = 0;
  /** When the last worker finished (hey's Total); undefined while running. */
  finishedAt: Time | undefined = undefined;

  constructor(
    readonly sim: Simulation,
    readonly listener: Listener,
    readonly settings: ClientSettings,
    readonly recorder: RunRecorder,
  ) {
    const perWorker = Math.floor(settings.requests / settings.concurrency);
    for (let i = 0; i < settings.concurrency; i++) this.workers.push(new HeyWorker(this, perWorker));
  }

  start(): void {
    for (const w of this.workers) this.sim.schedule(0, startWorker, w);
  }

  nextId(): number {
    return ++this.ids;
  }

  /** A worker sent its last request and got its result. */
  workerDone(w: HeyWorker): void {
    const conn = w.conn;
    if (conn !== undefined && conn.open) this.park(conn);
    if (++this.done === this.workers.length) {
      this.finishedAt = this.sim.now;
      this.sim.stop();
    }
  }

  /** Puts a finished worker's connection in the idle pool, or closes it if the pool is full. */
  private park(conn: Connection): void {
    if (this.idle >= this.settings.maxIdleConns) {
      conn.open = false;
      conn.worker!.clientClosed(conn);
      return;
    }
    conn.idleOnClient = true;
    this.idle++;
  }

  /** The server closed a connection: it leaves the idle pool if it was there. */
  unpark(conn: Connection): void {
    if (conn.idleOnClient) {
      conn.idleOnClient = false;
      this.idle--;
    }
  }
}

export class HeyWorker implements ClientSide {
  conn: Connection | undefined = undefined;
  private current: HttpRequest | undefined = undefined;

  constructor(private readonly client: HeyClient, private remaining: number) {}

  sendNext(): void {
    const client = this.client;
    if (this.remaining === 0) {
      client.workerDone(this);
      return;
    }
    this.remaining--;
    const settings = client.settings;
    let conn = this.conn;
    const reuse = conn !== undefined && conn.open && settings.keepAlive;
    if (!reuse) conn = this.conn = new Connection(client.nextId(), this);
    const req = new HttpRequest(client.nextId(), conn!, client.sim.now);
    req.keepAlive = settings.keepAlive;
    this.current = req;
    if (settings.timeout > 0) client.sim.schedule(settings.timeout, timedOut, this, req);
    if (reuse) {
      conn!.pending = req;
      conn!.worker!.requestArrived(conn!);
    } else {
      client.listener.syn(conn!);
    }
  }

  connected(conn: Connection): void {
    // The request goes out right after the handshake.
    if (conn === this.conn && this.current !== undefined && this.current.conn === conn) conn.pending = this.current;
  }

  connectFailed(conn: Connection, error: string): void {
    conn.open = false;
    const req = this.current!;
    if (req.conn !== conn || req.abandoned) return;
    this.fail(req, `dial tcp ${hostPort(this.client.settings.url)}: ${error}`);
  }

  response(req: HttpRequest, status: number): void {
    if (req.abandoned) return;
    this.client.recorder.response(this.client.sim.now - req.sentAt, status, this.client.sim.now);
    this.current = undefined;
    this.sendNext();
  }

  serverClosed(conn: Connection): void {
    this.client.unpark(conn);
  }

  /** @internal the -t timer fired. */
  timeout(req: HttpRequest): void {
    if (req.abandoned || this.current !== req) return;
    req.abandoned = true;
    const conn = req.conn;
    if (conn.open) {
      conn.open = false;
      if (conn.worker !== undefined) conn.worker.clientClosed(conn);
    }
    this.fail(req, 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
  }

  private fail(req: HttpRequest, reason: string): void {
    req.abandoned = true;
    this.client.recorder.error(`Get "${this.client.settings.url}": ${reason}`, this.client.sim.now);
    this.current = undefined;
    this.sendNext();
  }
}

function startWorker(w: HeyWorker): void {
  w.sendNext();
}

function timedOut(w: HeyWorker, req: HttpRequest): void {
  w.timeout(req);
}

function hostPort(url: string): string {
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(url);
  return m ? m[1] : url;
}
