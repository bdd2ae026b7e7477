// One connection attempt to PostgreSQL, from the client's SYN to a ready (or refused)
// backend, and the client's side of its handshake: the backend's messages (the SSL
// negotiation, the authentication challenge) wake the client's process, which answers
// when it gets to them (postgres.ts runs the backend's side).
import type { Time } from '../../engine/time.js';
import type { HttpRequest } from '../request.js';
import type { Postgres } from './postgres.js';
import type { DbDone } from './server.js';

/**
 * The client process: each message of the handshake wakes it, and it answers when it gets
 * to it (`cpu`: its own work for that answer, e.g. scram-sha-256's proof), then calls
 * `attempt.answered()` (with an error if it went away).
 */
export interface DbClient {
  turn(attempt: Attempt, cpu: Time): void;
}

/** One connection attempt, from the client's SYN to a ready (or refused) backend. */
export class Attempt {
  synCount = 0;
  awaitingClient = false;
  /** Holding a slot (past InitProcess), and the client's answers still to come in this phase. */
  slotted = false;
  /** Forked beyond the postmaster's child limit: it reads the startup packet only to refuse. */
  deadEnd = false;
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
  /** The role's superuser attribute when it is not the app's (another client of the database: openAs). */
  superuser: boolean | undefined = undefined;
  constructor(
    public req: HttpRequest,
    public done: DbDone<any>,
    /** The caller's argument to `done`. */
    public a: unknown,
    private readonly server: Postgres,
  ) {}

  /** The client sent its answer to the backend's challenge (or went away: `error`). */
  answered(error?: string): void {
    this.server.clientAnswered(this, error);
  }
}
