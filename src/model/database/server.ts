// What the application talks to when it uses a database: PostgreSQL itself, or PgBouncer
// in front of it. Both open connections, run queries on them and close them.
//
// Continuations: the caller passes a function and its argument (`done`, `a`), the engine's
// own style (Simulation.schedule, Resource.acquire, Cpu.run), and is called back with
// done(a, error). `a` is the caller's own record of the operation (the request, for the
// app; a pool's or PgBouncer's record of its own, for them), so each layer keeps what it
// needs in its own records and an operation allocates no closure.
import type { Time } from '../../engine/time.js';
import type { HttpRequest } from '../request.js';

/** Called when an operation ends: `error` (the text the client library raises) or undefined. */
export type DbDone<A> = (a: A, error: string | undefined) => void;

export interface DbServer {
  /**
   * Opens a connection for `req`, whose worker answers the handshake's messages;
   * `clientCpu`: its own work for the last answer (libpq's share of authentication).
   */
  open<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void;
  /** Closes a connection (`req`'s, when the app closes its own: PgBouncer tells a close inside a transaction). */
  close(req?: HttpRequest): void;
  /**
   * Runs a query for `req` on a connection it holds: `cpu` on the database's cores, then
   * `wait`. `driverOwn`: a statement the driver sends by itself (psycopg2's BEGIN, a pool's
   * ROLLBACK), not counted among the handler's queries.
   */
  query<A>(req: HttpRequest, cpu: Time, wait: Time, done: DbDone<A>, a: A, driverOwn?: boolean): void;
}
