// The open-loop load generator: requests arrive at a given rate whatever the server
// does, each on a new connection, as real traffic from many independent users does;
// this is what capacity planning needs (a closed loop slows down with the server and
// hides the queue). The run ends when the last arrival's request has ended.
import type { Simulation } from '../../engine/simulation.js';
import type { RunRecorder } from '../../stats/runRecorder.js';
import type { Gauge } from '../../stats/timeline.js';
import type { Listener } from '../listener.js';
import type { HttpRequest, PhaseLedger } from '../request.js';
import type { Arrivals } from './arrivals.js';
import type { OpenLoopSettings } from '../../scenario/resolve.js';
import { LoadGenerator } from './loadGenerator.js';

export type { OpenLoopSettings };

export class OpenLoopClient extends LoadGenerator {
  private inFlight = 0;
  /**
   * False until start(): a field V8 has only ever seen hold one value, it takes for a
   * constant in the code it optimizes, and the last arrival's change of it (to false) would
   * throw away that code (the response's, the timers') just as the backlog drains.
   */
  private arriving = false;

  constructor(
    sim: Simulation,
    listener: Listener,
    readonly settings: OpenLoopSettings,
    private readonly arrivals: Arrivals,
    recorder: RunRecorder,
    inSystem: Gauge,
    ledger: PhaseLedger,
  ) {
    super(sim, listener, settings, recorder, inSystem, ledger);
  }

  /**
   * Answered requests' records (and their connections) are taken over by new ones, and those
   * of requests whose connection failed: wire.ts calls this only where nothing refers to an
   * answered request on a closed connection any more. That holds when the client has no timeout (hey's would leave its timer behind, and
   * a late response), no retries and no CPU of its own (whose tasks hold the request), and
   * the app reaches PostgreSQL directly without statement timeouts (a pool's or PgBouncer's
   * queue of waiters, or a cancelled query's events, may hold it), on one instance (a load
   * balancer holds the client's request while its upstream works). An open-loop client sends
   * only from events of its own (an arrival), never while a request's end is on the stack,
   * so a record is taken over only after everything its end set off has returned. A killed
   * request, whose continuations are still to come, is never answered, and a kept-alive
   * connection is still open: neither is recycled.
   */
  recycleRecords(): void {
    this.recycles = true;
  }

  start(): void {
    this.arriving = true;
    this.scheduleNext();
  }

  private scheduleNext(): void {
    // The arrivals' steps and the duration count from the client's start (after the workers' start-up, if any).
    const at = this.startedAt + this.arrivals.next(this.sim.now - this.startedAt);
    const end = this.settings.duration > 0 ? this.startedAt + this.settings.duration : Infinity;
    if (this.sent >= this.settings.requests || at >= end || at === Infinity) {
      this.arriving = false;
      if (this.inFlight === 0) this.finish();
      return;
    }
    this.sim.schedule(at - this.sim.now, arrive, this);
  }

  /** @internal */
  arrive(): void {
    this.inFlight++;
    this.send(undefined, this, false);
    this.scheduleNext();
  }

  protected resend(_source: unknown): void {
    this.send(undefined, this, false);
  }

  protected ended(_req: HttpRequest): void {
    this.inFlight--;
    // The count first: it is read at every end, so the code V8 optimizes has seen both tests
    // by the time the arrivals stop (a test first run then would throw that code away).
    if (this.inFlight === 0 && !this.arriving) this.finish();
  }
}

function arrive(c: OpenLoopClient): void {
  c.arrive();
}
