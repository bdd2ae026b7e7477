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
import type { Postgres } from './postgres.js';
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
    private readonly postgres: Postgres,
  ) {
    this.waiting = new WaitQueue(sim, settings.queryWaitTimeout, QUERY_WAIT_TIMEOUT);
  }

  get timeouts(): number {
    return this.waiting.timeouts;
  }

  open(req: HttpRequest, done: DbDone): void {
    if (this.clients >= this.settings.maxClientConn) {
      this.refused++;
      done(req, MAX_CLIENT_CONN);
      return;
    }
    this.clients++;
    if (this.clients > this.peakClients) this.peakClients = this.clients;
    this.loop.acquire(this.login, req, done);
  }

  close(): void {
    this.clients--;
    if (this.settings.poolMode === 'session') this.releaseServer();
  }

  query(req: HttpRequest, cpu: Time, wait: Time, done: DbDone): void {
    if (this.settings.poolMode === 'session') {
      this.postgres.query(req, cpu, wait, done);
      return;
    }
    req.dbCpu = cpu;
    req.dbWait = wait;
    req.dbDone = done;
    this.takeServer(req, this.runQuery);
  }

  private readonly login = (req: HttpRequest, done: DbDone): void => {
    this.sim.schedule(this.settings.loginTime, this.loggedIn, req, done);
  };

  private readonly loggedIn = (req: HttpRequest, done: DbDone): void => {
    this.loop.release();
    if (this.settings.poolMode === 'session') this.takeServer(req, done);
    else done(req, undefined);
  };

  /** Gives `req` a server connection (idle, new, or after a wait), then calls `then`. */
  private takeServer(req: HttpRequest, then: DbDone): void {
    if (this.idle > 0) {
      this.idle--;
      then(req, undefined);
    } else if (this.servers < this.settings.defaultPoolSize) {
      this.servers++;
      req.bouncerNext = then;
      this.postgres.open(req, this.serverOpened);
    } else {
      this.waiting.wait(req, then);
    }
  }

  private readonly serverOpened = (req: HttpRequest, error: string | undefined): void => {
    if (error !== undefined) this.servers--;
    req.bouncerNext!(req, error);
  };

  private readonly runQuery = (req: HttpRequest, error: string | undefined): void => {
    if (error !== undefined) {
      req.dbDone!(req, error);
      return;
    }
    this.postgres.query(req, req.dbCpu, req.dbWait, this.queryDone);
  };

  private readonly queryDone = (req: HttpRequest): void => {
    this.releaseServer();
    req.dbDone!(req, undefined);
  };

  /** A server connection is free again: the oldest waiter takes it, or it idles. */
  private releaseServer(): void {
    const next = this.waiting.next();
    if (next === undefined) this.idle++;
    else next[1](next[0], undefined);
  }
}
