// PostgreSQL's postmaster (MODEL.md section 4; PostgreSQL 15: postmaster.c ServerLoop,
// BackendStartup; pqcomm.c StreamServerPort): the connection's way to a new backend.
//
// 1. TCP connect to the postmaster's listening socket. Its accept queue holds
//    min(2 x MaxBackends, somaxconn) connections; a SYN that finds it full is dropped and
//    the client retransmits it (1 s, 3 s, 7 s... later). A SYN in the queue is a
//    connected socket to the client, which goes on with its side of the handshake
//    (connectionAttempt.ts) while it waits for the postmaster.
// 2. The postmaster is one process: it accepts and forks one connection after another
//    (`postmasterCpu` on the database's cores, then `forkTime` of anything else); an
//    attempt that finds it asleep in its loop's select() costs `postmasterWakeCpu` more
//    (forking back to back costs less per connection: docs/validation.md, "The
//    postmaster's wake-up, measured"). With
//    2 x MaxBackends children alive (canAcceptConnections: CAC_TOOMANY) the child is a
//    "dead end" that only refuses.
// The child is the backend's business from there (postgres.ts).
import type { Cpu } from '../../engine/cpu/cpu.js';
import { Fifo } from '../../engine/fifo.js';
import type { Lane } from '../../engine/lane.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { PostgresSettings } from '../../scenario/resolve.js';
import type { Attempt } from './connectionAttempt.js';

export const CONNECT_TIMED_OUT = 'connection to server failed: Connection timed out';

/** Where a child goes on after the fork: the backend's side (postgres.ts). */
export interface Children {
  /** The forked child (a dead end, or a backend) starts. */
  childStarted(attempt: Attempt): void;
  /** The attempt is over: its client gets `error`. */
  finish(attempt: Attempt, error: string | undefined): void;
}

export class Postmaster {
  /** The core its process last ran on (per-core run queues). */
  cpuCore = -1;
  /** Connections the kernel completed and the postmaster has not accepted yet. */
  private readonly acceptQueue = new Fifo<Attempt>();
  private busy = false;
  /** The client's SYN retransmission timers, by retransmission. */
  private readonly synTimers: Lane[];
  /** Child processes alive, dead ends aside (what CountChildren counts). */
  children = 0;
  synDrops = 0;
  /** Most connections waiting in the listen queue. */
  peakAcceptQueue = 0;
  /** CPU given to the postmaster (µs), for the report's CPU by process. */
  cpuUsed = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly settings: PostgresSettings,
    /** The database host's cores. */
    private readonly cpu: Cpu,
    /** When the client retransmits a dropped SYN (µs after the previous one; the last: gives up). */
    synRetransmits: readonly Time[],
    /** The server its children become backends of. */
    private readonly pg: Children,
  ) {
    this.synTimers = synRetransmits.map((t) => sim.lane(t));
  }

  /** @internal a SYN of `attempt` reaches the postmaster's socket. */
  syn(attempt: Attempt): void {
    attempt.synCount++;
    if (this.acceptQueue.length >= this.settings.listenBacklog) {
      this.synDrops++;
      const last = attempt.synCount === this.synTimers.length;
      this.synTimers[attempt.synCount - 1].schedule(last ? connectTimedOut : resendSyn, this, attempt);
      return;
    }
    attempt.connected();
    if (!this.busy) {
      // The postmaster is asleep in its loop: it wakes and accepts at once.
      this.busy = true;
      this.fork(attempt, this.settings.postmasterWakeCpu);
      return;
    }
    this.acceptQueue.push(attempt);
    if (this.acceptQueue.length > this.peakAcceptQueue) this.peakAcceptQueue = this.acceptQueue.length;
  }

  /** @internal the client gave up on its SYNs. */
  timedOut(attempt: Attempt): void {
    this.pg.finish(attempt, CONNECT_TIMED_OUT);
  }

  /** The postmaster's loop: accept the oldest completed connection and fork for it. */
  private acceptNext(): void {
    const attempt = this.acceptQueue.shift();
    if (attempt === undefined) {
      this.busy = false;
      return;
    }
    this.fork(attempt, 0);
  }

  /** `wake`: the postmaster was asleep; the next attempt in its queue finds it awake. */
  private fork(attempt: Attempt, wake: Time): void {
    const cpu = this.settings.postmasterCpu + wake;
    this.cpuUsed += cpu;
    if (cpu > 0) this.cpu.run(cpu, this.forking, attempt, cpu, this);
    else this.forking(attempt);
  }

  /** The run has stopped with this task unfinished (Cpu.unfinished): if it is a fork (its CPU the second argument), `cpuUsed` keeps the part done. */
  settleCpu(fn: unknown, _a: unknown, b: unknown, left: number): boolean {
    if (fn !== this.forking) return false;
    this.cpuUsed -= Math.round((b as Time) * left);
    return true;
  }

  private readonly forking = (attempt: Attempt): void => {
    if (this.settings.forkTime > 0) this.sim.schedule(this.settings.forkTime, this.forked, attempt);
    else this.forked(attempt);
  };

  /** The child exists; the postmaster goes back to its loop. */
  private readonly forked = (attempt: Attempt): void => {
    const deadEnd = this.children >= this.settings.maxChildren;
    if (deadEnd) attempt.deadEnd = true;
    else this.children++;
    this.pg.childStarted(attempt);
    this.acceptNext();
  };
}

/** The postmaster reaped a child. */
export function childExited(pm: Postmaster): void {
  pm.children--;
}

function resendSyn(pm: Postmaster, attempt: Attempt): void {
  pm.syn(attempt);
}

function connectTimedOut(pm: Postmaster, attempt: Attempt): void {
  pm.timedOut(attempt);
}
