// One HTTP request and the TCP connection it travels on, as the server and the client
// both see them. Plain records: the components that own them change their fields.
import type { OnCore } from '../engine/cpu/cpu.js';
import type { Resource } from '../engine/resource.js';
import type { App } from './app.js';
import type { Endpoint } from './steps.js';
import type { Time } from '../engine/time.js';

export class Connection {
  /** Set once a worker accepted it; the worker holds it until it closes. */
  worker: ServerSide | undefined = undefined;
  /** The request the client sent on it and is waiting for, if any. */
  request: HttpRequest | undefined = undefined;
  /** That request has reached the server but no handler has taken it yet. */
  pending = false;
  open = true;
  /** Bumped to cancel the server's keep-alive wait on this connection. */
  keepaliveToken = 0;
  /** SYNs sent so far (1 + retransmissions), for the backlog's retry schedule. */
  synCount = 0;
  /** The server is waiting for the next request on it (a keep-alive wait). */
  idleOnServer = false;
  /** The client finished with it and parked it in its idle pool. */
  idleOnClient = false;
  /** Requests a worker has started on it. */
  handled = 0;
  /** Accepted before its first request was written: the server is reading, waiting for it. */
  awaitingRequest = false;
  /** Which part of the client uses it (a hey worker), for the client's own bookkeeping. */
  source: unknown = undefined;

  constructor(
    /** Set again when the record is renewed for another connection. */
    public id: number,
    readonly client: ClientSide,
  ) {}

  /**
   * The record becomes a new connection's, of the same client, as the constructor leaves it:
   * for a client that recycles the records of requests nothing refers to any more
   * (OpenLoopClient.recycleRecords).
   */
  renew(id: number): void {
    this.id = id;
    this.worker = undefined;
    this.request = undefined;
    this.pending = false;
    this.open = true;
    this.keepaliveToken = 0;
    this.synCount = 0;
    this.idleOnServer = false;
    this.idleOnClient = false;
    this.handled = 0;
    this.awaitingRequest = false;
    this.source = undefined;
  }
}

/** What the server side of a connection must react to. */
export interface ServerSide {
  requestArrived(conn: Connection): void;
  /** The first request on a connection accepted before the client wrote it. */
  firstRequestArrived(conn: Connection): void;
  clientClosed(conn: Connection): void;
}

/** What the client side of a connection must react to. */
export interface ClientSide {
  /** The handshake completed (the connection is in the accept queue or accepted). */
  connected(conn: Connection): void;
  connectFailed(conn: Connection, error: string): void;
  response(req: HttpRequest, status: number): void;
  /** A handler finished for a request whose client had already gone (timed out): its response goes nowhere. */
  lateResponse(req: HttpRequest): void;
  /** The server closed the connection: idle (keep-alive expired) or mid-request (killed). */
  serverClosed(conn: Connection): void;
}

/** Where a request spends its time, for the report's breakdown. */
export const Phase = {
  /** SYN to established, SYN retransmissions included. */
  connect: 0,
  /** In the accept queue until a worker accepts it. */
  backlog: 1,
  /** Its worker has it and nothing runs it yet, or the client is writing it on a kept-alive connection: named by worker class in threadPhase.ts. */
  thread: 2,
  /** Waiting for the worker's loop (the GIL). */
  loop: 3,
  /** Computing on a core, and waiting for one (FIFO cores; shared cores run slower instead). */
  cpu: 4,
  dbConnect: 5,
  dbQuery: 6,
  /** Other IO: sleep, outbound HTTP. */
  io: 7,
  /** Cache lookups and stores. */
  cache: 8,
} as const;
export const PHASE_NAMES = Object.keys(Phase) as (keyof typeof Phase)[];
/**
 * A client's request while a load balancer has it at an upstream: not a phase of the
 * report, since the upstream request (an HttpRequest of its own) accounts for that time in
 * the phases above. The run's ledger has a slot for it, which nothing reads.
 */
export const UPSTREAM_PHASE = PHASE_NAMES.length;
/**
 * A client's request at a load balancer: its CPU and the wait for it. Reported as
 * `balancer` for a fleet only (results.ts), so a run without one reports what it did.
 */
export const BALANCER_PHASE = PHASE_NAMES.length + 1;

/**
 * Summed time in each Phase over every request that has ended (response or error):
 * one per run, shared by its requests, so that accounting allocates nothing per request.
 */
export type PhaseLedger = Float64Array;

