// The client's side of the handshake: the turns of its process that each step waits for,
// the backend waiting on them, and a client that goes away.
import { describe, expect, it } from 'vitest';
import { TOO_MANY_CLIENTS } from '../../../src/model/database/postgres.js';
import { handshake } from './handshake.js';

describe("The client's side of PostgreSQL's handshake, turn by turn", () => {
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

  it('holds the slot while the client computes its answer, so a later attempt is refused meanwhile', () => {
    // Each client sends its first message 5 ms after connecting. Attempt 0 takes the slot
    // then (t = 5 ms) and waits 5 ms more for its answer to the challenge; attempt 1
    // (connected at 1 ms) reaches InitProcess at 6 ms and is refused at once.
    const { pg, log } = handshake({ maxConnections: 1, superuserReservedConnections: 0 }, { at: [0, 1000], clientAnswersAfter: 5000 });
    expect(log).toEqual(['0 message 0', '1000 message 1', '5000 challenge 0', `6000 1 ${TOO_MANY_CLIENTS}`, '10000 0 ready']);
    // What the report says of the refusal: the one slot was held by a backend waiting for its client.
    expect([pg.heldAtRefusals, pg.awaitingClientAtRefusals, pg.startingUpAtRefusals, pg.inQueryAtRefusals]).toEqual([1, 1, 1, 0]);
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

  it('a client gone before its backend started: the backend exits when it starts, and the attempt fails at once', () => {
    // The client goes away 10 µs after connecting, while the postmaster forks (0-1000): the
    // attempt fails then. The child, forked anyway, starts up (1000-1500), reads EOF and exits.
    const { pg, log } = handshake({ postmasterCpu: 1000, backendStartupCpu: 500 }, { clientGoneAfter: 10, childrenAt: [1200] });
    expect(log).toEqual(['0 message 0', '10 0 EOF', '1200 children 1']);
    expect(pg.postmaster.children).toBe(0);
    expect(pg.backends).toBe(0);
  });

  it("trust: no authentication message, so libpq's own work falls in the last turn before the slot, however many there are", () => {
    // The client answers each message 100 µs after it arrives: its SSL request at 0, the
    // 'N' at 100, then the second turn before the slot (write-ready) carries its CPU at
    // 200, answered at 300: the slot, and ready with nothing more to wait for.
    const { log } = handshake({ turnsBeforeSlot: 2, authTurns: 0 }, { clientAnswersAfter: 100 });
    expect(log).toEqual(['0 message 0', '100 message 0', '200 challenge 0', '300 0 ready']);
    // One turn before the slot: that one carries it.
    const one = handshake({ turnsBeforeSlot: 1, authTurns: 0 }, { clientAnswersAfter: 100 });
    expect(one.log).toEqual(['0 message 0', '100 challenge 0', '200 0 ready']);
  });
});
