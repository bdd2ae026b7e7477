// What every load generator shares: it records each request's result the way hey does
// (a response of any status, or a transport error), enforces hey's -t timeout, counts
// the requests in flight (for Little's law), and stops the run when it is done.
import type { Lane } from '../../engine/lane.js';
import type { ProcessCpu } from '../../engine/cpu/process.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { RunRecorder } from '../../stats/runRecorder.js';
import type { Counter, Gauge } from '../../stats/timeline.js';
import type { LoadSettings } from '../../scenario/resolve.js';
import type { Listener } from '../listener.js';
import { Connection, HttpRequest, Phase, type ClientSide, type PhaseLedger } from '../request.js';
import type { Uniform } from '../../engine/random.js';
import { backoffDelay, causeOfStatus, emptyTally, retries, RetryBudget, type Logical, type RetryCause, type RetryTally } from './retry.js';

export type { LoadSettings };

export abstract class LoadGenerator implements ClientSide {
  private ids = 0;
  /** When the last result came in (hey's Total); undefined while running. */
  finishedAt: Time | undefined = undefined;
  /** When it started sending: after the workers' start-up, if they have one (hey's Total counts from here). */
  startedAt: Time = 0;
  /** Requests sent so far. */
  sent = 0;

  /** Requests sent and not yet answered or failed. */
  get unanswered(): number {
    return this.inSystem.value;
  }

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
    // wrk's timeout cancels nothing: it is read when the response comes (response()).
    this.timeouts = load.timeout > 0 && load.timeoutMode === 'cancel' ? sim.lane(load.timeout) : undefined;
    this.countsLateAfter = load.timeoutMode === 'count' ? load.timeout : 0;
  }

  /** The client process's CPU (hey: a Go program on its host's cores); set when it has costs. */
  process: ProcessCpu | undefined = undefined;

  /** hey's -t timers, one per request sent (a Lane: they all wait the same time). */
  private readonly timeouts: Lane | undefined;
  /** A counting timeout (wrk's): a response later than this is a timeout too; 0: none. */
  private readonly countsLateAfter: Time;

  /** With client.retries: each attempt's request, what it is a try of (only while it is in flight). */
  private readonly logical = new Map<HttpRequest, Logical>();
  /** The request being resent (send() counts it as an attempt, not a new request). */
  private resending: Logical | undefined = undefined;
  private budget: RetryBudget | undefined = undefined;
  private backoffRandom: Uniform | undefined = undefined;
  /** The retries' figures; undefined without client.retries. */
  retryTally: RetryTally | undefined = undefined;
  /** Responses that came after their request timed out or was given up: work nobody waited for. */
  lateResponses = 0;
  /** With a timeline or retries: every attempt's end, and the late responses, over time (what goodput is set against). */
  attemptCounter: Counter | undefined = undefined;
  lateCounter: Counter | undefined = undefined;

  /** Turns on client.retries (wire.ts, when the scenario has them), with the stream the jitter draws from. */
  enableRetries(random: Uniform): void {
    const r = this.load.retry!;
    this.backoffRandom = random;
    this.retryTally = emptyTally(r.count);
    if (r.budget !== undefined) this.budget = new RetryBudget(r.budget.fraction, r.budget.minConcurrency);
  }

  abstract start(): void;
  /** Sends another attempt of the request whose generator record is `source` (a retry). */
  protected abstract resend(source: unknown): void;
  /** A request ended (response or error): the generator decides what comes next. */
  protected abstract ended(req: HttpRequest): void;

  /** Inside a send: a request that ends at once must not start the next one on this stack. */
  protected sending = 0;

  /**
   * Whether the records of answered requests on closed connections are taken over by new
   * requests (`spares`): set by a client for which nothing refers to them once answered
   * (OpenLoopClient.recycleRecords). A new record is young memory, and storing it in the
   * long-lived parts of the model (the event queue, the cores, the worker) runs V8's write
   * barrier each time; a recycled one is neither.
   */
  protected recycles = false;
  /** Answered requests, and those whose connection failed, whose records (each with its connection) the next sends take over. */
  private readonly spares: HttpRequest[] = [];

  /** Sends a request, on `conn` if it is open and reusable, else on a new connection. */
  protected send(reuse: Connection | undefined, client: ClientSide, keepAlive: boolean, source?: unknown): HttpRequest {
    const now = this.sim.now;
    let conn: Connection;
    let req: HttpRequest;
    const spare = reuse === undefined ? this.spares.pop() : undefined;
    if (spare !== undefined) {
      // The ids are numbered as for new records, so a run's output does not depend on recycling.
      conn = spare.conn;
      conn.renew(++this.ids);
      req = spare;
      req.renew(++this.ids, now, Phase.connect);
    } else {
      conn = reuse ?? new Connection(++this.ids, client);
      // A request on a kept-alive connection reaches its worker at once.
      req = new HttpRequest(++this.ids, conn, now, this.ledger, reuse !== undefined ? Phase.thread : Phase.connect);
    }
    conn.source = source;
    req.keepAlive = keepAlive;
    conn.request = req;
    const tally = this.retryTally;
    if (tally !== undefined) {
      // One request, many attempts: counted once, in the system from its first send to its result.
      let l = this.resending;
      if (l === undefined) {
        l = { firstSentAt: now, retries: 0, lastDelay: this.load.retry!.base, source, retrying: false };
        this.sent++;
        this.inSystem.add(1, now);
      }
      this.logical.set(req, l);
      tally.attempts++;
      if (this.budget !== undefined) this.budget.active++;
    } else {
      this.sent++;
      this.inSystem.add(1, now);
    }
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
    if (req === undefined || req.abandoned) return;
    this.fail(req, error, true);
    // Its SYN was refused or timed out: the connection was never queued or accepted (a SYN
    // is retransmitted only after a drop), and its last SYN timer has fired, so with
    // `recycles` nothing else holds it, as with an answered request.
    if (this.recycles) this.spares.push(req);
  }

  response(req: HttpRequest, status: number): void {
    if (req.abandoned) return;
    const now = this.sim.now;
    req.settle(now); // ended: the timeout timer must not fire for it
    this.attemptCounter?.inc(now);
    if (this.retryTally !== undefined && this.retried(req, causeOfStatus(status))) return;
    const start = this.startOf(req);
    // wrk's latency histogram holds up to its timeout (stats_alloc(timeout), stats_record): a later response is a timeout.
    if (this.countsLateAfter > 0 && now - start > this.countsLateAfter) this.recorder.lateResponse(start, status, now);
    else this.recorder.response(start, status, now);
    this.inSystem.add(-1, now);
    this.ended(req);
    // Answered and closed: its worker has finished it (its handler's steps done, its
    // database connection closed, no keep-alive timer on the connection), so with
    // `recycles` nothing refers to it once the current event is over, and only the next
    // send, a later event, takes it over.
    if (this.recycles && !req.conn.open) this.spares.push(req);
  }

  lateResponse(_req: HttpRequest): void {
    this.lateResponses++;
    this.lateCounter?.inc(this.sim.now);
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
    const now = this.sim.now;
    req.settle(now);
    this.attemptCounter?.inc(now);
    if (this.retryTally !== undefined) {
      const cause: RetryCause = dialing ? 'connect-failure' : reason === 'EOF' ? 'reset' : 'timeout';
      if (this.retried(req, cause)) return;
    }
    const messages = dialing ? this.dialMessages : this.messages;
    let message = messages.get(reason);
    if (message === undefined) {
      const url = this.load.url;
      message = dialing ? `Get "${url}": dial tcp ${hostPort(url)}: ${reason}` : `Get "${url}": ${reason}`;
      messages.set(reason, message);
    }
    this.recorder.error(message, this.startOf(req), now);
    this.inSystem.add(-1, now);
    this.ended(req);
  }

  /** When the request's latency starts: its first attempt's send, with retries. */
  private startOf(req: HttpRequest): Time {
    if (this.retryTally === undefined) return this.measuredFrom(req);
    const l = this.logical.get(req)!;
    this.logical.delete(req);
    this.retryTally.attemptsPerRequest[l.retries + 1]++;
    return l.retries === 0 ? this.measuredFrom(req) : l.firstSentAt;
  }

  /**
   * The attempt `req` ended (`cause`: how it failed; undefined: it did not). Whether it is
   * retried: then the request goes on after its backoff, and nothing is recorded yet.
   */
  private retried(req: HttpRequest, cause: RetryCause | undefined): boolean {
    const l = this.logical.get(req)!;
    const budget = this.budget;
    if (budget !== undefined) {
      budget.active--;
      if (l.retrying) budget.retrying--;
      l.retrying = false;
    }
    const r = this.load.retry!;
    const tally = this.retryTally!;
    if (cause === undefined || !retries(r, cause)) return false;
    if (l.retries >= r.count) {
      tally.exhausted++;
      return false;
    }
    if (budget !== undefined) {
      if (!budget.allows()) {
        tally.deniedByBudget++;
        return false;
      }
      budget.retrying++;
      l.retrying = true;
    }
    const delay = backoffDelay(r, l.retries, l.lastDelay, this.backoffRandom!);
    l.lastDelay = delay;
    l.retries++;
    tally.retriesByCause[cause]++;
    this.logical.delete(req);
    this.sim.schedule(delay, retryNow, this, l);
    return true;
  }

  /** @internal a retry's backoff is over: its next attempt goes out. */
  retryNow(l: Logical): void {
    this.resending = l;
    this.resend(l.source);
    this.resending = undefined;
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

function retryNow(g: LoadGenerator, l: Logical): void {
  g.retryNow(l);
}

function timedOut(g: LoadGenerator, req: HttpRequest): void {
  g.timeout(req);
}

function hostPort(url: string): string {
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(url);
  return m ? m[1] : url;
}
