// An application-side connection pool, as SQLAlchemy's QueuePool works (pool_size,
// max_overflow, pool_timeout): one per worker process, since each process has its own.
// A request checks a connection out: an idle one at once; else the pool opens a new one
// while fewer than pool_size + max_overflow are open; else it waits, and after
// pool_timeout it raises (the response is a 500). Checking in hands the connection to
// the oldest waiter, or keeps it open and idle, except an overflow connection, which is
// closed when the pool already holds pool_size. Connections stay open across requests:
// the fork and start-up are paid once, not per request. With pool_pre_ping a pooled
// connection is pinged (SELECT 1, a round trip) before the checkout returns it.
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { PoolSettings } from '../../scenario/resolve.js';
import type { HttpRequest } from '../request.js';
import type { DbDone, DbServer } from './server.js';
import { WaitQueue } from './waitQueue.js';

export type { PoolSettings } from '../../scenario/resolve.js';

export class ConnectionPool {
  private readonly waiting: WaitQueue;
  /** Connections open (or opening) and idle among them. */
  open = 0;
  peakOpen = 0;
  private idle = 0;
  /** Its worker process is gone. */
  private dead = false;

  constructor(
    sim: Simulation,
    private readonly settings: PoolSettings,
    private readonly server: DbServer,
  ) {
    const s = settings;
    this.waiting = new WaitQueue(
      sim,
      s.timeout,
      `sqlalchemy.exc.TimeoutError: QueuePool limit of size ${s.size} overflow ${s.maxOverflow} reached, connection timed out, timeout ${s.timeout / 1e6}`,
    );
  }

  get timeouts(): number {
    return this.waiting.timeouts;
  }

  checkout<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    if (this.idle > 0) {
      this.idle--;
      const ping = this.settings.pingCpu;
      if (ping !== undefined) this.server.query(req, ping, 0, pinged, new Opening(this, done, a));
      else done(a, undefined);
    } else if (this.open < this.settings.size + this.settings.maxOverflow) {
      this.open++;
      this.opening++;
      if (this.open > this.peakOpen) this.peakOpen = this.open;
      this.server.open(req, clientCpu, opened, new Opening(this, done, a));
    } else {
      this.waiting.wait(req, done, a);
    }
  }

  checkin(): void {
    if (this.waiting.grant()) return;
    if (this.open > this.settings.size) {
      this.open--;
      this.server.close();
    } else {
      this.idle++;
    }
  }

  /** The worker process is gone: every connection of its pool closes with it. */
  closeAll(): void {
    // Connections still being opened close when they are ready (see `opened`).
    for (let i = 0; i < this.open - this.opening; i++) this.server.close();
    this.open = this.idle = 0;
    this.dead = true;
  }

  private opening = 0;

  /** @internal a connection the pool was opening is ready, or failed. */
  opened(op: Opening, error: string | undefined): void {
    this.opening--;
    if (this.dead) {
      if (error === undefined) this.server.close();
      return;
    }
    if (error !== undefined) this.open--;
    op.done(op.a, error);
  }
}

/** A connection the pool is opening, and whom to give it to. */
class Opening {
  constructor(
    readonly pool: ConnectionPool,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

function pinged(op: Opening, error: string | undefined): void {
  op.done(op.a, error);
}

function opened(op: Opening, error: string | undefined): void {
  op.pool.opened(op, error);
}
