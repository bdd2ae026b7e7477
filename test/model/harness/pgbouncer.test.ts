// PgBouncer alone, in front of a PostgreSQL that opens a connection in 100 µs.
import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_CONN, PgBouncer, QUERY_WAIT_TIMEOUT, type PgBouncerSettings } from '../../../src/model/database/pgbouncer.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { fakeServer, harness, request } from './harness.js';

function setup(changes: Partial<PgBouncerSettings>, cores = 0, backends = false) {
  const h = harness();
  const settings: PgBouncerSettings = {
    poolMode: 'session',
    defaultPoolSize: 1,
    maxClientConn: 2,
    loginTime: 50,
    loginCpu: 0,
    queryCpu: 0,
    serverCpu: 0,
    queryWaitTimeout: 1000,
    closesInTransaction: false,
    ...changes,
  };
  const cpu = cores > 0 ? new SharedCpu(h.sim, cores) : undefined;
  const bouncer = new PgBouncer(h.sim, settings, fakeServer(h, { openTime: 100, backends }), cpu);
  const log = (what: string) => (id: number, error: string | undefined) => h.note(error === undefined ? `${what} ${id}` : `${id} ${error}`);
  // One request per client, as a handler that connects, queries and closes.
  const requests = new Map<number, ReturnType<typeof request>>();
  const req = (id: number) => requests.get(id) ?? requests.set(id, request(id)).get(id)!;
  const open = (id: number) => bouncer.open(req(id), 0, log('ready'), id);
  const query = (id: number, wait: number) => bouncer.query(req(id), 0, wait, log('result'), id);
  const close = (id: number) => bouncer.close(req(id));
  return { h, bouncer, open, query, close };
}

describe('PgBouncer, alone', () => {
  it('transaction mode: each query runs on the backend of the server connection it gets, the one freed last first', () => {
    // default_pool_size 2. 1, 2 and 3 log in (50 µs each). At 200, 1 and 2 query: PgBouncer
    // opens a server connection for 1 (backend 1, ready at 300) and then one more (backend
    // 2, ready at 400). 1's query ends at 400 first and frees backend 1 to 2, which waits;
    // backend 2 arrives to find nobody waiting and idles. 2's query frees backend 1 at 410,
    // on top of the idle ones (server_round_robin = 0: last in, first out): 3 gets it at
    // 500 and frees it again at 510, and 1 gets it at 600. Backend 2 stays idle.
    const { h, open, query } = setup({ poolMode: 'transaction', defaultPoolSize: 2, maxClientConn: 3 }, 0, true);
    h.at(0, () => [1, 2, 3].forEach(open));
    h.at(200, () => {
      query(1, 100);
      query(2, 10);
    });
    h.at(500, () => query(3, 10));
    h.at(600, () => query(1, 10));
    expect(h.run().filter((line) => line.includes('server'))).toEqual([
      '200 server open 1',
      '300 server query 1 on backend 1',
      '300 server open 2',
      '400 server query 2 on backend 1',
      '500 server query 3 on backend 1',
      '600 server query 1 on backend 1',
    ]);
  });

  it('session mode: logs clients in one at a time, gives each a server connection for the session, refuses beyond max_client_conn', () => {
    const { h, bouncer, open } = setup({ poolMode: 'session' });
    h.at(0, () => open(1));
    h.at(100, () => open(2));
    h.at(200, () => open(3));
    // 1 logs in 0-50 and gets the one server connection, opened 50-150. 2 logs in 100-150
    // and waits for it; it gets it when 1 disconnects at 500. 3 is accepted at 200, and
    // its startup packet finds 3 clients counted.
    h.at(500, () => bouncer.close());
    expect(h.run()).toEqual(['50 server open 1', '150 ready 1', `200 3 ${MAX_CLIENT_CONN}`, '500 ready 2']);
    expect([bouncer.refused, bouncer.peakClients]).toEqual([1, 2]);
  });

  it('counts every accepted client, so a flood beyond max_client_conn is refused whole, and frees the refused at the end of the iteration', () => {
    const { h, bouncer, open } = setup({ poolMode: 'session', maxClientConn: 2 });
    // Three connections pending together: accepted together (3 counted), then each startup
    // packet is read while 3 are counted (the refused ones count until the iteration ends).
    h.at(0, () => [1, 2, 3].forEach(open));
    // The next one, alone, is admitted: the refused were freed.
    h.at(10, () => open(4));
    expect(h.run()).toEqual([
      `0 1 ${MAX_CLIENT_CONN}`,
      `0 2 ${MAX_CLIENT_CONN}`,
      `0 3 ${MAX_CLIENT_CONN}`,
      '60 server open 4',
      '160 ready 4',
    ]);
    // Clients logged in at most at once: 1 (the refused never were).
    expect([bouncer.refused, bouncer.peakClients, bouncer.clients]).toEqual([3, 1, 1]);
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

  it("transaction mode, a client that closes inside its transaction: it holds its server connection from its first query to its close, and PgBouncer closes it ('client disconnect while server was not ready')", () => {
    const { h, bouncer, open, query, close } = setup({ poolMode: 'transaction', closesInTransaction: true });
    h.at(0, () => [1, 2].forEach(open));
    // 1 opens the one server connection (200-300) and queries (300-400); its transaction is
    // still open, so 2 waits. 1 closes at 500: the server connection closes, and 2 opens
    // another (500-600) and queries (600-700).
    h.at(200, () => {
      query(1, 100);
      query(2, 100);
    });
    h.at(500, () => close(1));
    expect(h.run()).toEqual([
      '50 ready 1',
      '100 ready 2',
      '200 server open 1',
      '300 server query 1',
      '400 result 1',
      '500 server close',
      '500 server open 2',
      '600 server query 2',
      '700 result 2',
    ]);
    expect([bouncer.serversOpened, bouncer.serversClosed]).toEqual([2, 1]);
  });

  it('runs its own CPU on its one thread: logins one after another, a query relayed after its turn', () => {
    // One core to itself: logins of 100 µs each, relaying a query 10 µs, opening a server connection 20 µs.
    const { h, bouncer, open, query } = setup({ poolMode: 'transaction', loginTime: 0, loginCpu: 100, queryCpu: 10, serverCpu: 20 }, 1);
    h.at(0, () => [1, 2].forEach(open));
    // 2's query (at 150) waits for 2's login (100-200): relayed 200-210, server opened 210-230 + 100.
    h.at(150, () => query(2, 50));
    expect(h.run()).toEqual(['100 ready 1', '200 ready 2', '230 server open 2', '330 server query 2', '380 result 2']);
    expect(bouncer.cpuUsed).toBe(100 + 100 + 10 + 20);
  });

  it('opens its server connections one at a time (janitor.c launch_new_connection), each going to the oldest waiting client', () => {
    const { h, bouncer, open, query } = setup({ poolMode: 'transaction', defaultPoolSize: 2 });
    h.at(0, () => [1, 2].forEach(open));
    // Both query at 200: the first server connection opens 200-300 and goes to 1; only then
    // does the second open (300-400), for 2.
    h.at(200, () => {
      query(1, 100);
      query(2, 100);
    });
    expect(h.run()).toEqual([
      '50 ready 1',
      '100 ready 2',
      '200 server open 1',
      '300 server query 1',
      '300 server open 2',
      '400 server query 2',
      '400 result 1',
      '500 result 2',
    ]);
    expect(bouncer.serversOpened).toBe(2);
  });
});
