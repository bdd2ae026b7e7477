// PgBouncer alone, in front of a PostgreSQL that opens a connection in 100 µs.
import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_CONN, PgBouncer, QUERY_WAIT_TIMEOUT, type PgBouncerSettings } from '../../../src/model/database/pgbouncer.js';
import { fakeServer, harness, request } from './harness.js';

function setup(changes: Partial<PgBouncerSettings>) {
  const h = harness();
  const settings: PgBouncerSettings = {
    poolMode: 'session',
    defaultPoolSize: 1,
    maxClientConn: 2,
    loginTime: 50,
    queryWaitTimeout: 1000,
    ...changes,
  };
  const bouncer = new PgBouncer(h.sim, settings, fakeServer(h, { openTime: 100 }));
  const log = (what: string) => (id: number, error: string | undefined) => h.note(error === undefined ? `${what} ${id}` : `${id} ${error}`);
  const open = (id: number) => bouncer.open(request(id), 0, log('ready'), id);
  const query = (id: number, wait: number) => bouncer.query(request(id), 0, wait, log('result'), id);
  return { h, bouncer, open, query };
}

describe('PgBouncer, alone', () => {
  it('session mode: logs clients in one at a time, gives each a server connection for the session, refuses beyond max_client_conn', () => {
    const { h, bouncer, open } = setup({ poolMode: 'session' });
    h.at(0, () => [1, 2, 3].forEach(open));
    // 1 logs in 0-50 and gets the one server connection, opened 50-150. 2 logs in 50-100
    // and waits for it; it gets it when 1 disconnects at 500.
    h.at(500, () => bouncer.close());
    expect(h.run()).toEqual([`0 3 ${MAX_CLIENT_CONN}`, '50 server open 1', '150 ready 1', '500 ready 2']);
    expect([bouncer.refused, bouncer.peakClients]).toEqual([1, 2]);
  });

  it('transaction mode: a client holds a server connection only for its query', () => {
    const { h, open, query } = setup({ poolMode: 'transaction' });
    h.at(0, () => [1, 2].forEach(open));
    // Both logged in without a server connection; at 200 both query. 1 opens the one
    // server connection (200-300) and queries (300-400); 2 waits for it and queries at 400.
    h.at(200, () => {
      query(1, 100);
      query(2, 100);
    });
    expect(h.run()).toEqual([
      '50 ready 1',
      '100 ready 2',
      '200 server open 1',
      '300 server query 1',
      '400 server query 2',
      '400 result 1',
      '500 result 2',
    ]);
  });

  it('a client waiting longer than query_wait_timeout for a server connection gets an error', () => {
    const { h, open } = setup({ poolMode: 'session', queryWaitTimeout: 300 });
    h.at(0, () => [1, 2].forEach(open));
    // 2 starts waiting at 100 (after its login) and gives up at 400.
    expect(h.run()).toEqual(['50 server open 1', '150 ready 1', `400 2 ${QUERY_WAIT_TIMEOUT}`]);
  });
});
