// One connection attempt to PostgreSQL, from the client's SYN to a ready (or refused)
// backend, and the client's side of its handshake (libpq fe-connect.c PQconnectPoll): each
// step waits for turns of the client's process (`DbClient.turn`: a gevent worker's loop),
// however long that process takes to get to them. The postmaster (postmaster.ts) and the
// backend (postgres.ts) run the server's side; the backend hands the attempt its messages
// and hears back through `AttemptBackend`.
//
// - Connected (the SYN is in the postmaster's listen queue): the client's socket is
//   writable, and libpq sends its first message, the SSL request, after `connectTurns`
//   turns (psycopg2's first poll, then PQconnectPoll's CONNECTION_STARTED), while the
//   postmaster forks. The new backend reads it once both are done.
// - The backend answers 'N'; the client reads it and sends the startup packet
//   (`turnsBeforeSlot` turns), which the backend reads before it takes its slot.
// - Holding its slot, the backend sends its authentication messages, a turn each
//   (`authTurns`); the answer to the last carries the client's share of authentication
//   (`clientCpu`: scram-sha-256's proof, PBKDF2 with 4096 iterations).
// The client may go away at any turn: its backend, once started, reads EOF and exits.
import type { OnCore } from '../../engine/cpu/cpu.js';
import type { Time } from '../../engine/time.js';
import type { PostgresSettings } from '../../scenario/resolve.js';
import type { HttpRequest } from '../request.js';
import type { DbDone } from './server.js';

/**
 * The client process: each message of the handshake wakes it, and it answers when it gets
 * to it (`cpu`: its own work for that answer, e.g. scram-sha-256's proof), then calls
 * `attempt.answered()` (with an error if it went away).
 */
export interface DbClient {
  turn(attempt: Attempt, cpu: Time): void;
}

/** The backend's side of the handshake, where the client's answers lead (postgres.ts). */
export interface AttemptBackend {
  /** Who takes the client's turns; undefined: nobody, and the handshake takes none. */
  readonly client: DbClient | undefined;
  readonly settings: Pick<PostgresSettings, 'connectTurns' | 'turnsBeforeSlot' | 'authTurns'>;
  /** The client's startup packet is in: the backend goes on to its slot. */
  startupPacketRead(attempt: Attempt): void;
  /** The client answered the last authentication message: the backend's own start-up. */
  clientAuthenticated(attempt: Attempt): void;
  /** The client went away once its backend had started (or was reading its first message). */
  clientGone(attempt: Attempt, error: string): void;
}

/** Attempt.a when the caller's argument is the attempt's request. */
const SAME_AS_REQ: unknown = Symbol('the request');

/** What an attempt for `req` keeps of its caller's argument `a` (Attempt.a). */
export function keptArgument(req: HttpRequest, a: unknown): unknown {
  return a === req ? SAME_AS_REQ : a;
}

/** One connection attempt, from the client's SYN to a ready (or refused) backend. */
export class Attempt {
  synCount = 0;
  /** Holding a slot (past InitProcess): the client's turns are authentication's. */
  slotted = false;
  /** Forked beyond the postmaster's child limit: it reads the startup packet only to refuse. */
  deadEnd = false;
  /** The client's turns still to come in the current step, after the one it is on. */
  turnsLeft = 0;
  /**
   * TCP connected: the client waits for its socket to be writable, then sends its first
   * message (the SSL request); the backend reads it once it has started up. Each side
   * marks its half done; the second goes on. Until the request is sent, the client's
   * turns are the connected socket's.
   */
  requestSent = false;
  childReady = false;
  /** The client went away before its backend started: the backend exits when it does. */
  abandoned = false;
  /** The client's own work for its last answer (µs of CPU: scram-sha-256's proof). */
  clientCpu: Time = 0;
  /** Its backend process, as the cores see it. */
  backendProcess: OnCore = { cpuCore: -1 };
  /** The role's superuser attribute when it is not the app's (another client of the database: openAs). */
  superuser: boolean | undefined = undefined;
  /**
   * The caller's argument to `done` (read it through callerArgument()), or SAME_AS_REQ when it is `req`
   * itself, as it is for the app's own connects: storing the young request a second time
   * into this long-lived record would run V8's write barrier a second time.
   */
  a: unknown;

  constructor(
    public req: HttpRequest,
    public done: DbDone<any>,
    a: unknown,
    private readonly backend: AttemptBackend,
  ) {
    this.a = keptArgument(req, a);
  }

  /** The caller's argument to `done`. */
  callerArgument(): unknown {
    return this.a === SAME_AS_REQ ? this.req : this.a;
  }

  /**
   * @internal the SYN is in the postmaster's listen queue, so the kernel has completed the
   * handshake: the client's first message follows its connected socket's turns.
   */
  connected(): void {
    if (this.requestSent) return;
    this.turnsLeft = this.backend.settings.connectTurns - 1;
    this.backend.client!.turn(this, 0);
  }

  /** @internal the backend has started: it reads the client's first message, once the client has sent it. */
  backendStarted(): void {
    if (this.requestSent) this.negotiate();
    else this.childReady = true;
  }

  /** The SSL request is in: the backend answers it, and the client then sends the startup packet. */
  private negotiate(): void {
    const { client, settings } = this.backend;
    if (client !== undefined && settings.turnsBeforeSlot > 0) {
      this.turnsLeft = settings.turnsBeforeSlot - 1;
      // Without authentication messages (trust), libpq's own work falls in this turn.
      client.turn(this, this.turnsLeft === 0 && settings.authTurns === 0 ? this.clientCpu : 0);
    } else this.backend.startupPacketRead(this);
  }

  /** @internal the backend holds its slot and sends its first authentication message (a client and `authTurns` > 0). */
  authenticate(): void {
    this.turnsLeft = this.backend.settings.authTurns - 1;
    this.backend.client!.turn(this, this.turnsLeft === 0 ? this.clientCpu : 0);
  }

  /** The client's process took its turn: it sent what the step asked for (or went away: `error`). */
  answered(error?: string): void {
    if (error !== undefined) {
      this.gone(error);
      return;
    }
    if (this.turnsLeft > 0) {
      this.turnsLeft--;
      // The proof (or md5 hash) is computed for the last authentication message; without
      // any (trust), libpq's own work falls in the last turn before the slot.
      const last = this.turnsLeft === 0 && (this.slotted || (this.requestSent && this.backend.settings.authTurns === 0));
      this.backend.client!.turn(this, last ? this.clientCpu : 0);
      return;
    }
    // The step's last turn: the SSL request, the startup packet, or the last answer is sent.
    if (!this.requestSent) {
      this.requestSent = true;
      if (this.childReady) this.negotiate();
    } else if (!this.slotted) this.backend.startupPacketRead(this);
    else this.backend.clientAuthenticated(this);
  }

  private gone(error: string): void {
    if (this.requestSent || this.childReady) {
      this.backend.clientGone(this, error);
      return;
    }
    // Gone before its first message, its backend not started yet: the backend exits when it
    // starts, and the attempt is reused only then.
    this.abandoned = true;
    this.done(this.callerArgument(), error);
  }
}
