// PostgreSQL's connection handling (MODEL.md section 4; postmaster.c, proc.c, postinit.c).
//
// The postmaster is one process: it accepts and forks a backend for each connection
// attempt, one after another (`forkTime` each, serialized). The new backend takes a
// PGPROC slot at once (InitProcess): if max_connections are taken it exits with
// "sorry, too many clients already" (a refused attempt has cost its fork too). It then
// authenticates and initializes (`backendStartTime`, in parallel with other backends);
// after authentication an ordinary role is refused if fewer than
// superuser_reserved_connections slots would remain free (InitPostgres). Closing a
// connection ends its backend and frees the slot.
import { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { Gauge } from '../../stats/timeline.js';

export const TOO_MANY_CLIENTS = 'FATAL: sorry, too many clients already';
export const RESERVED_FOR_SUPERUSER =
  'FATAL: remaining connection slots are reserved for non-replication superuser connections';

export interface PostgresSettings {
  maxConnections: number;
  superuserReservedConnections: number;
  superuser: boolean;
  forkTime: Time;
  backendStartTime: Time;
}

/** Called when a connection attempt ends: `error` is undefined on success. */
export type ConnectDone<T> = (subject: T, error: string | undefined) => void;

export class Postgres<T = unknown> {
  private readonly postmaster: Resource;
  /** Backends holding a PGPROC slot (connected or starting up). */
  open = 0;
  peakOpen = 0;
  refused = 0;
  connections = 0;

  constructor(
    readonly sim: Simulation,
    readonly settings: PostgresSettings,
    /** Backends holding a slot, over time. */
    private readonly openGauge: Gauge,
    /** Told when each attempt ends (bound once: an attempt allocates nothing). */
    private readonly done: ConnectDone<T>,
  ) {
    this.postmaster = new Resource(1, 'postmaster');
  }

  /** Opens a connection for `subject`; `done(subject, error)` is called when it is ready or refused. */
  connect(subject: T): void {
    this.postmaster.acquire(this.startFork, subject);
  }

  close(): void {
    if (this.open <= 0) throw new Error('postgres: close without an open connection');
    this.open--;
    this.openGauge.add(-1, this.sim.now);
  }

  private readonly startFork = (subject: T): void => {
    this.sim.schedule(this.settings.forkTime, this.forked, subject);
  };

  /** The fork is over: the backend takes its slot or is refused. */
  private readonly forked = (subject: T): void => {
    this.postmaster.release();
    const s = this.settings;
    if (this.open >= s.maxConnections) {
      this.refused++;
      this.done(subject, TOO_MANY_CLIENTS);
      return;
    }
    this.open++;
    this.openGauge.add(1, this.sim.now);
    if (this.open > this.peakOpen) this.peakOpen = this.open;
    if (s.backendStartTime > 0) this.sim.schedule(s.backendStartTime, this.started, subject);
    else this.started(subject);
  };

  /** Authentication and start-up are over. */
  private readonly started = (subject: T): void => {
    const s = this.settings;
    if (!s.superuser && s.maxConnections - this.open < s.superuserReservedConnections) {
      this.open--;
      this.openGauge.add(-1, this.sim.now);
      this.refused++;
      this.done(subject, RESERVED_FOR_SUPERUSER);
      return;
    }
    this.connections++;
    this.done(subject, undefined);
  };
}
