// What every load generator shares: it records each request's result the way hey does
// (a response of any status, or a transport error), enforces hey's -t timeout, counts
// the requests in flight (for Little's law), and stops the run when it is done.
import type { Lane } from '../../engine/lane.js';
import type { ProcessCpu } from '../../engine/cpu/process.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { RunRecorder } from '../../stats/runRecorder.js';
import type { Gauge } from '../../stats/timeline.js';
import type { LoadSettings } from '../../scenario/resolve.js';
import type { Listener } from '../listener.js';
import { Connection, HttpRequest, Phase, type ClientSide, type PhaseLedger } from '../request.js';

export type { LoadSettings };

export abstract class LoadGenerator implements ClientSide {
  private ids = 0;
  /** When the last result came in (hey's Total); undefined while running. */
  finishedAt: Time | undefined = undefined;
  /** When it started sending: after the workers' start-up, if they have one (hey's Total counts from here). */
  startedAt: Time = 0;
  /** Requests sent so far. */
  sent = 0;

  constructor(
    readonly sim: Simulation,
    readonly listener: Listener,
    readonly load: LoadSettings,
    readonly recorder: RunRecorder,
    /** Requests sent and not yet answered or failed. */
    private readonly inSystem: Gauge,
    /** Where ended requests spent their time. */
    private readonly ledger: PhaseLedger,
  ) {
    this.timeouts = load.timeout > 0 ? sim.lane(load.timeout) : undefined;
  }

  /** The client process's CPU (hey: a Go program on its host's cores); set when it has costs. */
  process: ProcessCpu | undefined = undefined;

  /** hey's -t timers, one per request sent (a Lane: they all wait the same time). */
  private readonly timeouts: Lane | undefined;

  abstract start(): void;
  /** A request ended (response or error): the generator decides what comes next. */
  protected abstract ended(req: HttpRequest): void;

  /** Inside a send: a request that ends at once must not start the next one on this stack. */
  protected sending = 0;

  /** Sends a request, on `conn` if it is open and reusable, else on a new connection. */
  protected send(reuse: Connection | undefined, client: ClientSide, keepAlive: boolean, source?: unknown): HttpRequest {
    const now = this.sim.now;
    const conn = reuse ?? new Connection(++this.ids, client);
    conn.source = source;
    // A request on a kept-alive connection reaches its worker at once.
    const req = new HttpRequest(++this.ids, conn, now, this.ledger, reuse !== undefined ? Phase.thread : Phase.connect);
    req.keepAlive = keepAlive;
    conn.request = req;
    this.sent++;
    this.inSystem.add(1, now);
    if (this.timeouts !== undefined) this.timeouts.schedule(timedOut, this, req);
    this.sending++;
    const p = this.process;
    if (p === undefined) {
      if (reuse !== undefined) {
        conn.pending = true;
        conn.worker!.requestArrived(conn);
      } else {
        this.listener.syn(conn);
      }
    } else if (reuse !== undefined) {
      p.run(this.load.requestCpu!, written, this, req);
    } else {
      p.run(this.load.dialCpu!, dialed, this, req);
    }
    this.sending--;
    return req;
  }

  connected(conn: Connection): void {
    const req = conn.request;
    if (req === undefined || req.abandoned) return;
    req.enter(Phase.backlog, this.sim.now);
    // The request goes out right after the handshake, or when the client's process gets to writing it.
    if (this.process === undefined) conn.pending = true;
    else this.process.run(this.load.requestCpu!, written, this, req);
  }

  /** @internal the client dialed: its SYN goes out. */
  dialed(req: HttpRequest): void {
    if (!req.abandoned && req.conn.open) this.listener.syn(req.conn);
  }

  /** When a request's latency starts: when it was sent (wrk2's paced client: when it was due). */
  protected measuredFrom(req: HttpRequest): Time {
    return req.sentAt;
  }

  /** @internal the client wrote the request on its connection. */
  written(req: HttpRequest): void {
    const conn = req.conn;
    if (req.abandoned || !conn.open) return;
    conn.pending = true;
    const w = conn.worker;
    if (w === undefined) return; // still in the accept queue: the worker reads it when it accepts
    if (conn.idleOnServer) w.requestArrived(conn);
    else if (conn.awaitingRequest) w.firstRequestArrived(conn);
  }

  connectFailed(conn: Connection, error: string): void {
    conn.open = false;
    const req = conn.request;
    if (req !== undefined && !req.abandoned) this.fail(req, error, true);
  }

  response(req: HttpRequest, status: number): void {
    if (req.abandoned) return;
    req.settle(this.sim.now); // ended: the timeout timer must not fire for it
    this.recorder.response(this.measuredFrom(req), status, this.sim.now);
    this.inSystem.add(-1, this.sim.now);
    this.ended(req);
  }

  serverClosed(conn: Connection): void {
    const req = conn.request;
    // Closed with our request in it and no response: the worker died under it.
    if (req !== undefined && !req.abandoned) this.fail(req, 'EOF');
  }

  /** @internal hey's -t timer fired. */
  timeout(req: HttpRequest): void {
    if (req.abandoned) return;
    const conn = req.conn;
    if (conn.open) {
      conn.open = false;
      if (conn.worker !== undefined) conn.worker.clientClosed(conn);
    }
    this.fail(req, 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
  }

  /** hey's error text for each reason, built once (a saturated run fails hundreds of thousands of times). */
  private readonly messages = new Map<string, string>();
  private readonly dialMessages = new Map<string, string>();

  /** The request failed for `reason`; `dialing`: in the TCP connect (Go's net.Dial error). */
  protected fail(req: HttpRequest, reason: string, dialing = false): void {
    req.settle(this.sim.now);
    const messages = dialing ? this.dialMessages : this.messages;
    let message = messages.get(reason);
    if (message === undefined) {
      const url = this.load.url;
      message = dialing ? `Get "${url}": dial tcp ${hostPort(url)}: ${reason}` : `Get "${url}": ${reason}`;
      messages.set(reason, message);
    }
    this.recorder.error(message, this.measuredFrom(req), this.sim.now);
    this.inSystem.add(-1, this.sim.now);
    this.ended(req);
  }

  protected finish(): void {
    this.finishedAt = this.sim.now;
    this.sim.stop();
  }
}

function dialed(g: LoadGenerator, req: HttpRequest): void {
  g.dialed(req);
}

function written(g: LoadGenerator, req: HttpRequest): void {
  g.written(req);
}

function timedOut(g: LoadGenerator, req: HttpRequest): void {
  g.timeout(req);
}

function hostPort(url: string): string {
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(url);
  return m ? m[1] : url;
}
