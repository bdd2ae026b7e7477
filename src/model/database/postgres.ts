// PostgreSQL's connection handling past the postmaster (postmaster.ts: the accept queue
// and the fork), in the order a backend's code runs it (MODEL.md section 4; PostgreSQL 15:
// BackendInitialize; proc.c InitProcess; postinit.c InitPostgres; auth.c, auth-scram.c).
// Wherever the backend waits for its client, the client's turns (connectionAttempt.ts)
// decide when it goes on.
//
// 3. The new backend starts (`backendStartupCpu`, its first part still in the postmaster's
//    session: `backendBeforeSetsidCpu`), reads its client's SSL request, answers it and
//    reads the startup packet. Then it takes a PGPROC slot in InitProcess. With
//    max_connections slots taken it sends "sorry, too many clients already" and exits
//    (`refusedCpu`). Slots go in the order backends reach InitProcess. A dead-end child
//    (postmaster.ts) refuses as soon as it has read the startup packet.
// 4. Holding its slot, InitPostgres builds its first caches and looks up the role's secret
//    (`backendBeforeAuthCpu`, a part of `backendStartCpu`), then it sends its challenge
//    and waits for the client's answers. Then the rest of its start-up (the proof's
//    verification, the database's caches), then `backendStartTime` of anything else. An ordinary
//    role is refused here if fewer than superuser_reserved_connections slots would remain
//    free (InitPostgres, after authentication).
// 5. A query uses backend CPU, then waits (pg_sleep, IO). Closing ends the backend: its
//    slot is free `backendExitTime` after the close, and the process exits after
//    `backendExitCpu` more. A backend whose client goes away mid-handshake reads EOF and
//    exits, its slot free at once.
import type { Cpu, OnCore } from '../../engine/cpu/cpu.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { PostgresSettings } from '../../scenario/resolve.js';
import type { Counter, Gauge } from '../../stats/timeline.js';
import type { HttpRequest } from '../request.js';
import { Attempt, type AttemptBackend, type DbClient, keptArgument } from './connectionAttempt.js';
import { childExited, Postmaster } from './postmaster.js';
import type { DbDone, DbServer } from './server.js';
import { runTimedQuery, settleTimedQueryCpu, type TimedBackend } from './statementTimeout.js';

// libpq prints a severity, a colon and two spaces: PQerrorMessage "FATAL:  ...".
export const TOO_MANY_CLIENTS = 'FATAL:  sorry, too many clients already';
export const RESERVED_FOR_SUPERUSER = 'FATAL:  remaining connection slots are reserved for non-replication superuser connections';

export { BACKENDS_BEYOND_MAX_CONNECTIONS, type PostgresSettings } from '../../scenario/resolve.js';

export class Postgres implements DbServer, TimedBackend, AttemptBackend {
  /** Accepts the connections and forks their backends. */
  readonly postmaster: Postmaster;
  /** Finished attempts, for reuse. */
  private readonly spare: Attempt[] = [];
  /** Backends holding a PGPROC slot (starting up, connected, or exiting). */
  backends = 0;
  peakOpen = 0;
  refused = 0;
  /** Refused by a dead-end child (too many children), part of `refused`. */
  deadEnds = 0;
  /** Backends holding a slot while they wait for their client's answer to the challenge. */
  awaitingClient = 0;
  /** Backends holding a slot that are not ready yet (authenticating, starting up). */
  startingUp = 0;
  /** Backends running a query (its CPU, then its wait). */
  inQuery = 0;
  /** Summed over slot refusals: how many slots were held, and by backends in each state. */
  awaitingClientAtRefusals = 0;
  inQueryAtRefusals = 0;
  startingUpAtRefusals = 0;
  heldAtRefusals = 0;
  /** Refusals at which those were sampled: at InitProcess, and after authentication (reserved slots). */
  sampledRefusals = 0;
  connections = 0;
  queries = 0;
  /** CPU given to backends (µs), for the report's CPU by process. */
  backendCpuUsed = 0;
  /** The postmaster's and the backends' CPU before the client started (pools opened at a uvicorn worker's start-up). */
  cpuBeforeLoad = 0;
  /** Refusals over time, when something shows them (an app that connects at start-up). */
  refusedCounter: Counter | undefined = undefined;
  /** Queries cancelled by statement_timeout. */
  cancelled = 0;
  /** What every query's CPU and wait are multiplied by (the timeline's database.queryTime). */
  queryTimeFactor = 1;
  /** Who computes the client's share of authentication; undefined: nobody (no CPU). */
  client: DbClient | undefined = undefined;

