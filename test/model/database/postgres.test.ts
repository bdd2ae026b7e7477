import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/engine/simulation.js';
import { Postgres, RESERVED_FOR_SUPERUSER, TOO_MANY_CLIENTS, type PostgresSettings } from '../../../src/model/database/postgres.js';
import { Connection, HttpRequest } from '../../../src/model/request.js';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { GroupedCpu } from '../../../src/engine/cpu/grouped.js';
import { Timeline } from '../../../src/stats/timeline.js';
import { postgresSettings } from '../harness/harness.js';

// µs after the previous SYN (Linux: 1, 2, 4... s).
const LINUX_SYN = [1, 2, 4, 8, 16, 32, 64].map((s) => s * 1e6);
const gauge = () => new Timeline().gauge('dbConnections');
const ledger = new Float64Array(9);
const request = (id: number) => new HttpRequest(id, new Connection(id, undefined as never), 0, ledger, 0);
const settings = (changes: Partial<PostgresSettings>): PostgresSettings =>
  postgresSettings({
    maxConnections: 100,
    superuserReservedConnections: 3,
    superuser: true,
    listenBacklog: 244,
    maxChildren: 244,
    forkTime: 1000,
    backendStartTime: 5000,
    authTurns: 1,
    ...changes,
  });

function attempts(n: number, superuser: boolean) {
  const sim = new Simulation();
  const outcomes: { i: number; at: number; error?: string }[] = [];
  const pg = new Postgres(sim, settings({ superuser }), new FifoCpu(sim, 4), gauge(), LINUX_SYN);
  for (let i = 0; i < n; i++) pg.open(request(i), 0, (id, error) => outcomes.push({ i: id, at: sim.now, error }), i);
  sim.run();
  return { pg, outcomes };
}

describe('PostgreSQL connection slots', () => {
  it('lets a superuser open max_connections (100) and refuses the next with "too many clients"', () => {
    const { pg, outcomes } = attempts(101, true);
    expect(outcomes.filter((o) => o.error === undefined)).toHaveLength(100);
    expect(outcomes.find((o) => o.i === 100)?.error).toBe(TOO_MANY_CLIENTS);
    expect(pg.peakOpen).toBe(100);
  });

  it('refuses an ordinary role once 97 are open (3 slots reserved for superusers)', () => {
    const { pg, outcomes } = attempts(98, false);
    expect(outcomes.filter((o) => o.error === undefined)).toHaveLength(97);
    // Backends still authenticating hold slots too, so the refused one is whichever
    // finished start-up when only 2 slots were left, not necessarily the last to arrive.
    expect(outcomes.filter((o) => o.error !== undefined).map((o) => o.error)).toEqual([RESERVED_FOR_SUPERUSER]);
    expect(pg.backends).toBe(97);
    // The report's "Refusals" line samples the slots at this refusal too: 98 held, the
    // refused backend's own among them.
    expect(pg.sampledRefusals).toBe(1);
    expect(pg.heldAtRefusals).toBe(98);
  });

  it('forks one attempt after another: the k-th connection is ready after k forks plus one start-up', () => {
    const { outcomes } = attempts(5, true);
    // forkTime 1000 µs serialized, backendStartTime 5000 µs in parallel.
    expect(outcomes.map((o) => o.at)).toEqual([6000, 7000, 8000, 9000, 10000]);
  });

  it('charges a refused attempt its fork too', () => {
    const { outcomes } = attempts(102, true);
    const refused = outcomes.filter((o) => o.error !== undefined).map((o) => o.at);
    // Attempts 101 and 102 are refused right after their forks: at 101 and 102 ms.
    expect(refused).toEqual([101_000, 102_000]);
  });

  it('frees a slot when a connection closes', () => {
    const sim = new Simulation();
    const errors: (string | undefined)[] = [];
    const pg = new Postgres(
      sim,
      settings({ maxConnections: 1, superuserReservedConnections: 0, forkTime: 10, backendStartTime: 10 }),
      new FifoCpu(sim, 4),
      gauge(),
      LINUX_SYN,
    );
    pg.open(
      request(0),
      0,
      (_, e) => {
        errors.push(e);
        pg.close();
        pg.open(request(1), 0, (__, e2) => errors.push(e2), undefined);
      },
      undefined,
    );
    sim.run();
    expect(errors).toEqual([undefined, undefined]);
  });
});

