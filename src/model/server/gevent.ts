// gunicorn's async worker classes, gevent and eventlet (ggevent.py, base_async.py).
//
// One process serves each connection in a greenlet from a pool of `worker_connections`
// and stops accepting while the pool is full. After a keep-alive response the greenlet
// waits up to `keepalive` seconds for the next request on that connection, holding its
// pool slot all that time (base_async.py: the keepalive loop under timeout_ctx). A 500
// ends the loop and closes the connection. Everything runs on one loop: blocking IO
// stalls every greenlet, including the one that notifies the arbiter once a second, so a
// worker blocked for longer than `timeout` is killed.
//
// Not modelled: gevent's `max_accept`. BaseServer._do_read (gevent baseserver.py) accepts
// up to `max_accept` connections (100) per wake-up of the listening socket, and gunicorn
// sets it to 1 when workers > 1 (ggevent.py, run). Here a worker takes a connection the
// moment its pool has room, as if a wake-up took no loop time; that is exact while nothing
// holds the loop when connections arrive (every article scenario). With CPU on the loop,
// max_accept = 1 would slow accepting, and modelling it needs the spread of the clients'
// SYNs over time too, which hey's model does not have (docs/calibration.md).
import { fromSeconds } from '../../engine/time.js';
import type { Connection, HttpRequest } from '../request.js';
import { Worker } from './worker.js';

const NOTIFY_INTERVAL = fromSeconds(1); // ggevent.py: gevent.sleep(1.0) between notify() calls

export class GeventWorker extends Worker {
  readonly blockingHoldsLoop = true;

  protected hasRoom(): boolean {
    return this.open < this.settings.connections;
  }

  protected dispatch(conn: Connection): void {
    this.run(conn);
  }

  protected keepsAlive(req: HttpRequest, status: number): boolean {
    return status < 500 && this.settings.keepalive > 0 && req.keepAlive;
  }

  override boot(): void {
    super.boot();
    // Without a timeout nobody listens: skip the heartbeat's events.
    if (this.settings.watched) this.sim.schedule(NOTIFY_INTERVAL, heartbeat, this);
  }

  /** @internal the notifying greenlet wakes up and queues for the loop like any other. */
  beat(): void {
    if (this.dead) return;
    this.loop.acquire(notify, this);
  }

  /** @internal the notifying greenlet got the loop. */
  notifyArbiter(): void {
    this.loop.release();
    if (this.dead) return;
    this.owner.notified(this);
    this.sim.schedule(NOTIFY_INTERVAL, heartbeat, this);
  }

  /** The heartbeat is the only proof of life: a blocked loop misses it. */
  heartbeatOk(): boolean {
    return false;
  }
}

function heartbeat(w: GeventWorker): void {
  w.beat();
}

function notify(w: GeventWorker): void {
  w.notifyArbiter();
}
