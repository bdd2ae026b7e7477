// What the application talks to when it uses a database: PostgreSQL itself, or PgBouncer
// in front of it. Both open connections, run queries on them and close them; callers
// pass the request and a callback through, so an attempt allocates nothing.
import type { Time } from '../../engine/time.js';
import type { HttpRequest } from '../request.js';

/** Called when an operation ends: `error` (the text the client library raises) or undefined. */
export type DbDone = (req: HttpRequest, error: string | undefined) => void;

export interface DbServer {
  /** Opens a connection for `req`. */
  open(req: HttpRequest, done: DbDone): void;
  /** Closes a connection (the one `req` opened, when that matters). */
  close(req?: HttpRequest): void;
  /** Runs a query on `req`'s connection: `cpu` on the database's cores, then `wait`. */
  query(req: HttpRequest, cpu: Time, wait: Time, done: DbDone): void;
}