  constructor(
    readonly sim: Simulation,
    readonly settings: PostgresSettings,
    /** The database host's cores: the postmaster and every backend run there. */
    private readonly cpu: Cpu,
    /** Backends holding a slot, over time. */
    private readonly openGauge: Gauge,
    /** When the client retransmits a dropped SYN (µs after the previous one; the last: gives up). */
    synRetransmits: readonly Time[],
    /**
     * The postmaster's session on those cores: its task group, which a new child shares
     * until it calls setsid(). By default the cores themselves (no task groups, or one for
     * all of PostgreSQL).
     */
    private readonly session: Cpu = cpu,
  ) {
    this.postmaster = new Postmaster(sim, settings, session, synRetransmits, this);
    this.placesProcesses = cpu.placesProcesses === true || session.placesProcesses === true;
  }

  /** The cores keep each process on a core: every backend needs its own record (Cpu.placesProcesses). */
  private readonly placesProcesses: boolean;

  open<A>(req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    this.openAs(undefined, req, clientCpu, done, a);
  }

  /** Opens a connection for a role other than the app's (`superuser`: its attribute; undefined: the app's role). */
  openAs<A>(superuser: boolean | undefined, req: HttpRequest, clientCpu: Time, done: DbDone<A>, a: A): void {
    // Attempts are reused once their client has its answer (a connection storm makes thousands).
    let attempt = this.spare.pop();
    if (attempt === undefined) attempt = new Attempt(req, done, a, this);
    else {
      attempt.req = req;
      attempt.done = done;
      attempt.a = keptArgument(req, a);
      attempt.synCount = 0;
      attempt.slotted = false;
      attempt.deadEnd = false;
      attempt.childReady = false;
      attempt.abandoned = false;
    }
    // A new process when the postmaster forks: the cores place it then. Cores that do not
    // place processes never read the record, and the attempt's own serves.
    if (this.placesProcesses) attempt.backendProcess = { cpuCore: -1, parent: this.postmaster };
    // Without a client process that answers, its first message is there with the SYN.
    attempt.requestSent = this.client === undefined;
    attempt.clientCpu = clientCpu;
    attempt.superuser = superuser;
    this.postmaster.syn(attempt);
  }

  /** @internal the client gets its answer; the attempt is over and can be reused. */
  finish(attempt: Attempt, error: string | undefined): void {
    const done = attempt.done;
    const a = attempt.callerArgument();
    this.spare.push(attempt);
    done(a, error);
  }

  close(req?: HttpRequest): void {
    if (this.backends <= 0) throw new Error('postgres: close without an open connection');
    const backend = req?.backend;
    if (this.settings.backendExitTime > 0) this.sim.schedule(this.settings.backendExitTime, this.slotFreed, backend);
    else this.slotFreed(backend);
  }

  query<A>(req: HttpRequest, cpu: Time, wait: Time, done: DbDone<A>, a: A, driverOwn = false): void {
    if (!driverOwn) this.queries++;
    this.inQuery++;
    if (this.queryTimeFactor !== 1) {
      cpu = Math.round(cpu * this.queryTimeFactor);
      wait = Math.round(wait * this.queryTimeFactor);
    }
    this.backendCpuUsed += cpu;
    const limit = this.settings.statementTimeout;
    if (limit !== undefined && limit > 0) {
      runTimedQuery(this, this.cpu, limit, cpu, wait, done, a);
      return;
    }
    if (cpu === 0) {
      // All wait: the caller's continuation travels as the event's arguments.
      this.sim.schedule(wait, this.queryDone, done, a);
      return;
    }
    // CPU, then the wait: the query's own record carries the wait across (reused).
    const q = this.spareQueries.pop() ?? new Query(this);
    q.cpu = cpu;
    q.wait = wait;
    q.done = done;
    q.a = a;
    this.cpu.run(cpu, queryCpuDone, q, undefined, req.backend);
  }

  queryEnded(): void {
    this.inQuery--;
  }

  queryCancelled(): void {
    this.cancelled++;
  }

  cpuNotDone(cpu: Time): void {
    this.backendCpuUsed -= cpu;
  }

