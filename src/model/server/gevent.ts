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
// Accepting runs on the loop too (gevent baseserver.py BaseServer._do_read): each time
// the loop finds the listening socket readable it accepts up to `max_accept` connections
// and spawns a greenlet for each, which starts as a callback (hubLoop.ts): after the IO
// the loop is running, before the IO its next poll finds. gevent's default is 100; gunicorn sets it to 1 with more than one worker
// (ggevent.py, run), so a busy worker takes one connection per turn of its loop.
import type { Resource } from '../../engine/resource.js';
import type { Time } from '../../engine/time.js';
import { HubLoop } from '../hubLoop.js';
import type { Connection, HttpRequest } from '../request.js';
import { Worker } from './worker.js';

export class GeventWorker extends Worker {
  readonly blockingHoldsLoop = true;

  protected override makeLoop(name: string): Resource {
    return new HubLoop(name);
  }

  protected hasRoomWith(open: number): boolean {
    return open < this.settings.connections;
  }

  protected dispatch(conn: Connection): void {
    this.run(conn);
  }

  /** An accept is queued on the loop (the listening socket's watcher fired). */
  private acceptQueued = false;

  protected override takesConnectionsAtOnce(): boolean {
    // Without an accept cost (the article's scenarios, fitted before accepting was on the
    // loop) a worker takes a connection the moment it arrives, even with its loop held.
    return this.settings.acceptCpu === 0;
  }

  override readable(): void {
    if (this.acceptQueued || !this.listening) return;
    this.acceptQueued = true;
    this.loop.acquire(acceptTurn, this);
  }

  /**
   * Acceptor.idleWake: its accept is queued already, or the queue is empty and its loop is
   * asleep in its poll. Woken there, it would find nothing, release the loop and sleep again:
   * nothing a run reports changes (the loop's `naps` count again, but a connect's turn only
   * asks whether the loop slept since the last one, and it has).
   */
  override idleWake(empty: boolean): boolean {
    return this.acceptQueued || !this.listening || (empty && this.loop.available > 0);
  }

  /** The run stopped `left` of the way through its accepts of `taken` connections: the workers' CPU keeps the part done. */
  acceptNotDone(taken: number, left: number): void {
    this.app.cpuUsed -= Math.round(this.settings.acceptCpu * taken * left);
  }

  /** @internal its loop got to the listening socket: take up to max_accept connections. */
  acceptOnLoop(): void {
    this.acceptQueued = false;
    if (this.dead) return;
    const taken: Connection[] = [];
    while (taken.length < this.settings.maxAccept && this.listening && this.open + taken.length < this.settings.connections) {
      const conn = this.listener.take();
      if (conn === undefined) break;
      taken.push(conn);
    }
    if (taken.length === 0) {
      this.loop.release();
      return;
    }
    const cpu = this.settings.acceptCpu * taken.length;
    this.app.cpuUsed += cpu;
    if (cpu > 0) this.app.cpu.run(cpu, accepted, this, taken, this);
    else this.accepted(taken);
  }

  /** @internal the accepts are done: the greenlets are spawned, the loop moves on. */
  accepted(taken: Connection[]): void {
    if (this.dead) {
      // Killed while accepting: the process's sockets close with it.
      for (const conn of taken) {
        if (!conn.open) continue;
        conn.open = false;
        conn.client.serverClosed(conn);
      }
      return;
    }
    const loop = this.loop as HubLoop;
    loop.spawning = true;
    for (const conn of taken) {
      if (conn.open) this.accept(conn);
    }
    loop.spawning = false;
    this.loop.release();
    if (this.listener.queued > 0) this.readable();
  }

  /** Charged when the connection is accepted, not with its first request. */
  protected override connectionCpu(): Time {
    return 0;
  }

  protected keepsAlive(req: HttpRequest, status: number): boolean {
    return status < 500 && this.settings.keepalive > 0 && req.keepAlive;
  }

  override boot(): void {
    super.boot();
    // Without a timeout nobody listens: skip the heartbeat's events.
    if (this.settings.watched) this.sim.schedule(this.settings.notifyInterval, heartbeat, this);
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
    this.sim.schedule(this.settings.notifyInterval, heartbeat, this);
  }

  /** The heartbeat is the only proof of life: a blocked loop misses it. */
  heartbeatOk(): boolean {
    return false;
  }
}

function acceptTurn(w: GeventWorker): void {
  w.acceptOnLoop();
}

/** The run has stopped with this task unfinished (Cpu.unfinished): if it is a gevent worker's accepts, it keeps the part done. */
export function settleGeventAcceptCpu(fn: unknown, a: unknown, b: unknown, left: number): boolean {
  if (fn !== accepted) return false;
  (a as GeventWorker).acceptNotDone((b as Connection[]).length, left);
  return true;
}

function accepted(w: GeventWorker, taken: Connection[]): void {
  w.accepted(taken);
}

function heartbeat(w: GeventWorker): void {
  w.beat();
}

function notify(w: GeventWorker): void {
  w.notifyArbiter();
}