describe("PostgreSQL's connection handshake, step by step", () => {
  /**
   * Attempts at the given times, with a log of what the client saw. On `cpu` cores (FIFO,
   * processor sharing, or task groups with the postmaster in a session of its own; plenty
   * unless said), beside `otherProcessCpu` of a CPU-bound process started at 0. The client
   * answers each message `clientAnswersAfter` µs after it arrives, or goes away (EOF)
   * `clientGoneAfter` µs after. `childrenAt`: times to log how many children the
   * postmaster has.
   */
  function handshake(
    changes: Partial<PostgresSettings>,
    opts: {
      at?: number[];
      cores?: number;
      cpu?: 'fifo' | 'shared' | 'grouped';
      otherProcessCpu?: number;
      clientAnswersAfter?: number;
      clientGoneAfter?: number;
      childrenAt?: number[];
    } = {},
  ) {
    const sim = new Simulation();
    const log: string[] = [];
    const cores = opts.cores ?? 100;
    const s = settings({ forkTime: 0, backendStartTime: 0, ...changes });
    const cpu =
      opts.cpu === 'grouped' ? new GroupedCpu(sim, cores) : opts.cpu === 'shared' ? new SharedCpu(sim, cores) : new FifoCpu(sim, cores);
    const session = cpu instanceof GroupedCpu ? cpu.group() : cpu;
    const pg = new Postgres(sim, s, cpu, gauge(), LINUX_SYN, session);
    if (opts.otherProcessCpu !== undefined) cpu.run(opts.otherProcessCpu, () => {}, undefined);
    const after = opts.clientAnswersAfter ?? opts.clientGoneAfter;
    if (after !== undefined) {
      const error = opts.clientGoneAfter === undefined ? undefined : 'EOF';
      pg.client = {
        turn(attempt, work) {
          log.push(`${sim.now} ${work > 0 ? 'challenge' : 'message'} ${attempt.req.id}`);
          sim.schedule(after, () => attempt.answered(error), undefined);
        },
      };
    }
    for (const [i, t] of (opts.at ?? [0]).entries()) {
      sim.schedule(
        t,
        () => {
          const req = request(i);
          pg.open(req, opts.clientAnswersAfter ?? 0, (r, error) => log.push(`${sim.now} ${r.id} ${error ?? 'ready'}`), req);
        },
        undefined,
      );
    }
    for (const t of opts.childrenAt ?? []) sim.schedule(t, () => log.push(`${t} children ${pg.postmaster.children}`), undefined);
    sim.run();
    return { pg, log };
  }

  it('success: postmaster fork, start-up, slot, the client answers the challenge, backend start, ready', () => {
    // Connected at t = 0: the client sends its first message when it gets to it (t = 300),
    // meanwhile 100 µs in the postmaster and 200 of start-up (t = 300); the slot at 300, the
    // client answers the challenge 300 later (t = 600), 400 of backend start: ready at 1000.
    const { pg, log } = handshake({ postmasterCpu: 100, backendStartupCpu: 200, backendStartCpu: 400 }, { clientAnswersAfter: 300 });
    expect(log).toEqual(['0 message 0', '300 challenge 0', '1000 0 ready']);
    expect(pg.backends).toBe(1);
    expect(pg.postmaster.children).toBe(1);
  });

  it('refusal: the second backend finds the one slot held at InitProcess, says so, then exits', () => {
    // Attempt 0: fork 0-100, start-up 100-300, slot at 300, start 300-700: ready at 700.
    // Attempt 1: fork 100-200 (after attempt 0's), start-up 200-400, no slot at 400:
    // refused then; its exit (refusedCpu) runs 400-500 and the child is reaped.
    const { pg, log } = handshake(
      {
        maxConnections: 1,
        superuserReservedConnections: 0,
        postmasterCpu: 100,
        backendStartupCpu: 200,
        backendStartCpu: 400,
        refusedCpu: 100,
      },
      { at: [0, 0] },
    );
    expect(log).toEqual([`400 1 ${TOO_MANY_CLIENTS}`, '700 0 ready']);
    expect(pg.refused).toBe(1);
    expect(pg.postmaster.children).toBe(1);
  });

  it('holds the slot while the client computes its answer, so a later attempt is refused meanwhile', () => {
    // Each client sends its first message 5 ms after connecting. Attempt 0 takes the slot
    // then (t = 5 ms) and waits 5 ms more for its answer to the challenge; attempt 1
    // (connected at 1 ms) reaches InitProcess at 6 ms and is refused at once.
    const { pg, log } = handshake({ maxConnections: 1, superuserReservedConnections: 0 }, { at: [0, 1000], clientAnswersAfter: 5000 });
    expect(log).toEqual(['0 message 0', '1000 message 1', '5000 challenge 0', `6000 1 ${TOO_MANY_CLIENTS}`, '10000 0 ready']);
    // What the report says of the refusal: the one slot was held by a backend waiting for its client.
    expect([pg.heldAtRefusals, pg.awaitingClientAtRefusals, pg.startingUpAtRefusals, pg.inQueryAtRefusals]).toEqual([1, 1, 1, 0]);
  });

  it('scram-sha-256 as libpq runs it: the SSL request before the slot, then two messages, the proof computed for the second', () => {
    // The client answers each message 100 µs after it arrives. Attempt 0: connected at 0,
    // its SSL request sent at 100, the 'N' answered at 200 (the slot), SASL initial
    // answered at 300, proof answered at 400, 400 µs of backend start: ready at 800.
    // Attempt 1 (t = 50) reaches InitProcess at 250 and finds the one slot held.
    const { log } = handshake(
      { maxConnections: 1, superuserReservedConnections: 0, turnsBeforeSlot: 1, authTurns: 2, backendStartCpu: 400 },
      { at: [0, 50], clientAnswersAfter: 100 },
    );
    expect(log).toEqual([
      '0 message 0',
      '50 message 1',
      '100 message 0',
      '150 message 1',
      '200 message 0',
      `250 1 ${TOO_MANY_CLIENTS}`,
      '300 challenge 0',
      '800 0 ready',
    ]);
  });

  it("the client's first message and the fork run side by side: the backend goes on when both are done", () => {
    // The client sends its SSL request 100 µs after connecting; the postmaster forks for
    // 400 µs, so the backend reads the request at 400 (not at 100 + 400): 'N' at 400,
    // answered at 500: slot, challenge at 500, answered at 600, ready.
    const { log } = handshake({ postmasterCpu: 400, turnsBeforeSlot: 1, authTurns: 1 }, { clientAnswersAfter: 100 });
    expect(log).toEqual(['0 message 0', '400 message 0', '500 challenge 0', '600 0 ready']);
    // psycopg2's way, two turns before the SSL request (its own first poll, then libpq's):
    // sent at 200, still before the backend is ready at 400.
    const twice = handshake({ postmasterCpu: 400, turnsBeforeSlot: 1, authTurns: 1, connectTurns: 2 }, { clientAnswersAfter: 100 });
    expect(twice.log).toEqual(['0 message 0', '100 message 0', '400 message 0', '500 challenge 0', '600 0 ready']);
    // With the fork quicker than the client's two turns, the backend waits for the request.
    const slowClient = handshake({ postmasterCpu: 50, turnsBeforeSlot: 1, authTurns: 1, connectTurns: 2 }, { clientAnswersAfter: 100 });
    expect(slowClient.log).toEqual(['0 message 0', '100 message 0', '200 message 0', '300 challenge 0', '400 0 ready']);
  });

  it('a client gone before its backend started: the backend exits when it starts, and the attempt fails at once', () => {
    // The client goes away 10 µs after connecting, while the postmaster forks (0-1000): the
    // attempt fails then. The child, forked anyway, starts up (1000-1500), reads EOF and exits.
    const { pg, log } = handshake({ postmasterCpu: 1000, backendStartupCpu: 500 }, { clientGoneAfter: 10, childrenAt: [1200] });
    expect(log).toEqual(['0 message 0', '10 0 EOF', '1200 children 1']);
    expect(pg.postmaster.children).toBe(0);
    expect(pg.backends).toBe(0);
  });

  it("a new child shares the postmaster's task group until its setsid(): the postmaster forks the next one slower", () => {
    // One core, task groups (autogroup): the postmaster's session, and a CPU-bound process
    // in a session of its own. Two attempts at 0; 100 µs a fork, 300 of start-up, 200 of
    // it before setsid(). Two groups share the core (0.5 each) until 200, when fork A ends;
    // then A's child (before setsid) and fork B share the session's half: B's fork ends at
    // 600, A's child leaves the session at 1000 (its last 100 alone: 1/3 of the core, three
    // groups) and is ready at 1300, B's child at 1500. Without the split each child is a
    // group of its own from its fork: fork B ends at 500, A is ready at 1100, B at 1300.
    const run = (beforeSetsid: number) =>
      handshake(
        { postmasterCpu: 100, backendStartupCpu: 300, backendBeforeSetsidCpu: beforeSetsid },
        { at: [0, 0], cores: 1, cpu: 'grouped', otherProcessCpu: 100_000 },
      ).log;
    expect(run(200)).toEqual(['1300 0 ready', '1500 1 ready']);
    expect(run(0)).toEqual(['1100 0 ready', '1300 1 ready']);
  });

  it('reserved-slot refusal: an ordinary role is refused after authentication when fewer than 3 slots would stay free', () => {
    // max_connections 4, 3 reserved. Both backends hold a slot from their fork (t = 100,
    // 200) through authentication: when the first is ready (t = 500) 2 slots are free, so
    // it is refused and lets its slot go; the second, ready at 600, leaves 3 free.
    const { pg, log } = handshake(
      { maxConnections: 4, superuserReservedConnections: 3, superuser: false, postmasterCpu: 100, backendStartCpu: 400 },
      { at: [0, 0] },
    );
    expect(log).toEqual([`500 0 ${RESERVED_FOR_SUPERUSER}`, '600 1 ready']);
    expect(pg.backends).toBe(1);
  });

  it('dead end: beyond 2 x MaxBackends children the postmaster forks a child that only refuses', () => {
    // maxChildren 1: attempt 0 is a child (fork 0-100, start-up 100-300, ready); attempt 1
    // forks 100-200 while it lives, so it is a dead end: it reads the startup packet
    // (200-400) and refuses, whatever the free slots.
    const { pg, log } = handshake({ maxChildren: 1, postmasterCpu: 100, backendStartupCpu: 200 }, { at: [0, 0] });
    expect(log).toEqual(['300 0 ready', `400 1 ${TOO_MANY_CLIENTS}`]);
    expect(pg.deadEnds).toBe(1);
    expect(pg.backends).toBe(1);
  });

  it("dead end: it refuses only after its client's answer to the SSL request, as ProcessStartupPacket reads the startup packet first", () => {
    // maxChildren 1, the client answers each message 150 µs after it arrives; both clients
    // send their SSL request at 150. Attempt 0: fork 0-100, start-up 100-300, 'N' at 300,
    // answered 450: slot, challenge at 450, answered 600: ready. Attempt 1: fork 100-200, a
    // dead end; start-up 200-400, 'N' at 400, answered 550: refused then, not at 400.
    const { pg, log } = handshake(
      { maxChildren: 1, postmasterCpu: 100, backendStartupCpu: 200, turnsBeforeSlot: 1, authTurns: 1 },
      { at: [0, 0], clientAnswersAfter: 150 },
    );
    expect(log).toEqual([
      '0 message 0',
      '0 message 1',
      '300 message 0',
      '400 message 1',
      '450 challenge 0',
      `550 1 ${TOO_MANY_CLIENTS}`,
      '600 0 ready',
    ]);
    expect(pg.deadEnds).toBe(1);
    // A dead end is no child of the limit's count: only attempt 0's backend is.
    expect(pg.postmaster.children).toBe(1);
  });

  it('serializes the fork on the postmaster: one attempt after another, whatever the cores', () => {
    const { log } = handshake({ postmasterCpu: 100 }, { at: [0, 0, 0, 0] });
    expect(log).toEqual(['100 0 ready', '200 1 ready', '300 2 ready', '400 3 ready']);
  });

  it('wakes the postmaster only for an attempt that finds it asleep: those queued behind it fork back to back', () => {
    // 100 µs per fork, 50 more to wake. Attempts 0-2 arrive together: 0 wakes it (0-150),
    // 1 and 2 wait in its queue and fork at once after (150-250, 250-350). Attempt 3
    // arrives at 1000, when it sleeps again: it pays the wake-up (1000-1150).
    const { pg, log } = handshake({ postmasterCpu: 100, postmasterWakeCpu: 50 }, { at: [0, 0, 0, 1000] });
    expect(log).toEqual(['150 0 ready', '250 1 ready', '350 2 ready', '1150 3 ready']);
    expect(pg.postmaster.cpuUsed).toBe(4 * 100 + 2 * 50);
  });

  it("overflows the postmaster's listen queue into SYN retransmissions", () => {
    // Backlog 2, 1 ms per fork: attempt 0 is taken at once, 1 and 2 queue, 3 is dropped
    // and comes back 1 s later (Linux's first retransmission).
    const { pg, log } = handshake({ listenBacklog: 2, postmasterCpu: 1000 }, { at: [0, 0, 0, 0] });
    expect(log).toEqual(['1000 0 ready', '2000 1 ready', '3000 2 ready', '1001000 3 ready']);
    expect(pg.postmaster.synDrops).toBe(1);
  });

  it("a refusal's CPU delays the others on a 1-core host", () => {
    // One core shared (processor sharing). The two start-ups share it and both end at 200:
    // attempt 0 takes the slot, attempt 1 is refused. Without refusal CPU attempt 0's 1000 µs start
    // runs alone, 200-1200. With 500 µs of refusal CPU both run at half speed from 200:
    // the refusal ends at 1200 and attempt 0 has 500 µs left: ready at 1700.
    const base = { maxConnections: 1, superuserReservedConnections: 0, backendStartupCpu: 100, backendStartCpu: 1000 };
    const cheap = handshake({ ...base, refusedCpu: 0 }, { at: [0, 0], cores: 1, cpu: 'shared' }).log;
    const costly = handshake({ ...base, refusedCpu: 500 }, { at: [0, 0], cores: 1, cpu: 'shared' }).log;
    expect(cheap).toEqual([`200 1 ${TOO_MANY_CLIENTS}`, '1200 0 ready']);
    expect(costly).toEqual([`200 1 ${TOO_MANY_CLIENTS}`, '1700 0 ready']);
  });
});
