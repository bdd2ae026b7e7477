// asyncpg's pool alone, over a database server that opens a connection in 100 µs.
import { describe, expect, it } from 'vitest';
import { Constant } from '../../../src/engine/distributions.js';
import { ACQUIRE_TIMED_OUT, AsyncpgPool, NO_POOL, type AsyncpgPoolSettings } from '../../../src/model/database/asyncpgPool.js';
import type { DbServer } from '../../../src/model/database/server.js';
import { HubLoop } from '../../../src/model/hubLoop.js';
import { fakeServer, harness, request, type Harness } from './harness.js';

const SETTINGS: AsyncpgPoolSettings = {
  minSize: 0,
  maxSize: 1,
  timeout: 0,
  maxInactiveConnectionLifetime: 0,
  onStartupError: 'serve',
  connectCpu: new Constant(0),
};

function setup(settings: Partial<AsyncpgPoolSettings>, server?: (h: Harness) => DbServer, loop?: HubLoop) {
  const h = harness();
  const tally = { startupRefusals: 0 };
  const pool = new AsyncpgPool(
    h.sim,
    { ...SETTINGS, ...settings },
    server?.(h) ?? fakeServer(h, { openTime: 100 }),
    () => 0.5,
    tally,
    loop,
  );
  /** Request `id` acquires a connection; the log says when it has one. */
  const acquire = (id: number) =>
    pool.checkout(request(id), 0, (n, error) => h.note(error === undefined ? `got ${n}` : `${n} ${error}`), id);
  let task = 100;
  /** The worker's start-up tasks: each connect gets its own record (ids 101, 102...). */
  const tasks = { startupTask: () => request(++task) };
  const start = () =>
    pool.start(tasks, (_: undefined, error) => h.note(error === undefined ? 'pool started' : `create_pool raised ${error}`), undefined);
  return { h, pool, tally, acquire, start };
}

/** A server that opens in 100 µs and refuses every connection after the first `slots`. */
function fullAfter(slots: number) {
  return (h: Harness): DbServer => {
    let open = 0;
    return {
      open(req, _cpu, done, a) {
        h.note(`server open ${req.id}`);
        const error = open < slots ? undefined : 'FATAL:  sorry, too many clients already';
        if (error === undefined) open++;
        h.sim.schedule(100, () => done(a, error), undefined);
      },
      query() {},
      close() {
        open--;
        h.note('server close');
      },
    };
  };
}

describe("asyncpg's pool, alone", () => {
  it('opens min_size connections at start-up: the first alone, then the others at once', () => {
    const { h, pool, start } = setup({ minSize: 3, maxSize: 3 });
    h.at(0, start);
    expect(h.run()).toEqual(['0 server open 101', '100 server open 102', '100 server open 103', '200 pool started']);
    expect(pool.open).toBe(3);
  });

  it('fails create_pool at the first refusal and closes nothing: its connections stay open until the worker exits', () => {
    // Two slots: the first connect and one of the two that follow get them. create_pool
    // raises at the refusal (Pool._async__init__ has no clean-up); both connections stay
    // open, waiting for the garbage collector, until the worker's process is gone.
    const { h, pool, tally, start } = setup({ minSize: 3, maxSize: 3 }, fullAfter(2));
    h.at(0, start);
    h.at(1000, () => pool.closeAll());
    expect(h.run()).toEqual([
      '0 server open 101',
      '100 server open 102',
      '100 server open 103',
      '200 create_pool raised FATAL:  sorry, too many clients already',
      '1000 server close',
      '1000 server close',
    ]);
    expect([pool.open, pool.failed, tally.startupRefusals]).toEqual([0, true, 1]);
  });

  it('serves without a pool once create_pool has failed: every acquire raises', () => {
    const { h, start, acquire } = setup({ minSize: 1 }, fullAfter(0));
    h.at(0, start);
    h.at(500, () => acquire(1));
    expect(h.run()).toEqual(['0 server open 101', '100 create_pool raised FATAL:  sorry, too many clients already', `500 1 ${NO_POOL}`]);
  });

  it('makes an acquire beyond max_size wait, and raises TimeoutError after its timeout', () => {
    const { h, pool, acquire } = setup({ maxSize: 1, timeout: 1000 });
    h.at(0, () => [1, 2].forEach(acquire));
    h.at(50, () => acquire(3));
    // 2 times out at 1000; 3 is still waiting when 1 releases its connection at 1020, and gets it.
    h.at(1020, () => pool.checkin(request(0)));
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', `1000 2 ${ACQUIRE_TIMED_OUT}`, '1020 got 3']);
    expect([pool.waited, pool.timeouts]).toEqual([2, 1]);
  });

  it('wakes the oldest waiter, which takes a holder only when its task runs: an acquire that runs first takes it, and the woken one waits again', () => {
    // max_size 1. The worker's loop is busy from 0 to 500. 1 holds the connection (opened
    // 0-100), 2 waits. At 200 1 releases: the holder goes back and 2's task is woken (a
    // callback of the loop). At 300 request 3 acquires (it runs now) and takes it. At 500
    // 2's task runs, finds the queue empty, and waits again. 3 releases at 600: 2 is
    // woken, the loop is free, and 2 gets it.
    const loop = new HubLoop('loop');
    const { h, pool, acquire } = setup({}, undefined, loop);
    h.at(0, () => loop.acquire(() => h.at(500, () => loop.release()), undefined));
    h.at(0, () => [1, 2].forEach(acquire));
    h.at(200, () => pool.checkin(request(0)));
    h.at(300, () => acquire(3));
    h.at(600, () => pool.checkin(request(0)));
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', '300 got 3', '600 got 2']);
  });

  it('waits for ever without a timeout (asyncpg: timeout=None)', () => {
    const { h, pool, acquire } = setup({ maxSize: 1 });
    h.at(0, () => [1, 2].forEach(acquire));
    h.at(60_000_000, () => pool.checkin(request(0)));
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', '60000000 got 2']);
  });

  it('closes a connection idle for max_inactive_connection_lifetime, and opens a new one for the next acquire', () => {
    const { h, pool, acquire } = setup({ maxSize: 1, maxInactiveConnectionLifetime: 1000 });
    h.at(0, () => acquire(1));
    h.at(200, () => pool.checkin(request(0)));
    h.at(500, () => acquire(2)); // reused: its idle time starts again at its release
    h.at(600, () => pool.checkin(request(0)));
    h.at(2000, () => acquire(3));
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', '500 got 2', '1600 server close', '2000 server open 3', '2100 got 3']);
    expect(pool.inactiveClosed).toBe(1);
  });
});
