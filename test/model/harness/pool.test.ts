// An app-side connection pool (SQLAlchemy's QueuePool) alone, over a database server that
// opens a connection in 100 µs.
import { describe, expect, it } from 'vitest';
import { Resource } from '../../../src/engine/resource.js';
import { ConnectionPool } from '../../../src/model/database/pool.js';
import { HubLoop } from '../../../src/model/hubLoop.js';
import type { PoolSettings } from '../../../src/model/database/pool.js';
import { fakeServer, harness, request } from './harness.js';

function setup(settings: PoolSettings, loop?: Resource) {
  const h = harness();
  const pool = new ConnectionPool(h.sim, settings, fakeServer(h, { openTime: 100 }), loop);
  /** Request `id` checks a connection out; the log says when it has one. */
  const checkout = (id: number) =>
    pool.checkout(request(id), 0, (n, error) => h.note(error === undefined ? `got ${n}` : `${n} ${error}`), id);
  return { h, pool, checkout };
}

describe('a connection pool, alone', () => {
  it('hands out each connection with its backend, the one returned first first: a backend is one process from query to query', () => {
    // pool_size 2, max_overflow 1. 1, 2 and 3 open three connections (backends 1, 2 and 3)
    // and return them, 2 first, then 1, then 3, which finds the queue of two places full
    // and closes its own. QueuePool's queue is FIFO (no use_lifo): 4 gets backend 2 and 5
    // backend 1, and each one's query runs on that backend.
    const h = harness();
    const server = fakeServer(h, { openTime: 100, backends: true });
    const pool = new ConnectionPool(h.sim, { size: 2, maxOverflow: 1, timeout: 1000 }, server);
    const r = [0, 1, 2, 3, 4, 5].map((id) => request(id));
    const take = (id: number) =>
      pool.checkout(r[id], 0, () => server.query(r[id], 0, 10, () => h.note(`${id} queried`), undefined), undefined);
    h.at(0, () => [1, 2, 3].forEach(take));
    h.at(200, () => pool.checkin(r[2]));
    h.at(210, () => pool.checkin(r[1]));
    h.at(220, () => pool.checkin(r[3]));
    h.at(300, () => [4, 5].forEach(take));
    expect(h.run()).toEqual([
      '0 server open 1',
      '0 server open 2',
      '0 server open 3',
      '100 server query 1 on backend 1',
      '100 server query 2 on backend 2',
      '100 server query 3 on backend 3',
      '110 1 queried',
      '110 2 queried',
      '110 3 queried',
      '220 server close on backend 3',
      '300 server query 4 on backend 2',
      '300 server query 5 on backend 1',
      '310 4 queried',
      '310 5 queried',
    ]);
  });

  it('opens up to pool_size + max_overflow, hands returned connections to waiters, closes the overflow', () => {
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 1, timeout: 1000 });
    // Four checkouts at once: two connections open, two requests wait.
    h.at(0, () => [1, 2, 3, 4].forEach(checkout));
    // Each check-in goes to the oldest waiter. With none waiting, the first returned
    // connection stays open, idle (fewer than pool_size are idle); the next finds pool_size
    // idle already and closes (SQLAlchemy's queue of pool_size places is full).
    h.at(200, () => pool.checkin(request(0)));
    h.at(300, () => pool.checkin(request(0)));
    h.at(400, () => pool.checkin(request(0)));
    h.at(500, () => pool.checkin(request(0)));
    h.at(600, () => checkout(5));
    expect(h.run()).toEqual([
      '0 server open 1',
      '0 server open 2',
      '100 got 1',
      '100 got 2',
      '200 got 3',
      '300 got 4',
      '500 server close',
      '600 got 5',
    ]);
    expect(pool.peakOpen).toBe(2);
  });

  it("wakes a waiter that takes a connection only when its worker's loop gets to it: a newcomer takes it first, and a full queue closes the next", () => {
    // pool_size 1, max_overflow 1. The worker's loop is busy from 0 to 500 (other greenlets).
    // 1 and 2 open both connections; 3 waits. At 200 a check-in queues a connection and
    // wakes 3, which needs the loop. At 300 another check-in finds the queue (1 place) full:
    // it closes. At 400 request 4 checks out and takes the queued connection at once. At
    // 500 request 3 runs, finds the queue empty and waits again. At 600 4's check-in wakes
    // it, the loop is free, and 3 gets that connection.
    const loop = new Resource(1);
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 1, timeout: 1_000_000 }, loop);
    h.at(0, () => loop.acquire(() => h.at(500, () => loop.release()), undefined));
    h.at(0, () => [1, 2, 3].forEach(checkout));
    h.at(200, () => pool.checkin(request(0)));
    h.at(300, () => pool.checkin(request(0)));
    h.at(400, () => checkout(4));
    h.at(600, () => pool.checkin(request(0)));
    expect(h.run()).toEqual(['0 server open 1', '0 server open 2', '100 got 1', '100 got 2', '300 server close', '400 got 4', '600 got 3']);
  });

  it('a check-in that finds the queue full closes its connection and wakes nobody: the waiters sleep on, in their order', () => {
    // pool_size 1, max_overflow 1; the worker's loop is busy from 0 to 500. 1 and 2 open
    // both connections; 3, 4 and 5 wait, in that order. At 200 a check-in queues a
    // connection and wakes 3 (for when the loop is free). At 300 a check-in finds the queue
    // full: it closes, and put(block=False) raised Full before notifying anyone, so 4
    // sleeps on. At 500 3 runs and takes the queued connection; at 600 its first IO gives
    // the loop up. At 750 a check-in wakes
    // the oldest sleeper, 4, ahead of 5 (woken at 300 and finding nothing at 500, 4 would
    // have waited again behind 5).
    const loop = new Resource(1);
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 1, timeout: 1_000_000 }, loop);
    h.at(0, () => loop.acquire(() => h.at(500, () => loop.release()), undefined));
    h.at(0, () => [1, 2, 3, 4, 5].forEach(checkout));
    h.at(200, () => pool.checkin(request(0)));
    h.at(300, () => pool.checkin(request(0)));
    h.at(600, () => loop.release());
    h.at(750, () => pool.checkin(request(0)));
    // 5, never served, gives up at its pool_timeout (1 s).
    expect(h.run()).toEqual([
      '0 server open 1',
      '0 server open 2',
      '100 got 1',
      '100 got 2',
      '300 server close',
      '500 got 3',
      '750 got 4',
      '1000000 5 sqlalchemy.exc.TimeoutError: QueuePool limit of size 1 overflow 1 reached, connection timed out, timeout 1.00 (Background on this error at: https://sqlalche.me/e/14/3o7r)',
    ]);
  });

  it("under gevent, a woken waiter runs as a callback: before the IO its worker's next poll finds", () => {
    // pool_size 1, no overflow; 1 holds the connection, 2 waits. The loop is busy from 0
    // to 500 (a greenlet's CPU). At 200 1's check-in wakes 2 (a callback); at 300 a
    // request's IO becomes ready (it checks out when it runs). At 500 the callback runs
    // first: 2 takes the connection; the newcomer, run after it, waits.
    const loop = new HubLoop('loop');
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 0, timeout: 1_000_000 }, loop);
    h.at(0, () => loop.acquire(() => h.at(500, () => loop.release()), undefined));
    h.at(0, () => [1, 2].forEach(checkout));
    h.at(200, () => pool.checkin(request(0)));
    h.at(300, () =>
      loop.acquire(() => {
        checkout(3);
        loop.release();
      }, undefined),
    );
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', '500 got 2']);
  });

  it('a woken waiter whose pool_timeout ran out while it waited for the loop raises at once', () => {
    // pool_size 1, no overflow, pool_timeout 1000; the loop is busy until 1500. 2 waits
    // from 0 and is woken at 200, but gets the loop at 1500, after its time ran out (1000):
    // the connection 1 returned was taken at 1200 by 3, and 2 raises.
    const loop = new Resource(1);
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 0, timeout: 1000 }, loop);
    h.at(0, () => loop.acquire(() => h.at(1500, () => loop.release()), undefined));
    h.at(0, () => [1, 2].forEach(checkout));
    h.at(200, () => pool.checkin(request(0)));
    h.at(1200, () => checkout(3));
    expect(h.run()).toEqual([
      '0 server open 1',
      '100 got 1',
      '1200 got 3',
      '1500 2 sqlalchemy.exc.TimeoutError: QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.00 (Background on this error at: https://sqlalche.me/e/14/3o7r)',
    ]);
    expect(pool.timeouts).toBe(1);
  });

  it('with pool_timeout 0, raises at once when it finds no connection and can open none, as SQLAlchemy does (it never waits)', () => {
    // pool_size 1, no overflow: 1 opens the connection; 2 and 3 find none and may open none:
    // Queue.get(True, 0) raises Empty at once. At 200 1 returns it, and 4 takes it.
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 0, timeout: 0 });
    h.at(0, () => [1, 2].forEach(checkout));
    h.at(50, () => checkout(3));
    h.at(200, () => pool.checkin(request(0)));
    h.at(300, () => checkout(4));
    const error =
      'sqlalchemy.exc.TimeoutError: QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.00 (Background on this error at: https://sqlalche.me/e/14/3o7r)';
    expect(h.run()).toEqual(['0 server open 1', `0 2 ${error}`, `50 3 ${error}`, '100 got 1', '300 got 4']);
    expect(pool.timeouts).toBe(2);
  });

  it('gives up on a checkout after pool_timeout', () => {
    const { h, pool, checkout } = setup({ size: 1, maxOverflow: 0, timeout: 1000 });
    h.at(0, () => [1, 2].forEach(checkout));
    expect(h.run()).toEqual([
      '0 server open 1',
      '100 got 1',
      '1000 2 sqlalchemy.exc.TimeoutError: QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.00 (Background on this error at: https://sqlalche.me/e/14/3o7r)',
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
    h.at(200, () => pool.checkin(request(0)));
    h.at(300, () => checkout(2));
    // The fake server's query lasts its wait alone: the ping's round trip is instant here.
    expect(h.run()).toEqual(['0 server open 1', '100 got 1', '300 server query 2', '300 got 2']);
  });
});
