import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';
import { Postgres, RESERVED_FOR_SUPERUSER, TOO_MANY_CLIENTS } from '../../src/model/database/postgres.js';
import { Timeline } from '../../src/stats/timeline.js';

const gauge = () => new Timeline().gauge('dbConnections');

function attempts(n: number, superuser: boolean) {
  const sim = new Simulation();
  const outcomes: { i: number; at: number; error?: string }[] = [];
  const pg = new Postgres<number>(
    sim,
    { maxConnections: 100, superuserReservedConnections: 3, superuser, forkTime: 1000, backendStartTime: 5000 },
    gauge(),
    (i, error) => outcomes.push({ i, at: sim.now, error }),
  );
  for (let i = 0; i < n; i++) pg.connect(i);
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
    expect(pg.open).toBe(97);
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
    const pg: Postgres<number> = new Postgres<number>(
      sim,
      { maxConnections: 1, superuserReservedConnections: 0, superuser: true, forkTime: 10, backendStartTime: 10 },
      gauge(),
      (i, e) => {
        errors.push(e);
        if (i === 0) {
          pg.close();
          pg.connect(1);
        }
      },
    );
    pg.connect(0);
    sim.run();
    expect(errors).toEqual([undefined, undefined]);
  });
});
