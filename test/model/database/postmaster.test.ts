// The postmaster: the accept queue, one fork after another, the dead ends beyond its child
// limit (the handshake's steps past the fork in postgres.test.ts, the client's in
// connectionAttempt.test.ts).
import { describe, expect, it } from 'vitest';
import { TOO_MANY_CLIENTS } from '../../../src/model/database/postgres.js';
import { handshake } from './handshake.js';

describe("PostgreSQL's postmaster", () => {
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

  it('dead end: beyond 2 x MaxBackends children the postmaster forks a child that only refuses', () => {
    // maxChildren 1: attempt 0 is a child (fork 0-100, start-up 100-300, ready); attempt 1
    // forks 100-200 while it lives, so it is a dead end: it reads the startup packet
    // (200-400) and refuses, whatever the free slots.
    const { pg, log } = handshake({ maxChildren: 1, postmasterCpu: 100, backendStartupCpu: 200 }, { at: [0, 0] });
    expect(log).toEqual(['300 0 ready', `400 1 ${TOO_MANY_CLIENTS}`]);
    expect(pg.deadEnds).toBe(1);
    expect(pg.backends).toBe(1);
  });
});
