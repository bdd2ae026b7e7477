// An app-side connection pool (SQLAlchemy's QueuePool) alone, over a database server that
// opens a connection in 100 µs.
import { describe, expect, it } from 'vitest';
import { ConnectionPool } from '../../../src/model/database/pool.js';
import type { PoolSettings } from '../../../src/model/database/pool.js';
import { fakeServer, harness, request } from './harness.js';

function setup(settings: PoolSettings) {
  const h = harness();
  const pool = new ConnectionPool(h.sim, settings, fakeServer(h, { openTime: 100 }));
  /** Request `id` checks a connection out; the log says when it has one. */
  const checkout = (id: number) =>
    pool.checkout(request(id), 0, (n, error) => h.note(error === undefined ? `got ${n}` : `${n} ${error}`), id);
  return { h, pool, checkout };
}

describe('a connection pool, alone', () => {
  it('opens up to pool_size + max_overflow, hands returned connections to waiters, closes the overflow', () => {
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 1, timeout: 1000 });
    // Four checkouts at once: two connections open, two requests wait.
    h.at(0, () => [1, 2, 3, 4].forEach(checkout));
    // Each check-in goes to the oldest waiter; with none waiting, the overflow connection
    // closes and the last one stays open, idle, for the next checkout.
    h.at(200, () => pool.checkin());
    h.at(300, () => pool.checkin());
    h.at(400, () => pool.checkin());
    h.at(500, () => pool.checkin());
    h.at(600, () => checkout(5));
    expect(h.run()).toEqual([
      '0 server open 1',
      '0 server open 2',
      '100 got 1',
      '100 got 2',
      '200 got 3',
      '300 got 4',
      '400 server close',
      '600 got 5',
    ]);
    expect(pool.peakOpen).toBe(2);
  });

  it('gives up on a checkout after pool_timeout', () => {
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 0, timeout: 1000 });
    h.at(0, () => [1, 2].forEach(checkout));
    expect(h.run()).toEqual([
      '0 server open 1',
      '100 got 1',
      '1000 2 sqlalchemy.exc.TimeoutError: QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.001',
    ]);
    expect(pool.timeouts).toBe(1);
  });

  it('closes what its dead process held, and a connection still opening once it is ready', () => {
    const { h, pool, checkout } = setup({ size: 2, maxOverflow: 0, timeout: 0 });
    h.at(0, () => checkout(1));
    h.at(150, () => checkout(2));
    h.at(200, () => pool.closeAll());
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', '150 server open 2', '200 server close', '250 server close']);
  });

  it('with pool_pre_ping, pings a pooled connection before handing it out (a new one is not pinged)', () => {
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 0, timeout: 0, pingCpu: 50 });
    h.at(0, () => checkout(1));
    h.at(200, () => pool.checkin());
    h.at(300, () => checkout(2));
    // The fake server's query lasts its wait alone: the ping's round trip is instant here.
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', '300 server query 2', '300 got 2']);
  });
});
