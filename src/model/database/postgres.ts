// PostgreSQL's connection handling (MODEL.md section 4; postmaster.c, proc.c, postinit.c).
//
// The postmaster is one process: it accepts and forks a backend for each connection
// attempt, one after another (`forkTime` each, serialized). The new backend reads the
// startup packet (postmaster.c: BackendStartup forks, the child's BackendInitialize runs
// ProcessStartupPacket), then takes a PGPROC slot (PostgresMain -> InitProcess): if
// max_connections are taken it exits with "sorry, too many clients already" (a refused
// attempt has cost its fork too). The client sends that packet as soon as its TCP connect
// completes, which the kernel does before the postmaster accepts, so the packet is always
// waiting when the fork ends and the slot is taken right then: slots go in fork order
// (docs/calibration.md, "The known gap"). It then
// authenticates and initializes: `backendStartCpu` on the database's cores (scram-sha-256
// is deliberately CPU-heavy), then `backendStartTime` of waiting (round trips), in
// parallel with other backends. After authentication an ordinary role is refused if
// fewer than superuser_reserved_connections slots would remain free (InitPostgres).
// A query uses backend CPU, then waits (pg_sleep, IO). Closing a connection ends its
// backend, whose slot is free once it has exited (`backendExitTime`).
import type { Cpu } from '../../engine/cpu.js';
import { Resource } from '../../engine/resource.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { Gauge } from '../../stats/timeline.js';
import type { HttpRequest } from '../request.js';
import type { DbDone, DbServer } from './server.js';

// libpq prints a severity, a colon and two spaces: PQerrorMessage "FATAL:  ...".
export const TOO_MANY_CLIENTS = 'FATAL:  sorry, too many clients already';
export const RESERVED_FOR_SUPERUSER =
  'FATAL:  remaining connection slots are reserved for non-replication superuser connections';

export interface PostgresSettings {
  maxConnections: number;
  superuserReservedConnections: number;
  superuser: boolean;
  forkTime: Time;
  backendStartCpu: Time;
  backendStartTime: Time;
  backendExitTime: Time;
}

export class Postgres implements DbServer {
  private readonly postmaster = new Resource(1, 'postmaster');
  /** Backends holding a PGPROC slot (starting up, connected, or exiting). */
  backends = 0;
  peakOpen = 0;
  refused = 0;
  connections = 0;
  queries = 0;

  constructor(
    readonly sim: Simulation,
    readonly settings: PostgresSettings,
    /** The cores backends run on: the machine's, or the database's own. */
    private readonly cpu: Cpu,
    /** Backends holding a slot, over time. */
    private readonly openGauge: Gauge,
  ) {}

  open(req: HttpRequest, done: DbDone): void {
    this.postmaster.acquire(this.startFork, req, done);
  }

  close(): void {
    if (this.backends <= 0) throw new Error('postgres: close without an open connection');
    if (this.settings.backendExitTime > 0) this.sim.schedule(this.settings.backendExitTime, this.exited, undefined);
    else this.exited();
  }

  query(req: HttpRequest, cpu: Time, wait: Time, done: DbDone): void {
    this.queries++;
    req.dbWait = wait;
    if (cpu > 0) this.cpu.run(cpu, this.queryCpuDone, req, done);
    else this.sim.schedule(wait, done, req, undefined);
  }

  private readonly startFork = (req: HttpRequest, done: DbDone): void => {
    this.sim.schedule(this.settings.forkTime, this.forked, req, done);
  };

  /** The fork is over: the backend takes its slot or is refused. */
  private readonly forked = (req: HttpRequest, done: DbDone): void => {
    this.postmaster.release();
    const s = this.settings;
    if (this.backends >= s.maxConnections) {
      this.refused++;
      done(req, TOO_MANY_CLIENTS);
      return;
    }
    this.backends++;
    this.openGauge.add(1, this.sim.now);
    if (this.backends > this.peakOpen) this.peakOpen = this.backends;
    if (s.backendStartCpu > 0) this.cpu.run(s.backendStartCpu, this.authCpuDone, req, done);
    else this.authenticated(req, done);
  };

  private readonly authCpuDone = (req: HttpRequest, done: DbDone): void => {
    this.authenticated(req, done);
  };

  private authenticated(req: HttpRequest, done: DbDone): void {
    const wait = this.settings.backendStartTime;
    if (wait > 0) this.sim.schedule(wait, this.started, req, done);
    else this.started(req, done);
  }

  /** Authentication and start-up are over. */
  private readonly started = (req: HttpRequest, done: DbDone): void => {
    const s = this.settings;
    if (!s.superuser && s.maxConnections - this.backends < s.superuserReservedConnections) {
      this.exited();
      this.refused++;
      done(req, RESERVED_FOR_SUPERUSER);
      return;
    }
    this.connections++;
    done(req, undefined);
  };

  private readonly exited = (): void => {
    this.backends--;
    this.openGauge.add(-1, this.sim.now);
  };

  private readonly queryCpuDone = (req: HttpRequest, done: DbDone): void => {
    this.sim.schedule(req.dbWait, done, req, undefined);
  };
}
