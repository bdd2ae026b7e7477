// PgBouncer between the application and PostgreSQL (pgbouncer.ini: pool_mode,
// default_pool_size, max_client_conn, query_wait_timeout).
//
// Clients connect to PgBouncer, a single-threaded event loop: each login costs it
// `loginTime`, one after another, and no fork. Beyond max_client_conn it refuses
// clients. It keeps at most default_pool_size server connections to PostgreSQL, opened
// on demand (with PostgreSQL's fork and start-up costs) and then kept open. In session
// mode a client holds a server connection from its login to its disconnect; in
// transaction mode only for each query (one statement = one transaction here). A client
// that needs a server connection while all are busy waits in a FIFO, up to
// query_wait_timeout.
import { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { PgBouncerSettings } from '../../scenario/resolve.js';
import type { HttpRequest } from '../request.js';
import type { DbDone, DbServer } from './server.js';
import { WaitQueue } from './waitQueue.js';

export const MAX_CLIENT_CONN = 'ERROR: no more connections allowed (max_client_conn)';
export const QUERY_WAIT_TIMEOUT = 'ERROR: query_wait_timeout';

export type { PgBouncerSettings } from '../../scenario/resolve.js';

export class PgBouncer implements DbServer {
  private readonly loop = new Resource(1, 'pgbouncer');
  private readonly waiting: WaitQueue;
  clients = 0;
  peakClients = 0;
  refused = 0;
  /** Server connections: open (or opening), and idle among them. */
  private servers = 0;
  private idle = 0;

  constructor(
    private readonly sim: Simulation,
    readonly settings: PgBouncerSettings,
    /** PostgreSQL (in tests, any DbServer). */
    private readonly postgres: DbServer,
  ) {
    this.waiting = new WaitQueue(sim, settings.queryWaitTimeout, QUERY_WAIT_TIMEOUT);
  }

  get timeouts(): number {
    return this.waiting.timeouts;
  }

  /** `_clientCpu`: the app does not answer PgBouncer's own login (it logs in with what it has). */
  open<A>(req: HttpRequest, _clientCpu: Time, done: DbDone<A>, a: A): void {
    if (this.clients >= this.settings.maxClientConn) {
      this.refused++;
      done(a, MAX_CLIENT_CONN);
      return;
    }
    this.clients++;
    if (this.clients > this.peakClients) this.peakClients = this.clients;
    this.loop.acquire(login, this, new Operation(this, req, done, a));
  }

  close(): void {
    this.clients--;
    if (this.settings.poolMode === 'session') this.releaseServer();
  }

  query<A>(req: HttpRequest, cpu: Time, wait: Time, done: DbDone<A>, a: A): void {
    if (this.settings.poolMode === 'session') {
      this.postgres.query(req, cpu, wait, done, a);
      return;
    }
    const op = new Operation(this, req, done, a);
    op.cpu = cpu;
    op.wait = wait;
    this.takeServer(op, runQuery);
  }

  /** @internal PgBouncer's loop got to the login. */
  login(op: Operation): void {
    this.sim.schedule(this.settings.loginTime, loggedIn, this, op);
  }

  /** @internal */
  loggedIn(op: Operation): void {
    this.loop.release();
    if (this.settings.poolMode === 'session') this.takeServer(op, deliver);
    else deliver(op, undefined);
  }

  /** Gives `op` a server connection (idle, new, or after a wait), then calls then(op, error). */
  private takeServer(op: Operation, then: DbDone<Operation>): void {
    if (this.idle > 0) {
      this.idle--;
      then(op, undefined);
    } else if (this.servers < this.settings.defaultPoolSize) {
      this.servers++;
      op.granted = then;
      // PgBouncer answers PostgreSQL's handshake itself: no work of the app's.
      this.postgres.open(op.req, 0, serverOpened, op);
    } else {
      this.waiting.wait(op.req, then, op);
    }
  }

  /** @internal a server connection PgBouncer was opening for `op` is ready, or failed. */
  serverOpened(op: Operation, error: string | undefined): void {
    if (error !== undefined) this.servers--;
    op.granted!(op, error);
  }

  /** @internal a transaction-mode query has its server connection (or failed to get one). */
  runQuery(op: Operation, error: string | undefined): void {
    if (error !== undefined) deliver(op, error);
    else this.postgres.query(op.req, op.cpu, op.wait, queryDone, op);
  }

  /** @internal a transaction-mode query ran on its server connection: the connection goes back. */
  queryDone(op: Operation): void {
    this.releaseServer();
    deliver(op, undefined);
  }

  /** A server connection is free again: the oldest waiter takes it, or it idles. */
  private releaseServer(): void {
    if (!this.waiting.grant()) this.idle++;
  }
}

/** One client operation in PgBouncer: a login, or a transaction-mode query. */
class Operation {
  /** What it does once it has a server connection (or failed to get one). */
  granted: DbDone<Operation> | undefined = undefined;
  /** A transaction-mode query's backend CPU and wait. */
  cpu = 0;
  wait = 0;
  constructor(
    readonly bouncer: PgBouncer,
    /** The app's request it serves (waiters are dropped when its worker was killed). */
    readonly req: HttpRequest,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

function serverOpened(op: Operation, error: string | undefined): void {
  op.bouncer.serverOpened(op, error);
}

function runQuery(op: Operation, error: string | undefined): void {
  op.bouncer.runQuery(op, error);
}

function queryDone(op: Operation): void {
  op.bouncer.queryDone(op);
}

function login(bouncer: PgBouncer, op: Operation): void {
  bouncer.login(op);
}

function loggedIn(bouncer: PgBouncer, op: Operation): void {
  bouncer.loggedIn(op);
}

/** The operation is over: its caller hears of it. */
function deliver(op: Operation, error: string | undefined): void {
  op.done(op.a, error);
}
