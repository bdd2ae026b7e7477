// uvicorn's worker alone (UvicornWorker), with a fake app: its connections, its 503s
// beyond limit_concurrency, and its start-up before it serves.
import { describe, expect, it } from 'vitest';
import type { Uniform } from '../../../src/engine/random.js';
import type { App } from '../../../src/model/app.js';
import { Listener } from '../../../src/model/listener.js';
import type { HttpRequest } from '../../../src/model/request.js';
import { UvicornWorker } from '../../../src/model/server/uvicorn.js';
import type { WorkerOwner, WorkerSettings } from '../../../src/model/server/worker.js';
import { gauge, harness, loggingClient, request, type Harness } from './harness.js';

const never: Uniform = () => {
  throw new Error('the policy "first" draws nothing');
};

const SETTINGS: WorkerSettings = {
  connections: 1_048_576,
  threads: 1,
  keepalive: 300,
  maxRequests: 0,
  watched: false,
  requestCpu: 0,
  acceptCpu: 0,
  maxAccept: 100,
  notifyInterval: 15_000_000,
  limitConcurrency: 2,
  threadpool: 0,
  threadpoolCpu: 0,
};

/** An app whose handler answers 200 after 100 µs, and whose server-side answers (the 503s) go out at once. */
function fakeApp(h: Harness, startup?: { time: number; error?: string }): App {
  return {
    db:
      startup === undefined
        ? undefined
        : {
            opensAtStartup: true,
            startWorker(_w: unknown, done: (a: unknown, e: string | undefined) => void, a: unknown) {
              h.note('startup');
              h.sim.schedule(startup.time, () => done(a, startup.error), undefined);
            },
          },
    start(req: HttpRequest) {
      h.note(`start ${req.id}`);
      h.sim.schedule(100, (r: HttpRequest) => r.killed || r.host!.finished(r, 200), req);
    },
    answer(req: HttpRequest, _cpu: number, status: number) {
      h.note(`answer ${req.id} ${status}`);
      req.host!.finished(req, status);
    },
    killed() {},
  } as unknown as App;
}

function setup(startup?: { time: number; error?: string }) {
  const h = harness();
  const listener = new Listener(h.sim, 10, [1_000_000], 'first', never, gauge());
  const owner: WorkerOwner = {
    notified() {},
    exited: (w) => h.note(`exited ${w.index}`),
    booted: (_w, error) => h.note(error === undefined ? 'booted' : `boot failed ${error}`),
  };
  const worker = new UvicornWorker(0, h.sim, listener, fakeApp(h, startup), SETTINGS, { running: gauge(), keepalive: gauge() }, owner);
  const client = loggingClient(h);
  const connect = (id: number) => {
    const req = request(id, client);
    req.conn.request = req;
    listener.syn(req.conn);
    return req;
  };
  return { h, worker, connect };
}

describe('a uvicorn worker, alone', () => {
  it('answers 503 and closes the connection once it holds limit_concurrency connections, kept-alive ones included', () => {
    // Limit 2: 1 runs; 2 finds two connections open (1's and its own) and gets a 503. At
    // 200, 1's connection is idle in keep-alive and still counts: 3 gets a 503 too.
    const { h, worker, connect } = setup();
    h.at(0, () => worker.boot());
    h.at(0, () => {
      connect(1);
      connect(2);
    });
    h.at(200, () => connect(3));
    expect(h.run()).toEqual([
      '0 booted',
      '0 connected 1',
      '0 start 1',
      '0 connected 2',
      '0 answer 2 503',
      '0 response 2 503',
      '100 response 1 200',
      '200 connected 3',
      '200 answer 3 503',
      '200 response 3 503',
      '400 closed 1',
    ]);
  });

  it("serves only once its app's start-up is over; connections wait in the backlog meanwhile", () => {
    const { h, worker, connect } = setup({ time: 500 });
    h.at(0, () => worker.boot());
    h.at(10, () => connect(1));
    expect(h.run()).toEqual(['0 startup', '10 connected 1', '500 start 1', '500 booted', '600 response 1 200', '900 closed 1']);
  });

  it('tells the arbiter when its start-up failed (the arbiter decides: halt, or serve without a pool)', () => {
    const { h, worker } = setup({ time: 500, error: 'FATAL:  sorry, too many clients already' });
    h.at(0, () => worker.boot());
    expect(h.run()).toEqual(['0 startup', '500 boot failed FATAL:  sorry, too many clients already']);
  });
});
