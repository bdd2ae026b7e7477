// gunicorn's sync worker (workers/sync.py): accepts one connection, handles its one
// request, closes it; it never keeps a connection alive. It notifies the arbiter between
// requests (and keeps notifying while idle), so a single request longer than `timeout`
// gets the worker killed ("WORKER TIMEOUT").
import type { Connection } from '../request.js';
import { Worker } from './worker.js';

export class SyncWorker extends Worker {
  readonly blockingHoldsLoop = true;

  protected hasRoomWith(open: number): boolean {
    return open === 0;
  }

  protected dispatch(conn: Connection): void {
    this.owner.notified(this);
    this.run(conn);
  }

  protected keepsAlive(): boolean {
    return false;
  }

  /** Idle, it is in its accept loop, notifying; busy, only the running request counts. */
  heartbeatOk(): boolean {
    return this.inFlightCount === 0;
  }
}
