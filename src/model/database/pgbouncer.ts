// PgBouncer between the application and PostgreSQL (pgbouncer.ini: pool_mode,
// default_pool_size, max_client_conn, query_wait_timeout).
//
// Clients connect to PgBouncer, a single-threaded event loop: each login costs it
// `loginCpu` (its side of authentication; the client's proof is the app's), each query it
// relays `queryCpu`, each server connection it opens and later closes `serverCpu`, one
// after another on its one thread, on the database's cores, and no fork. It counts a
// client from the moment it accepts its socket (pooler.c pool_accept takes every pending
// connection at once), and when it reads a startup packet while it counts more than
// max_client_conn clients, that one included, it refuses it (client.c: "no more
// connections allowed (max_client_conn)"); a refused client still counts until the end of
// the loop's iteration (objects.c reuse_just_freed_objects, after each event_base_loop
// pass). So a flood of connections is refused whole while it waits to be read, not only
// beyond the first max_client_conn. It keeps at most default_pool_size server
// connections to PostgreSQL, opened on demand (with PostgreSQL's fork and start-up costs),
// one at a time ("Allow only a single connection attempt at a time": janitor.c
// launch_new_connection), and then kept open; a new one goes to the oldest waiting client. In session mode a client holds a server connection from its login
// to its disconnect; in transaction mode only for each transaction: one query, or, for a
// client that closes inside a transaction (psycopg2 without autocommit), from its first
// query to its close. A client that closes inside a transaction leaves its server
// connection unusable: PgBouncer closes it ("client disconnect while server was not
// ready": objects.c disconnect_client), and the next client needs a new one. A client
// that needs a server connection while all are busy waits in a FIFO, up to
// query_wait_timeout. Each login, query and opening is an Operation (pgbouncerOperation.ts).
import type { Cpu, OnCore } from '../../engine/cpu/cpu.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { PgBouncerSettings } from '../../scenario/resolve.js';
import { HubLoop } from '../hubLoop.js';
import type { HttpRequest } from '../request.js';
import type { DbDone, DbServer } from './server.js';
import { WaitQueue } from './waitQueue.js';
import {
  acceptTurn,
  cpuDone,
  deliver,
  listenReadable,
  login,
  loopGot,
  loopDone,
  Operation,
  openOnPostgres,
  queryDone,
  relay,
  runQuery,
  serverOpened,
  startupDone,
  startupRead,
  waited,
} from './pgbouncerOperation.js';

export const MAX_CLIENT_CONN = 'ERROR: no more connections allowed (max_client_conn)';
export const QUERY_WAIT_TIMEOUT = 'ERROR: query_wait_timeout';

export type { PgBouncerSettings } from '../../scenario/resolve.js';

export class PgBouncer implements DbServer {
  /** The core its process last ran on (per-core run queues). */
  cpuCore = -1;
  private readonly loop = new HubLoop('pgbouncer', () => this.reuseJustFreed());
  /** Refused clients still counted: their objects are freed at the end of the loop's iteration. */
  private justFreed = 0;
  /** Client sockets it counts against max_client_conn (get_active_client_count): from their accept until freed. */
  private counted = 0;
  private readonly waiting: WaitQueue;
  /** Clients past the startup check (logging in or logged in), and the most at once. */
  clients = 0;
  peakClients = 0;
  refused = 0;
  /** Its own CPU so far (s of work, in µs). */
  cpuUsed = 0;
  /** Server connections closed because their client left inside a transaction. */
  serversClosed = 0;
  /** Server connections opened, and the most it had at once. */
  serversOpened = 0;
  peakServers = 0;
  /** Server connections: open (or opening). */
  private servers = 0;
  /**
   * The idle server connections, as their backends, the one freed last on top: PgBouncer
   * reuses them last in, first out (server_round_robin = 0). A backend is one process from
   * query to query, which the kernel wakes on the core it last ran on.
   */
  private readonly idleBackends: (OnCore | undefined)[] = [];
  /**
   * The backend of each client's server connection while it holds one. Kept here, not on the
   * request: PostgreSQL names a new backend on the record of the client it was opened for,
   * which may hold another server connection by then.
   */
  private readonly held = new Map<HttpRequest, OnCore | undefined>();
  /** The backend a grant hands over (WaitQueue calls the waiter's continuation, which takes it). */
  private pendingBackend: OnCore | undefined = undefined;
  /**
   * Clients whose server connection is busy: a query in flight, or (closesInTransaction) a
   * transaction open. A client that closes then leaves it unusable, and PgBouncer closes it.
   */
  private readonly busy = new Set<HttpRequest>();
  /** A server connection is being opened (PgBouncer opens one at a time). */
  private opening = false;

