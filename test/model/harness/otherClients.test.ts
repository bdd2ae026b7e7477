// The database's other clients alone, against a fake PostgreSQL that grants or refuses
// at once and logs; their task arrivals from a uniform stream fixed by hand.
import { describe, expect, it } from 'vitest';
import type { Postgres } from '../../../src/model/database/postgres.js';
import { OtherClient } from '../../../src/model/fleet/otherClients.js';
import type { OtherClientSettings } from '../../../src/scenario/resolveFleet.js';
import { harness, type Harness } from './harness.js';

/** A PostgreSQL with `slots` slots: grants at once while one is free, else refuses. */
function fakePostgres(h: Harness, slots: number): Postgres {
  let open = 0;
  return {
    openAs(superuser: boolean | undefined, _req: unknown, _cpu: number, done: (a: unknown, e?: string) => void, a: unknown) {
      const ok = open < slots;
      if (ok) open++;
      h.note(`${ok ? 'open' : 'refuse'}${superuser ? ' superuser' : ''}`);
      done(a, ok ? undefined : 'FATAL:  sorry, too many clients already');
    },
    close() {
      open--;
      h.note('close');
    },
  } as unknown as Postgres;
}

const settings = (s: Partial<OtherClientSettings>): OtherClientSettings => ({
  name: 'celery',
  connections: 2,
  superuser: false,
  holds: 'always',
  taskRate: 0,
  taskTime: 0,
  ...s,
});

describe('other database clients, alone', () => {
  it('open all their connections at the start and keep them; a refused one is counted, not retried', () => {
    const h = harness();
    const c = new OtherClient(h.sim, settings({ connections: 3, superuser: true }), fakePostgres(h, 2), () => 0.5);
    c.start();
    expect(h.run()).toEqual(['0 open superuser', '0 open superuser', '0 refuse superuser']);
    expect([c.held, c.peak, c.refused]).toEqual([2, 2, 1]);
  });

  it('per task: open, hold taskTime, close; a task finding its connections busy waits for one', () => {
    const h = harness();
    // Draws of 1 - e^-1 make every gap exactly 1 / taskRate: 100 ms at 10 tasks a second.
    const c = new OtherClient(
      h.sim,
      settings({ connections: 1, holds: 'perTask', taskRate: 10, taskTime: 150_000 }),
      fakePostgres(h, 10),
      () => 1 - Math.exp(-1),
    );
    c.start();
    h.sim.run(420_000);
    // Tasks arrive at 100, 200, 300, 400 ms; each holds the one connection 150 ms, so the
    // second waits until 250, the third until 400, the fourth until 550.
    expect(h.log).toEqual(['100000 open', '250000 close', '250000 open', '400000 close', '400000 open']);
    expect([c.tasks, c.peak]).toEqual([3, 1]);
  });
});
