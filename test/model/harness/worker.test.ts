// A gunicorn worker alone: a real listener in front of it, an app that answers after a
// fixed time, a client that logs what comes back, an arbiter that logs what it is told.
import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/model/app.js';
import { Listener } from '../../../src/model/listener.js';
import type { HttpRequest } from '../../../src/model/request.js';
import { GeventWorker } from '../../../src/model/server/gevent.js';
import { ThreadWorker } from '../../../src/model/server/gthread.js';
import { SyncWorker } from '../../../src/model/server/sync.js';
import type { WorkerOwner, WorkerSettings } from '../../../src/model/server/worker.js';
import { gauge, harness, loggingClient, noDraws, request, type Harness } from './harness.js';

const SETTINGS: WorkerSettings = {
  connections: 1,
  threads: 1,
  keepalive: 0,
  maxRequests: 0,
  watched: false,
  requestCpu: 0,
  acceptCpu: 0,
  maxAccept: 100,
  notifyInterval: 1_000_000,
  limitConcurrency: 0,
  threadpool: 0,
  threadpoolCpu: 0,
  threadpoolQueue: 'fifo',
};

/** An app whose handler logs its start and answers 200 `handlerTime` µs later. */
function fakeApp(h: Harness, handlerTime: number): App {
  return {
    db: undefined,
    start(req: HttpRequest) {
      h.note(`start ${req.id}`);
      // A killed request's handler never answers (App's continuations drop it).
      h.sim.schedule(handlerTime, (r: HttpRequest) => r.killed || r.host!.finished(r, 200), req);
    },
    killed() {},
  } as unknown as App;
}

function setup(kind: 'sync' | 'gthread' | 'gevent', settings: Partial<WorkerSettings>, handlerTime = 100) {
  const h = harness();
  const listener = new Listener(h.sim, 10, [1_000_000], 'first', noDraws, gauge());
  const owner: WorkerOwner = { notified() {}, exited: (w, killed) => h.note(`exited ${w.index}${killed ? ' killed' : ''}`) };
  const args = [
    0,
    h.sim,
    listener,
    fakeApp(h, handlerTime),
    { ...SETTINGS, ...settings },
    { running: gauge(), keepalive: gauge() },
    owner,
  ] as const;
  const worker = kind === 'sync' ? new SyncWorker(...args) : kind === 'gthread' ? new ThreadWorker(...args) : new GeventWorker(...args);
  const client = loggingClient(h);
  /** A new connection whose request the client writes once connected. */
  const connect = (id: number, keepAlive = true) => {
    const req = request(id, client);
    req.keepAlive = keepAlive;
    req.conn.request = req;
    listener.syn(req.conn);
    return req;
  };
  return { h, listener, worker, connect };
}

describe('a sync worker, alone', () => {
  it('handles one connection at a time and closes it after the response', () => {
    const { h, worker, connect } = setup('sync', {});
    h.at(0, () => worker.boot());
    h.at(0, () => {
      connect(1);
      connect(2);
    });
    // 1 is accepted at once; 2 waits in the backlog until 1's connection is closed.
    expect(h.run()).toEqual(['0 connected 1', '0 start 1', '0 connected 2', '100 response 1 200', '100 start 2', '200 response 2 200']);
    expect(worker.served).toBe(2);
    expect(worker.peakOpen).toBe(1);
  });

  it('retires after max_requests once its request is done, leaving the next one in the backlog', () => {
    const { h, listener, worker, connect } = setup('sync', { maxRequests: 1 });
    h.at(0, () => worker.boot());
    h.at(0, () => {
      connect(1);
      connect(2);
    });
    expect(h.run()).toEqual(['0 connected 1', '0 start 1', '0 connected 2', '100 response 1 200', '100 exited 0']);
    expect(listener.queued).toBe(1);
  });

  it('when killed, closes its connection under the running request', () => {
    const { h, worker, connect } = setup('sync', {}, 1000);
    h.at(0, () => worker.boot());
    h.at(0, () => connect(1));
    h.at(500, () => worker.kill());
    expect(h.run()).toEqual(['0 connected 1', '0 start 1', '500 closed 1', '500 exited 0 killed']);
  });
});

describe('a gevent worker, alone', () => {
  it('runs requests side by side up to worker_connections, and keeps connections alive for `keepalive`', () => {
    // Two greenlets, keep-alive 300 µs: 1 and 2 run together; 3 waits for a free slot,
    // which comes when 1's kept-alive connection expires at 100 + 300.
    const { h, worker, connect } = setup('gevent', { connections: 2, keepalive: 300 });
    h.at(0, () => worker.boot());
    h.at(0, () => {
      connect(1);
      connect(2);
      connect(3);
    });
    expect(h.run()).toEqual([
      '0 connected 1',
      '0 start 1',
      '0 connected 2',
      '0 start 2',
      '0 connected 3',
      '100 response 1 200',
      '100 response 2 200',
      '400 closed 1',
      '400 start 3',
      '400 closed 2',
      '500 response 3 200',
      '800 closed 3',
    ]);
  });
});

describe('a gthread worker, alone', () => {
  it('takes up to worker_connections, runs `threads` of them at once, and queues the rest for a thread', () => {
    // 2 threads, 3 connections: 1 and 2 run; 3 is accepted and waits for a thread; 4
    // waits in the backlog. At 100, 1's connection closes (keep-alive 0): the worker
    // accepts 4, and 1's thread goes to 3, the oldest waiting; 2's thread then goes to 4.
    const { h, worker, connect } = setup('gthread', { threads: 2, connections: 3 });
    h.at(0, () => worker.boot());
    h.at(0, () => {
      for (const id of [1, 2, 3, 4]) connect(id);
    });
    expect(h.run()).toEqual([
      '0 connected 1',
      '0 start 1',
      '0 connected 2',
      '0 start 2',
      '0 connected 3',
      '0 connected 4',
      '100 response 1 200',
      '100 start 3',
      '100 response 2 200',
      '100 start 4',
      '200 response 3 200',
      '200 response 4 200',
    ]);
    expect([worker.peakOpen, worker.peakRunning]).toEqual([3, 2]);
  });
});