  constructor(
    private readonly sim: Simulation,
    readonly settings: PgBouncerSettings,
    /** PostgreSQL (in tests, any DbServer). */
    private readonly postgres: DbServer,
    /** The cores its one thread runs on (undefined: its work takes no time). */
    private readonly cpu: Cpu | undefined = undefined,
  ) {
    this.waiting = new WaitQueue(sim, settings.queryWaitTimeout, QUERY_WAIT_TIMEOUT);
  }

  get timeouts(): number {
    return this.waiting.timeouts;
  }

  /** `_clientCpu`: the app's share of the login is charged to it as a step after the connect. */
  open<A>(req: HttpRequest, _clientCpu: Time, done: DbDone<A>, a: A): void {
    // It waits in PgBouncer's listen queue until the loop's turn to accept.
    this.pending.push(new Operation(this, req, done, a));
    if (this.acceptQueued) return;
    this.acceptQueued = true;
    // The listening socket's event: connections that arrive at the same instant are
    // pending together when the loop wakes for it.
    this.sim.schedule(0, listenReadable, this);
  }

  /** @internal its listening socket is readable: the accept waits for the loop's turn. */
  listenReadable(): void {
    this.loop.acquire(acceptTurn, this);
  }

  /** Connections waiting to be accepted, and whether the loop has an accept turn queued. */
  private pending: Operation[] = [];
  private acceptQueued = false;

  /**
   * @internal the loop accepts every pending connection (pool_accept loops until EAGAIN):
   * each counts from now; their startup packets are read as the next iteration's IO.
   */
  acceptTurn(): void {
    this.acceptQueued = false;
    const accepted = this.pending;
    this.pending = [];
    this.counted += accepted.length;
    for (const op of accepted) this.loop.acquire(startupRead, this, op);
    this.loop.release();
  }

  /**
   * @internal the loop reads `op`'s startup packet: refused beyond max_client_conn, else on
   * to the login. (Its CPU, and a refusal's, are not measured: none is charged. The turn
   * ends in an event of its own, so that a flood of them does not nest.)
   */
  startupRead(op: Operation): void {
    if (this.counted > this.settings.maxClientConn) {
      this.refused++;
      this.justFreed++;
      op.refusedAtStartup = true;
    } else if (++this.clients > this.peakClients) this.peakClients = this.clients;
    this.sim.schedule(0, startupDone, this, op);
  }

  /** @internal the startup packet's turn is over. */
  startupDone(op: Operation): void {
    this.loop.release();
    if (op.refusedAtStartup) {
      op.done(op.a, MAX_CLIENT_CONN);
      return;
    }
    op.hold = this.settings.loginTime;
    this.onLoop(this.settings.loginCpu, login, op);
  }

  /** @internal the loop's iteration ended: the clients refused during it are no longer counted. */
  reuseJustFreed(): void {
    this.counted -= this.justFreed;
    this.justFreed = 0;
  }

  close(req?: HttpRequest): void {
    this.clients--;
    this.counted--;
    if (req !== undefined && this.busy.delete(req)) this.closeServer(req);
    else if (this.settings.poolMode === 'session') this.releaseServer(req === undefined ? undefined : this.letGo(req));
  }

  query<A>(req: HttpRequest, cpu: Time, wait: Time, done: DbDone<A>, a: A, driverOwn = false): void {
    const op = new Operation(this, req, done, a);
    op.cpu = cpu;
    op.wait = wait;
    op.driverOwn = driverOwn;
    this.onLoop(this.settings.queryCpu, relay, op);
  }

  /** @internal the query has been read and is PgBouncer's to send on. */
  relayed(op: Operation): void {
    if (this.settings.poolMode === 'session' || this.busy.has(op.req)) this.send(op);
    else this.takeServer(op, runQuery);
  }

  /** Sends `op`'s query on the server connection its client holds. */
  private send(op: Operation): void {
    this.busy.add(op.req);
    op.req.backend = this.held.get(op.req);
    this.postgres.query(op.req, op.cpu, op.wait, queryDone, op, op.driverOwn);
  }

  /** Runs `work` of its CPU on its one thread, then `then(op)`. */
  private onLoop(work: Time, then: (op: Operation) => void, op: Operation): void {
    if ((work === 0 || this.cpu === undefined) && op.hold === 0) {
      then(op);
      return;
    }
    op.next = then;
    op.work = work;
    this.loop.acquire(loopGot, this, op);
  }

