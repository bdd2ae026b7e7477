// How the app reaches its database: straight to the server (PostgreSQL or PgBouncer),
// or through a connection pool of its own in each worker process (SQLAlchemy's, or
// asyncpg's). The app's steps call this one object whatever sits behind it.
import type { Uniform } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { AppHost, HttpRequest } from '../request.js';
import { AsyncpgPool, type AsyncpgPoolSettings, type StartupTasks } from './asyncpgPool.js';
import { ConnectionPool, type PoolSettings } from './pool.js';
import type { DbDone, DbServer } from './server.js';

/** A worker's own pool, whichever library's. */
interface WorkerPool {
  checkout<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void;
  /** `req` gives its connection back. */
  checkin(req: HttpRequest): void;
  closeAll(): void;
  readonly peakOpen: number;
  readonly timeouts: number;
  readonly waited?: number;
  /** A checkout now would hand a ready connection over without IO (no wait, no connect, no ping). */
  readonly checkoutAtOnce: boolean;
}

export class DatabaseAccess {
  private readonly pools = new Map<AppHost, WorkerPool>();
  /** asyncpg's pools' connects that failed at start-up (every pool's), and pools that failed (create_pool raised). */
  startupRefusals = 0;
  failedPools = 0;
  /** Pools of exited worker processes, kept for the report's figures. */
  private peakPooled = 0;
  poolTimeouts = 0;
  private poolWaits = 0;

  constructor(
    private readonly sim: Simulation,
    readonly server: DbServer,
    readonly pool: PoolSettings | undefined,
    readonly asyncpgPool?: AsyncpgPoolSettings,
    /** asyncpg's connect CPU draws (one stream for every worker's pool). */
    private readonly asyncpgRandom?: Uniform,
  ) {}

  /** Whether a worker has a start-up phase here: asyncpg's pool opens min_size connections. */
  get opensAtStartup(): boolean {
    return this.asyncpgPool !== undefined && this.asyncpgPool.minSize > 0;
  }

  /** A worker starts: its asyncpg pool opens its min_size connections (create_pool); done(a, error). */
  startWorker<A>(host: AppHost & StartupTasks, done: DbDone<A>, a: A): void {
    const pool = new AsyncpgPool(this.sim, this.asyncpgPool!, this.server, this.asyncpgRandom!, this, host.loop);
    this.pools.set(host, pool);
    pool.start(host, startupDone, new StartupOf(this, pool, done, a));
  }

  /** A connection for `req` (`clientCpu`: its worker's share of authentication): done(a, error) once it has one (or failed). */
  connect<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    if (this.pool === undefined && this.asyncpgPool === undefined) this.server.open(req, clientCpu, done, a);
    else this.poolOf(req.host!).checkout(req, clientCpu, done, a);
  }

  /**
   * Whether `req`'s connect is a checkout that returns at once, so its greenlet (or task)
   * keeps its loop through it.
   */
  checkoutAtOnce(req: HttpRequest): boolean {
    return (this.pool !== undefined || this.asyncpgPool !== undefined) && this.poolOf(req.host!).checkoutAtOnce;
  }

  query<A>(req: HttpRequest, cpu: Time, wait: Time, done: DbDone<A>, a: A, driverOwn = false): void {
    this.server.query(req, cpu, wait, done, a, driverOwn);
  }

  close(req: HttpRequest): void {
    if (this.pool === undefined && this.asyncpgPool === undefined) this.server.close(req);
    else this.poolOf(req.host!).checkin(req);
  }

  /** A killed request held a connection: without a pool it closes; a pool closes with its process. */
  drop(req: HttpRequest): void {
    if (this.pool === undefined && this.asyncpgPool === undefined) this.server.close(req);
  }

  /** A worker process exited (killed or retired): the connections of its pool close. */
  workerExited(host: AppHost): void {
    const pool = this.pools.get(host);
    if (pool === undefined) return;
    this.pools.delete(host);
    this.poolTimeouts += pool.timeouts;
    this.poolWaits += pool.waited ?? 0;
    this.peakPooled = Math.max(this.peakPooled, pool.peakOpen);
    pool.closeAll();
  }

  /** Highest number of connections any one worker's pool held. */
  get peakPerWorker(): number {
    let peak = this.peakPooled;
    for (const p of this.pools.values()) peak = Math.max(peak, p.peakOpen);
    return peak;
  }

  /** Checkouts that waited for a connection (asyncpg's pools count them). */
  get waited(): number {
    let n = this.poolWaits;
    for (const p of this.pools.values()) n += p.waited ?? 0;
    return n;
  }

  get timeouts(): number {
    let n = this.poolTimeouts;
    for (const p of this.pools.values()) n += p.timeouts;
    return n;
  }

  private poolOf(host: AppHost): WorkerPool {
    let pool = this.pools.get(host);
    if (pool === undefined) {
      // asyncpg's pools are made at their worker's start-up (startWorker); one made here has min_size 0.
      pool =
        this.pool !== undefined
          ? new ConnectionPool(this.sim, this.pool, this.server, host.loop)
          : new AsyncpgPool(this.sim, this.asyncpgPool!, this.server, this.asyncpgRandom!, this, host.loop);
      this.pools.set(host, pool);
    }
    return pool;
  }
}

/** A worker's create_pool under way. */
class StartupOf {
  constructor(
    readonly access: DatabaseAccess,
    readonly pool: AsyncpgPool,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

function startupDone(s: StartupOf, error: string | undefined): void {
  if (error !== undefined) s.access.failedPools++;
  s.done(s.a, error);
}
