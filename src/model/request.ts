// One HTTP request and the TCP connection it travels on, as the server and the client
import type { Resource } from '../engine/resource.js';
// both see them. Plain records: the components that own them change their fields.
import type { Time } from '../engine/time.js';

export class Connection {
  /** Set once a worker accepted it; the worker's slot is held while it is open. */
  worker: ServerSide | undefined = undefined;
  /** A request sent by the client that the server has not started reading. */
  pending: HttpRequest | undefined = undefined;
  open = true;
  /** Bumped to cancel the server's keep-alive wait on this connection. */
  keepaliveToken = 0;
  /** SYNs sent so far (1 + retransmissions), for the backlog's retry schedule. */
  synCount = 0;
  /** The server is waiting for the next request on it (a keep-alive wait). */
  idleOnServer = false;
  /** The client finished with it and parked it in its idle pool. */
  idleOnClient = false;

  constructor(readonly id: number, readonly client: ClientSide) {}
}

/** What the server side of a connection must react to. */
export interface ServerSide {
  requestArrived(conn: Connection): void;
  clientClosed(conn: Connection): void;
}

/** What the client side of a connection must react to. */
export interface ClientSide {
  connected(conn: Connection): void;
  connectFailed(conn: Connection, error: string): void;
  response(req: HttpRequest, status: number): void;
  serverClosed(conn: Connection): void;
}

export class HttpRequest {
  /** Index of the next handler step to run. */
  step = 0;
  /** A database connection is open for this request (it must be closed on any exit). */
  holdsDbConnection = false;
  /** The client gave up on it (timeout); the server still finishes it. */
  abandoned = false;
  /** The client allows the connection to stay open after the response (no "Connection: close"). */
  keepAlive = true;

  /** The worker running it. */
  host: AppHost | undefined = undefined;

  constructor(readonly id: number, readonly conn: Connection, readonly sentAt: Time) {}
}

/** What runs a request's handler: a worker process, seen from the app. */
export interface AppHost {
  /** The worker's event loop / GIL: CPU work and blocking IO hold it. */
  readonly loop: Resource;
  /** The handler ended with this status. */
  finished(req: HttpRequest, status: number): void;
}
