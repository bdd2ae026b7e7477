// Requests waiting for a connection, first come first served, each giving up after
// `timeout` (a pool's pool_timeout, PgBouncer's query_wait_timeout). A timer event per
// waiter carries the waiter's ticket, so a grant needs no cancellation.
import { Fifo } from '../../engine/fifo.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { HttpRequest } from '../request.js';
import type { DbDone } from './server.js';

export class WaitQueue {
  private readonly queue = new Fifo<HttpRequest>();
  private readonly done = new Map<HttpRequest, DbDone>();
  timeouts = 0;

  constructor(
    private readonly sim: Simulation,
    /** 0 = wait for ever. */
    private readonly timeout: Time,
    /** What the client library raises when the wait times out. */
    private readonly timeoutError: string,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  wait(req: HttpRequest, done: DbDone): void {
    this.queue.push(req);
    this.done.set(req, done);
    if (this.timeout > 0) this.sim.schedule(this.timeout, giveUp, this, req);
  }

  /** The oldest waiter (still alive) and its callback, removed from the queue. */
  next(): [HttpRequest, DbDone] | undefined {
    for (;;) {
      const req = this.queue.shift();
      if (req === undefined) return undefined;
      const done = this.done.get(req)!;
      this.done.delete(req);
      if (!req.killed) return [req, done];
    }
  }

  /** @internal */
  expire(req: HttpRequest): void {
    const done = this.done.get(req);
    if (done === undefined || !this.queue.remove(req)) return;
    this.done.delete(req);
    this.timeouts++;
    if (!req.killed) done(req, this.timeoutError);
  }
}

function giveUp(q: WaitQueue, req: HttpRequest): void {
  q.expire(req);
}
