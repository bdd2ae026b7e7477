import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { RunRecorder } from '../../stats/runRecorder.js';
import type { Gauge } from '../../stats/timeline.js';
import type { Listener } from '../listener.js';
import type { Connection, HttpRequest, PhaseLedger } from '../request.js';
import type { HeySettings } from '../../scenario/resolve.js';
import { LoadGenerator } from './loadGenerator.js';

export type { HeySettings };

export class HeyClient extends LoadGenerator {
  private readonly workers: HeyWorker[] = [];
  private done = 0;
  private idle = 0;
  stopped = false;

  constructor(
    sim: Simulation,
    listener: Listener,
    readonly settings: HeySettings,
    recorder: RunRecorder,
    inSystem: Gauge,
    ledger: PhaseLedger,
  ) {
    super(sim, listener, settings, recorder, inSystem, ledger);
    for (let i = 0; i < settings.concurrency; i++)
      this.workers.push(new HeyWorker(this, settings.perWorker + (i < settings.extra ? 1 : 0)));
  }

  start(): void {
    for (const w of this.workers) this.sim.schedule(0, startWorker, w);
    if (this.settings.duration > 0) this.sim.schedule(this.settings.duration, stopSending, this);
  }

  /** @internal */
  sendFor(w: HeyWorker): HttpRequest {
    const conn = w.conn;
    const reuse = conn?.open && this.settings.keepAlive ? conn : undefined;
    const req = this.send(reuse, this, this.settings.keepAlive, w);
    w.conn = req.conn;
    return req;
  }

  protected resend(source: unknown): void {
    this.sendFor(source as HeyWorker);
  }

  protected ended(req: HttpRequest): void {
    const w = req.conn.source as HeyWorker;
    // A request that ended within its own send (refused at once) would otherwise recurse.
    const think = this.settings.think;
    // No wait after a worker's last request: it is done, and Total ends with its result.
    if (think !== undefined && w.hasNext())
      this.sim.schedule(Math.max(0, Math.round(think.distribution.sample(think.uniform))), startWorker, w);
    else if (this.sending > 0) this.sim.schedule(0, startWorker, w);
    else w.next();
  }

  protected override measuredFrom(req: HttpRequest): Time {
    if (!this.settings.schedule) return req.sentAt;
    const due = (req.conn.source as HeyWorker).due;
    this.recorder.lateness += req.sentAt - due;
    return due;
  }

  /** A worker sent its last request and got its result. */
  workerDone(w: HeyWorker): void {
    const conn = w.conn;
    if (conn?.open) this.park(conn);
    if (++this.done === this.workers.length) this.finish();
  }

  /** Puts a finished worker's connection in the idle pool, or closes it if the pool is full. */
  private park(conn: Connection): void {
    conn.request = undefined;
    if (this.idle >= this.settings.maxIdleConns) {
      conn.open = false;
      conn.worker!.clientClosed(conn);
      return;
    }
    conn.idleOnClient = true;
    this.idle++;
  }

  override serverClosed(conn: Connection): void {
    if (conn.idleOnClient) {
      conn.idleOnClient = false;
      this.idle--;
      return;
    }
    super.serverClosed(conn);
  }
}

export class HeyWorker {
  conn: Connection | undefined = undefined;
  /** When this worker last took a tick from its -q ticker. */
  private lastTick: Time = 0;
  /** Schedule pacing: requests sent so far, and when the one in flight was due. */
  private sent = 0;
  due: Time = 0;

  constructor(
    private readonly client: HeyClient,
    private remaining: number,
  ) {}

  /** Whether it will send another request (it has some left, and -z is not over). */
  hasNext(): boolean {
    return this.remaining > 0 && !this.client.stopped;
  }

  next(): void {
    const client = this.client;
    if (this.remaining <= 0 || client.stopped) {
      client.workerDone(this);
      return;
    }
    const period = client.settings.tickPeriod;
    if (period > 0 && client.settings.schedule) {
      const now = client.sim.now;
      this.due = this.sent * period;
      if (this.due > now) {
        client.sim.schedule(this.due - now, sendNow, this);
        return;
      }
    } else if (period > 0) {
      const now = client.sim.now;
      const tick = (Math.floor(this.lastTick / period) + 1) * period;
      if (tick > now) {
        this.lastTick = tick;
        client.sim.schedule(tick - now, sendNow, this);
        return;
      }
      this.lastTick = now;
    }
    this.sendNow();
  }

  sendNow(): void {
    if (this.client.stopped) {
      this.client.workerDone(this);
      return;
    }
    this.remaining--;
    this.sent++;
    this.client.sendFor(this);
  }
}

function startWorker(w: HeyWorker): void {
  w.next();
}

function sendNow(w: HeyWorker): void {
  w.sendNow();
}

function stopSending(c: HeyClient): void {
  c.stopped = true;
}