  /** @internal its thread is free for `op`'s work. */
  loopGot(op: Operation): void {
    if (op.work > 0 && this.cpu !== undefined) {
      this.cpuUsed += op.work;
      this.cpu.run(op.work, cpuDone, this, op, this);
    } else this.cpuDone(op);
  }

  /** @internal `op`'s CPU is done; a login's own time (loginTime) still holds the thread. */
  cpuDone(op: Operation): void {
    if (op.hold > 0) {
      const hold = op.hold;
      op.hold = 0;
      this.sim.schedule(hold, loopDone, this, op);
    } else this.loopDone(op);
  }

  /** @internal `op`'s work on its thread is done. */
  loopDone(op: Operation): void {
    this.loop.release();
    op.next!(op);
  }

  /** @internal the client is logged in. */
  loggedIn(op: Operation): void {
    if (this.settings.poolMode === 'session') this.takeServer(op, deliver);
    else deliver(op, undefined);
  }

  /** Gives `op` a server connection (idle, or the next one free or opened), then calls then(op, error). */
  private takeServer(op: Operation, then: DbDone<Operation>): void {
    op.granted = then;
    if (this.idleBackends.length > 0) {
      this.held.set(op.req, this.idleBackends.pop());
      then(op, undefined);
      return;
    }
    this.waiting.wait(op.req, waited, op);
    this.launch(op);
  }

  /** Opens a server connection if clients wait for one, none is being opened and the pool has room. */
  private launch(op: Operation | undefined): void {
    if (this.opening || this.waiting.length === 0 || this.servers >= this.settings.defaultPoolSize) return;
    this.servers++;
    if (this.servers > this.peakServers) this.peakServers = this.servers;
    this.opening = true;
    this.serversOpened++;
    // The record of the opening: PostgreSQL reads nothing of its request.
    const opening = new Operation(this, op?.req ?? this.waiting.oldest()!, deliver, undefined);
    this.onLoop(this.settings.serverCpu, openOnPostgres, opening);
  }

  /** @internal PgBouncer answers PostgreSQL's handshake itself: no work of the app's. */
  openOnPostgres(op: Operation): void {
    this.postgres.open(op.req, 0, serverOpened, op);
  }

  /** @internal a waiting client's turn came: a server connection, or an error. */
  waited(op: Operation, error: string | undefined): void {
    if (error === undefined) this.held.set(op.req, this.pendingBackend);
    op.granted!(op, error);
  }

  /** @internal the server connection being opened is ready (it goes to the oldest waiter), or failed (the oldest waiter gets the error). */
  serverOpened(op: Operation, error: string | undefined): void {
    this.opening = false;
    if (error !== undefined) {
      this.servers--;
      this.waiting.fail(error);
    } else this.releaseServer(op.req.backend);
    this.launch(undefined);
  }

  /** @internal a transaction-mode query has its server connection (or failed to get one). */
  runQuery(op: Operation, error: string | undefined): void {
    if (error !== undefined) {
      deliver(op, error);
      return;
    }
    if (op.req.killed) {
      // Its client is gone (it closed while waiting): the server connection goes back unused.
      this.releaseServer(this.letGo(op.req));
      return;
    }
    this.send(op);
  }

  /** @internal a query ran: in transaction mode its server connection goes back, unless its transaction is still open. */
  queryDone(op: Operation): void {
    // Its client closed meanwhile: the server connection was closed then.
    if (!this.busy.has(op.req)) {
      deliver(op, undefined);
      return;
    }
    // With its transaction still open the client keeps the server connection busy.
    if (!this.settings.closesInTransaction) {
      this.busy.delete(op.req);
      if (this.settings.poolMode === 'transaction') this.releaseServer(this.letGo(op.req));
    }
    deliver(op, undefined);
  }

  /** The backend of the server connection `req` held, which it holds no longer. */
  private letGo(req: HttpRequest): OnCore | undefined {
    const backend = this.held.get(req);
    this.held.delete(req);
    return backend;
  }

  /** A server connection (its `backend`) is free again: the oldest waiter takes it, or it idles. */
  private releaseServer(backend: OnCore | undefined): void {
    this.pendingBackend = backend;
    if (!this.waiting.grant()) this.idleBackends.push(backend);
    this.pendingBackend = undefined;
  }

  /** Its client left inside a transaction: PgBouncer closes the server connection, and opens another if clients wait. */
  private closeServer(req: HttpRequest): void {
    this.serversClosed++;
    this.servers--;
    req.backend = this.letGo(req);
    this.postgres.close(req);
    this.launch(undefined);
  }
}