export class HttpRequest {
  /** Index of the next handler step to run. */
  step = 0;
  /** Its place among the App.start() calls on the stack (1: the outermost); 0 while its own start() is not running. */
  startDepth = 0;
  /** A database connection is open for this request (it must be closed on any exit). */
  holdsDbConnection = false;
  /** The worker's CPU it is about to run outside a step (request handling, an error, authentication) and what follows. */
  pendingCpu = 0;
  /** Of pendingCpu, the CPU its turn saves if its loop runs it back to back (a connect's turnCpu, less its share). */
  pendingBackToBackSaving = 0;
  /** The work of its CPU task in progress, counted when it is done. */
  cpuWork = 0;
  afterCpu: ((app: any, req: HttpRequest) => void) | undefined = undefined;
  /** The connection attempt whose challenge its worker is answering. */
  authAttempt: { answered(error?: string): void } | undefined = undefined;
  authKeepsLoop = false;
  /** The status the server answers it with, without the app (uvicorn's 503). */
  pendingStatus = 0;
  /** The endpoint it was routed to (the record itself: the app's hot path reads its steps without indexing). */
  endpoint: Endpoint | undefined = undefined;
  /** A cache miss: the key to store once the covered steps are done. */
  cacheKey = -1;
  /** Its CPU work on the machine's cores (Cpu.run's id), while a `cpu` step runs; 0 otherwise. */
  cpuTask = 0;
  /** It holds its worker's loop (the GIL): its Python code is running or blocked. */
  hasLoop = false;
  /** Its handler runs on a thread of its worker's threadpool (uvicorn, a `def` handler): blocking IO blocks only that thread. */
  onThread = false;
  /** The client is done with it (a response, or an error such as a timeout); the server may still be working on it. */
  abandoned = false;
  /** Its worker was killed: every pending continuation must drop it. */
  killed = false;
  /** The client allows the connection to stay open after the response (no "Connection: close"). */
  keepAlive = true;
  /** The worker running it. */
  host: AppHost | undefined = undefined;
  /** The PostgreSQL backend of the connection it opened, as the cores see that process. */
  backend: OnCore | undefined = undefined;
  /** Neighbours in its worker's list of requests in flight (for a kill). */
  prevInWorker: HttpRequest | undefined = undefined;
  nextInWorker: HttpRequest | undefined = undefined;
  /** The Phase it is in since `mark`. */
  private phase: number;
  private mark: Time;

  constructor(
    /** Set again, with `sentAt`, when the record is renewed for another request (`renew`). */
    public id: number,
    readonly conn: Connection,
    public sentAt: Time,
    private readonly ledger: PhaseLedger,
    phase: number,
  ) {
    this.phase = phase;
    this.mark = sentAt;
  }

  /**
   * The record becomes a new request's, sent at `sentAt` on its connection (renewed too), as
   * the constructor leaves it: for a client that recycles the records of requests nothing
   * refers to any more (OpenLoopClient.recycleRecords).
   */
  renew(id: number, sentAt: Time, phase: number): void {
    this.id = id;
    this.sentAt = sentAt;
    this.step = 0;
    this.startDepth = 0;
    this.holdsDbConnection = false;
    this.pendingCpu = 0;
    this.pendingBackToBackSaving = 0;
    this.cpuWork = 0;
    this.afterCpu = undefined;
    this.authAttempt = undefined;
    this.authKeepsLoop = false;
    this.pendingStatus = 0;
    this.endpoint = undefined;
    this.cacheKey = -1;
    this.cpuTask = 0;
    this.hasLoop = false;
    this.onThread = false;
    this.abandoned = false;
    this.killed = false;
    this.keepAlive = true;
    this.host = undefined;
    this.backend = undefined;
    this.prevInWorker = undefined;
    this.nextInWorker = undefined;
    this.phase = phase;
    this.mark = sentAt;
  }

  /** From `now` on it is in `phase`; the time since the last change goes to the previous one. */
  enter(phase: number, now: Time): void {
    if (this.abandoned) return;
    // A request mostly changes phase at the instant of its last change (accepted, handed to
    // its worker, its first step started): nothing to charge then, and the ledger is not read.
    if (now !== this.mark) this.ledger[this.phase] += now - this.mark;
    this.phase = phase;
    this.mark = now;
  }

  /** The client is done with it at `now`: the last phase is charged, nothing after. */
  settle(now: Time): void {
    this.enter(this.phase, now);
    this.abandoned = true;
  }
}

/** What runs a request's handler: a worker process, seen from the app. */
export interface AppHost extends OnCore {
  /** The app it runs (the database layers' continuations find it here). */
  readonly app: App;
  /** The worker's event loop / GIL: CPU work holds it, and so does blocking IO where it blocks the process. */
  readonly loop: Resource;
  /** Blocking IO holds the loop (gevent, eventlet); in threads it only blocks its thread. */
  readonly blockingHoldsLoop: boolean;
  /** uvicorn: the threads `def` handlers run on, and the loop's CPU to hand a call to one. */
  readonly threadpool?: Resource;
  readonly threadpoolCpu?: number;
  /** The handler ended with this status. */
  finished(req: HttpRequest, status: number): void;
}
