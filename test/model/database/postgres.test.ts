import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/engine/simulation.js';
import { Postgres, RESERVED_FOR_SUPERUSER, TOO_MANY_CLIENTS, type PostgresSettings } from '../../../src/model/database/postgres.js';
import { Connection, HttpRequest } from '../../../src/model/request.js';
import { FifoCpu } from '../../../src/engine/cpu.js';
import { Timeline } from '../../../src/stats/timeline.js';

const gauge = () => new Timeline().gauge('dbConnections');
const ledger = new Float64Array(9);
const request = (id: number) => new HttpRequest(id, new Connection(id, undefined as never), 0, ledger, 0);
const settings = (changes: Partial<PostgresSettings>): PostgresSettings => ({
  maxConnections: 100,
  superuserReservedConnections: 3,
  superuser: true,
  forkTime: 1000,
  backendStartCpu: 0,
  backendStartTime: 5000,
  backendExitTime: 0,
  ...changes,
});

function attempts(n: number, superuser: boolean) {
  const sim = new Simulation();
  const outcomes: { i: number; at: number; error?: string }[] = [];
  const pg = new Postgres(sim, settings({ superuser }), new FifoCpu(sim, 4), gauge());
  for (let i = 0; i < n; i++) pg.open(request(i), (req, error) => outcomes.push({ i: req.id, at: sim.now, error }));
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
    const pg = new Postgres(sim, settings({ maxConnections: 1, superuserReservedConnections: 0, forkTime: 10, backendStartTime: 10 }), new FifoCpu(sim, 4), gauge());
    pg.open(request(0), (_, e) => {
      errors.push(e);
      pg.close();
      pg.open(request(1), (__, e2) => errors.push(e2));
    });
    sim.run();
    expect(errors).toEqual([undefined, undefined]);
  });
});
