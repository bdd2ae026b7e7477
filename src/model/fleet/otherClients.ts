// The database's other clients (Celery workers, cron jobs, migrations, admin sessions):
// they take PostgreSQL's connection slots the app's instances count on. Each holds its
// connections all along (`always`: a pool, an idle session), or per task (`perTask`: a
// task arrives at random, Poisson at `taskRate`, opens a connection, holds it `taskTime`,
// closes it; a task finding all `connections` busy waits for one). A refused connection
// is counted, not retried: the report shows who was refused. Their own CPU runs on
// machines the model does not include, so they answer PostgreSQL's handshake at once.
import type { Uniform } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { OtherClientSettings } from '../../scenario/resolveFleet.js';
import type { Postgres } from '../database/postgres.js';
import { Connection, HttpRequest, PHASE_NAMES, type ClientSide } from '../request.js';

/** Nothing comes back on an other client's HTTP side: it has none. */
const NO_HTTP: ClientSide = { connected() {}, connectFailed() {}, response() {}, lateResponse() {}, serverClosed() {} };

export class OtherClient {
  /** Connections open, the most at once, opened and refused in all. */
  held = 0;
  peak = 0;
  opened = 0;
  refused = 0;
  /** Tasks run, and tasks waiting for one of its connections. */
  tasks = 0;
  private busy = 0;
  private waiting = 0;
  /** Stands for it in PostgreSQL's attempts (which keep the request they are for). */
  private readonly asRequest = new HttpRequest(0, new Connection(0, NO_HTTP), 0, new Float64Array(PHASE_NAMES.length + 2), 0);

  constructor(
    private readonly sim: Simulation,
    readonly settings: OtherClientSettings,
    private readonly postgres: Postgres,
    private readonly uniform: Uniform,
  ) {}

  start(): void {
    if (this.settings.holds === 'always') for (let i = 0; i < this.settings.connections; i++) this.open();
    else this.scheduleArrival();
  }

  private open(): void {
    this.busy++;
    this.postgres.openAs(this.settings.superuser, this.asRequest, 0, connectDone, this);
  }

  /** @internal PostgreSQL answered a connection attempt. */
  connectDone(error: string | undefined): void {
    if (error !== undefined) {
      this.refused++;
      this.busy--;
      this.nextTask();
      return;
    }
    this.opened++;
    if (++this.held > this.peak) this.peak = this.held;
    if (this.settings.holds === 'perTask') {
      this.tasks++;
      this.sim.schedule(this.settings.taskTime, taskDone, this);
    }
  }

  /** @internal a task is over: its connection closes. */
  taskDone(): void {
    this.held--;
    this.busy--;
    this.postgres.close();
    this.nextTask();
  }

  private nextTask(): void {
    if (this.waiting > 0 && this.busy < this.settings.connections) {
      this.waiting--;
      this.open();
    }
  }

  private scheduleArrival(): void {
    const gap = Math.max(1, Math.round((-Math.log(1 - this.uniform()) / this.settings.taskRate) * 1e6));
    this.sim.schedule(gap, taskArrives, this);
  }

  /** @internal a task arrives. */
  arrival(): void {
    this.scheduleArrival();
    if (this.busy < this.settings.connections) this.open();
    else this.waiting++;
  }
}

function connectDone(c: OtherClient, error: string | undefined): void {
  c.connectDone(error);
}

function taskDone(c: OtherClient): void {
  c.taskDone();
}

function taskArrives(c: OtherClient): void {
  c.arrival();
}
