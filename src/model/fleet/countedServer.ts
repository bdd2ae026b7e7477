// An instance's database connections, counted on their way to PostgreSQL (or PgBouncer):
// how many it holds now and at most, for the connection budget's "peak" per instance.
// It passes every operation on unchanged.
import type { Time } from '../../engine/time.js';
import type { DbDone, DbServer } from '../database/server.js';
import type { HttpRequest } from '../request.js';

export class CountedServer implements DbServer {
  /** Connections open through it. */
  held = 0;
  peak = 0;

  constructor(private readonly server: DbServer) {}

  open<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    this.server.open(req, clientCpu, opened, new Opening(this, done, a));
  }

  close(req?: HttpRequest): void {
    this.held--;
    this.server.close(req);
  }

  query<A>(req: HttpRequest, cpu: Time, wait: Time, done: DbDone<A>, a: A, driverOwn = false): void {
    this.server.query(req, cpu, wait, done, a, driverOwn);
  }

  /** @internal */
  opened(op: Opening, error: string | undefined): void {
    if (error === undefined && ++this.held > this.peak) this.peak = this.held;
    op.done(op.a, error);
  }
}

class Opening {
  constructor(
    readonly counter: CountedServer,
    readonly done: DbDone<any>,
    readonly a: unknown,
  ) {}
}

function opened(op: Opening, error: string | undefined): void {
  op.counter.opened(op, error);
}
