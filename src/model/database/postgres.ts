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

interface Attempt {
  done: ConnectDone<any>;
  subject: unknown;
}

export class Postgres {
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
  ) {
    this.postmaster = new Resource(1, 'postmaster');
  }

  /** Opens a connection; `done(subject, error)` is called when it is ready or refused. */
  connect<T>(subject: T, done: ConnectDone<T>): void {
    const attempt: Attempt = { done, subject };
    this.postmaster.acquire(startFork, this, attempt);
  }

  close(): void {
    if (this.open <= 0) throw new Error('postgres: close without an open connection');
    this.open--;
    this.openGauge.add(-1, this.sim.now);
  }

  /** @internal the fork is over: the backend takes its slot or is refused. */
  forked(attempt: Attempt): void {
    this.postmaster.release();
    const s = this.settings;
    if (this.open >= s.maxConnections) {
      this.refused++;
      attempt.done(attempt.subject, TOO_MANY_CLIENTS);
      return;
    }
    this.open++;
    this.openGauge.add(1, this.sim.now);
    if (this.open > this.peakOpen) this.peakOpen = this.open;
    this.sim.schedule(s.backendStartTime, backendStarted, this, attempt);
  }

  /** @internal authentication and start-up are over. */
  started(attempt: Attempt): void {
    const s = this.settings;
    if (!s.superuser && s.maxConnections - this.open < s.superuserReservedConnections) {
      this.open--;
      this.openGauge.add(-1, this.sim.now);
      this.refused++;
      attempt.done(attempt.subject, RESERVED_FOR_SUPERUSER);
      return;
    }
    this.connections++;
    attempt.done(attempt.subject, undefined);
  }
}

function startFork(pg: Postgres, attempt: Attempt): void {
  pg.sim.schedule(pg.settings.forkTime, forked, pg, attempt);
}

function forked(pg: Postgres, attempt: Attempt): void {
  pg.forked(attempt);
}

function backendStarted(pg: Postgres, attempt: Attempt): void {
  pg.started(attempt);
}
