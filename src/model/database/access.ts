// How the app reaches its database: straight to the server (PostgreSQL or PgBouncer),
// or through a connection pool of its own in each worker process. The app's steps call
// this one object whatever sits behind it.
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { AppHost, HttpRequest } from '../request.js';
import { ConnectionPool, type PoolSettings } from './pool.js';
import type { DbDone, DbServer } from './server.js';

export class DatabaseAccess {
  private readonly pools = new Map<AppHost, ConnectionPool>();
  /** Pools of exited worker processes, kept for the report's figures. */
  private peakPooled = 0;
  poolTimeouts = 0;

  constructor(
    private readonly sim: Simulation,
    readonly server: DbServer,
    readonly pool: PoolSettings | undefined,
  ) {}

  /** A connection for `req` (`clientCpu`: its worker's share of authentication): done(a, error) once it has one (or failed). */
  connect<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    if (this.pool === undefined) this.server.open(req, clientCpu, done, a);
    else this.poolOf(req.host!).checkout(req, clientCpu, done, a);
  }

  query<A>(req: HttpRequest, cpu: Time, wait: Time, done: DbDone<A>, a: A): void {
    this.server.query(req, cpu, wait, done, a);
  }

  close(req: HttpRequest): void {
    if (this.pool === undefined) this.server.close();
    else this.poolOf(req.host!).checkin();
  }

  /** A killed request held a connection: without a pool it closes; a pool closes with its process. */
  drop(): void {
    if (this.pool === undefined) this.server.close();
  }

  /** A worker process exited (killed or retired): the connections of its pool close. */
  workerExited(host: AppHost): void {
    const pool = this.pools.get(host);
    if (pool === undefined) return;
    this.pools.delete(host);
    this.poolTimeouts += pool.timeouts;
    this.peakPooled = Math.max(this.peakPooled, pool.peakOpen);
    pool.closeAll();
  }

  /** Highest number of connections any one worker's pool held. */
  get peakPerWorker(): number {
    let peak = this.peakPooled;
    for (const p of this.pools.values()) peak = Math.max(peak, p.peakOpen);
    return peak;
  }

  get timeouts(): number {
    let n = this.poolTimeouts;
    for (const p of this.pools.values()) n += p.timeouts;
    return n;
  }

  private poolOf(host: AppHost): ConnectionPool {
    let pool = this.pools.get(host);
    if (pool === undefined) {
      pool = new ConnectionPool(this.sim, this.pool!, this.server);
      this.pools.set(host, pool);
    }
    return pool;
  }
}