  /**
   * The run has stopped with this task unfinished on the database's cores (Cpu.unfinished):
   * if it is a backend's or the postmaster's, its CPU, counted when it was given, keeps the
   * part done, and the answer is true.
   */
  settleCpu(fn: unknown, a: unknown, b: unknown, left: number): boolean {
    const s = this.settings;
    const notDone = (cpu: Time) => this.cpuNotDone(Math.round(cpu * left));
    if (fn === queryCpuDone) notDone((a as Query).cpu);
    // The start-up's part after setsid() was counted with the part before.
    else if (fn === this.leftSession)
      this.cpuNotDone(Math.round(s.backendBeforeSetsidCpu * left) + s.backendStartupCpu - s.backendBeforeSetsidCpu);
    else if (fn === this.startedUp) notDone(s.backendStartupCpu - s.backendBeforeSetsidCpu);
    else if (fn === this.challenge) notDone(s.backendBeforeAuthCpu);
    else if (fn === this.authenticated) notDone(this.exchangesAuth() ? s.backendStartCpu - s.backendBeforeAuthCpu : s.backendStartCpu);
    else if (fn === deadEndExited || fn === backendExited) notDone(b as Time);
    else return settleTimedQueryCpu(fn, a, left) || this.postmaster.settleCpu(fn, a, b, left);
    return true;
  }

  /** Queries done with their CPU, for reuse. */
  private readonly spareQueries: Query[] = [];

  /** @internal the query's CPU is done: its wait follows. */
  queryCpuDone(q: Query): void {
    const { wait, done, a } = q;
    this.spareQueries.push(q);
    this.sim.schedule(wait, this.queryDone, done, a);
  }

  /** The query is over: the caller hears of it. */
  private readonly queryDone = (done: DbDone<any>, a: unknown): void => {
    this.inQuery--;
    done(a, undefined);
  };

  /** @internal the postmaster forked a child for `attempt` (a dead end, or a backend): it reads the startup packet. */
  childStarted(attempt: Attempt): void {
    const s = this.settings;
    this.backendCpuUsed += s.backendStartupCpu;
    // Still in the postmaster's session until InitPostmasterChild's setsid().
    if (s.backendBeforeSetsidCpu > 0)
      this.session.run(s.backendBeforeSetsidCpu, this.leftSession, attempt, undefined, attempt.backendProcess);
    else this.leftSession(attempt);
  }

  private readonly leftSession = (attempt: Attempt): void => {
    const rest = this.settings.backendStartupCpu - this.settings.backendBeforeSetsidCpu;
    if (rest > 0) this.cpu.run(rest, this.startedUp, attempt, undefined, attempt.backendProcess);
    else this.startedUp(attempt);
  };

  /** The backend has started: unless its client went away meanwhile, it reads the client's first message. */
  private readonly startedUp = (attempt: Attempt): void => {
    if (attempt.abandoned) {
      if (!attempt.deadEnd) childExited(this.postmaster);
      this.spare.push(attempt);
      return;
    }
    attempt.backendStarted();
  };

  /** @internal the startup packet is in: a dead end refuses; a backend goes on to InitProcess. */
  startupPacketRead(attempt: Attempt): void {
    if (attempt.deadEnd) this.deadEndRefuses(attempt);
    else this.initProcess(attempt);
  }

  /**
   * A dead-end child read the startup packet: it refuses and exits. PostgreSQL checks its
   * child limit at the end of ProcessStartupPacket, after the SSL negotiation, "instead of
   * wasting cycles on an authentication exchange" (postmaster.c), so a dead end too waits
   * for its client's first answer.
   */
  private deadEndRefuses(attempt: Attempt): void {
    this.refused++;
    this.refusedCounter?.inc(this.sim.now);
    this.deadEnds++;
    const backend = attempt.backendProcess;
    this.finish(attempt, TOO_MANY_CLIENTS);
    this.backendCpuUsed += this.settings.refusedCpu;
    if (this.settings.refusedCpu > 0) this.cpu.run(this.settings.refusedCpu, deadEndExited, undefined, this.settings.refusedCpu, backend);
  }

  /** The backend read the startup packet: InitProcess takes a slot, or refuses. */
  private initProcess(attempt: Attempt): void {
    const s = this.settings;
    if (this.backends >= s.maxConnections) {
      this.refused++;
      this.refusedCounter?.inc(this.sim.now);
      this.sampleAtRefusal();
      const backend = attempt.backendProcess;
      this.finish(attempt, TOO_MANY_CLIENTS);
      this.backendCpuUsed += s.refusedCpu;
      if (s.refusedCpu > 0) this.cpu.run(s.refusedCpu, backendExited, this.postmaster, s.refusedCpu, backend);
      else childExited(this.postmaster);
      return;
    }
    this.backends++;
    this.startingUp++;
    attempt.slotted = true;
    this.openGauge.add(1, this.sim.now);
    if (this.backends > this.peakOpen) this.peakOpen = this.backends;
    // It sends its challenge and waits for the client's answers, holding its slot.
    if (this.exchangesAuth()) {
      this.backendCpuUsed += s.backendBeforeAuthCpu;
      if (s.backendBeforeAuthCpu > 0) this.cpu.run(s.backendBeforeAuthCpu, this.challenge, attempt, undefined, attempt.backendProcess);
      else this.challenge(attempt);
    } else this.backendStart(attempt);
  }

