// A backend's life through the handshake: its slot, the refusals, its start-up and exit
// (the postmaster's steps in postmaster.test.ts, the client's turns in
// connectionAttempt.test.ts).
import { describe, expect, it } from 'vitest';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { Postgres, RESERVED_FOR_SUPERUSER, TOO_MANY_CLIENTS } from '../../../src/model/database/postgres.js';
import { gauge, handshake, LINUX_SYN, request, settings } from './handshake.js';

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

describe("PostgreSQL's backend through the handshake, step by step", () => {
  it('success: postmaster fork, start-up, slot, the client answers the challenge, backend start, ready', () => {
    // Connected at t = 0: the client sends its first message when it gets to it (t = 300),
    // meanwhile 100 µs in the postmaster and 200 of start-up (t = 300); the slot at 300, the
    // client answers the challenge 300 later (t = 600), 400 of backend start: ready at 1000.
    const { pg, log } = handshake({ postmasterCpu: 100, backendStartupCpu: 200, backendStartCpu: 400 }, { clientAnswersAfter: 300 });
    expect(log).toEqual(['0 message 0', '300 challenge 0', '1000 0 ready']);
    expect(pg.backends).toBe(1);
    expect(pg.postmaster.children).toBe(1);
  });

  it("the backend's start-up before its challenge runs holding the slot: the client's turn waits for it, the rest follows the answer", () => {
    // As above, with 150 of the 400 before the challenge: the slot at 300, the challenge
    // at 450, the client's answer at 750, the other 250: ready at 1000 as before, the
    // slot held from 300 all the same. With one slot, no postmaster CPU and a client that
    // answers after 100: both start-ups end at 200, after both first messages (100); the
    // first backend takes the slot and the second is refused at 200, while the first's
    // challenge is still to come (350); answered at 450, ready at 700.
    const changes = { postmasterCpu: 100, backendStartupCpu: 200, backendStartCpu: 400, backendBeforeAuthCpu: 150 };
    expect(handshake(changes, { clientAnswersAfter: 300 }).log).toEqual(['0 message 0', '450 challenge 0', '1000 0 ready']);
    const { log } = handshake(
      { ...changes, postmasterCpu: 0, maxConnections: 1, superuserReservedConnections: 0 },
      { at: [0, 0], clientAnswersAfter: 100 },
    );
    expect(log).toEqual(['0 message 0', '0 message 1', `200 1 ${TOO_MANY_CLIENTS}`, '350 challenge 0', '700 0 ready']);
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