  /** Whether a backend and its client exchange authentication messages (a client that takes turns, a method with any). */
  private exchangesAuth(): boolean {
    return this.client !== undefined && this.settings.authTurns > 0;
  }

  /** InitPostgres got to PerformAuthentication: the backend sends its challenge. */
  private readonly challenge = (attempt: Attempt): void => {
    this.awaitingClient++;
    attempt.authenticate();
  };

  /** @internal the client answered the last authentication message. */
  clientAuthenticated(attempt: Attempt): void {
    this.awaitingClient--;
    this.backendStart(attempt);
  }

  /** @internal the client went away mid-handshake: the backend reads EOF and exits. */
  clientGone(attempt: Attempt, error: string): void {
    if (attempt.slotted) {
      this.awaitingClient--;
      this.startingUp--;
      this.slotFreed(attempt.backendProcess);
    } else if (!attempt.deadEnd) childExited(this.postmaster);
    this.finish(attempt, error);
  }

  /** Authenticated (or no authentication exchange): the rest of the backend's start-up, until ready for queries. */
  private backendStart(attempt: Attempt): void {
    const s = this.settings;
    // With an exchange, its part before the challenge ran already.
    const cpu = this.exchangesAuth() ? s.backendStartCpu - s.backendBeforeAuthCpu : s.backendStartCpu;
    this.backendCpuUsed += cpu;
    if (cpu > 0) this.cpu.run(cpu, this.authenticated, attempt, undefined, attempt.backendProcess);
    else this.authenticated(attempt);
  }

  private readonly authenticated = (attempt: Attempt): void => {
    const wait = this.settings.backendStartTime;
    if (wait > 0) this.sim.schedule(wait, this.started, attempt);
    else this.started(attempt);
  };

  /** Authentication and start-up are over. */
  private readonly started = (attempt: Attempt): void => {
    const s = this.settings;
    this.startingUp--;
    if (!(attempt.superuser ?? s.superuser) && s.maxConnections - this.backends < s.superuserReservedConnections) {
      this.refused++;
      this.refusedCounter?.inc(this.sim.now);
      // The refused backend still holds its slot here, among the others.
      this.sampleAtRefusal();
      this.slotFreed(attempt.backendProcess);
      this.finish(attempt, RESERVED_FOR_SUPERUSER);
      return;
    }
    this.connections++;
    attempt.req.backend = attempt.backendProcess;
    this.finish(attempt, undefined);
  };

  /** What the backends holding the slots are doing as one is refused (the report's "Refusals" line). */
  private sampleAtRefusal(): void {
    this.sampledRefusals++;
    this.awaitingClientAtRefusals += this.awaitingClient;
    this.startingUpAtRefusals += this.startingUp;
    this.inQueryAtRefusals += this.inQuery;
    this.heldAtRefusals += this.backends;
  }

  /** A backend's slot is free; its process still has to exit. */
  private readonly slotFreed = (backend?: OnCore): void => {
    this.backends--;
    this.openGauge.add(-1, this.sim.now);
    this.backendCpuUsed += this.settings.backendExitCpu;
    if (this.settings.backendExitCpu > 0)
      this.cpu.run(this.settings.backendExitCpu, backendExited, this.postmaster, this.settings.backendExitCpu, backend);
    else childExited(this.postmaster);
  };
}

/** A query with CPU to run: its wait after the CPU, and whom to tell. */
class Query {
  /** Its CPU, counted when it was given. */
  cpu: Time = 0;
  wait: Time = 0;
  done: DbDone<any> = noop;
  a: unknown = undefined;
  constructor(readonly pg: Postgres) {}
}

function queryCpuDone(q: Query): void {
  q.pg.queryCpuDone(q);
}

function noop(): void {}

/** A dead end's exit, after its refusal's CPU (the task's second argument). */
function deadEndExited(): void {}

/** A backend's exit after its last CPU (the task's second argument). */
function backendExited(pm: Postmaster): void {
  childExited(pm);
}
