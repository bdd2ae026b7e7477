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

describe("uvicorn workers racing for the listening socket (libuv's accept loop)", () => {
  // 10 µs of the worker's CPU per accepted connection (uvloop's protocol and transport),
  // cores to spare; the app logs which worker started each request ("start 3 on 1").
  const ACCEPT = { ...SETTINGS, acceptCpu: 10, limitConcurrency: 0 };

  /** `workers` uvicorn workers sharing one listener; `draws`: the random policy's stream (none: 'first'). */
  function race(workers: number, draws?: number[]) {
    const h = harness();
    let d = 0;
    const pick: Uniform = draws === undefined ? never : () => draws[d++ % draws.length];
    const listener = new Listener(h.sim, 100, [1_000_000], draws === undefined ? 'first' : 'random', pick, gauge());
    const app = {
      db: undefined,
      cpuUsed: 0,
      // Unlimited cores: a piece of work ends `work` µs after it starts.
      cpu: {
        cores: 1e9,
        run: (work: number, fn: (a: unknown, b: unknown) => void, a: unknown, b: unknown) =>
          h.sim.schedule(work, () => fn(a, b), undefined),
      },
      start(req: HttpRequest) {
        h.note(`start ${req.id} on ${(req.host as UvicornWorker).index}`);
      },
      killed() {},
    } as unknown as App;
    const owner: WorkerOwner = { notified() {}, exited: (w) => h.note(`exited ${w.index}`) };
    const pool = Array.from(
      { length: workers },
      (_, i) => new UvicornWorker(i, h.sim, listener, app, ACCEPT, { running: gauge(), keepalive: gauge() }, owner),
    );
    const client = loggingClient(h);
    const connect = (id: number) => {
      const req = request(id, client);
      req.conn.request = req;
      listener.syn(req.conn);
    };
    h.at(0, () => {
      for (const w of pool) w.boot();
    });
    return { h, pool, connect, listener };
  }

  it('50 connections at once, 4 workers asleep: the first woken takes them all, one every 10 µs', () => {
    // c1 wakes the four; worker 0 (first) accepts it and sets it up (0-10). c2-c50 arrive
    // while it is in its accept loop: it is running, the sleepers are not, and its next
    // accepts find them first: c_k is set up (k-1)·10 to k·10 µs and its request starts then.
    const { h, pool, connect } = race(4);
    h.at(1, () => {
      for (let id = 1; id <= 50; id++) connect(id);
    });
    const connected = Array.from({ length: 50 }, (_, i) => `1 connected ${i + 1}`);
    const started = Array.from({ length: 50 }, (_, i) => `${11 + 10 * i} start ${i + 1} on 0`);
    expect(h.run()).toEqual([...connected, ...started]);
    expect(pool.map((w) => w.peakOpen)).toEqual([50, 0, 0, 0]);
  });

  it('the first woken is the one the policy puts first (random: drawn from the seeded stream)', () => {
    // Draws of 0: the SYN's choice (unused), then Fisher-Yates from the end swaps each
    // position with 0: [0,1,2,3] -> [3,1,2,0] -> [2,1,3,0] -> [1,2,3,0]. Worker 1 wakes
    // first and takes the three.
    const { h, pool, connect } = race(4, [0]);
    h.at(1, () => {
      for (let id = 1; id <= 3; id++) connect(id);
    });
    expect(h.run()).toEqual(['1 connected 1', '1 connected 2', '1 connected 3', '11 start 1 on 1', '21 start 2 on 1', '31 start 3 on 1']);
    expect(pool.map((w) => w.peakOpen)).toEqual([0, 3, 0, 0]);
  });

  it('its turn ends when the queue is empty (EAGAIN); a connection after that wakes the sleepers again', () => {
    // Worker 0 takes c1 (1-11), finds the queue empty at 11 and goes back to its poll. c2
    // comes at 15 with nobody accepting: the policy's first sleeper, worker 0 again.
    // c3 comes at 20 while worker 0 sets c2 up: worker 0's next accept takes it (25-35).
    const { h, pool, connect } = race(2);
    h.at(1, () => connect(1));
    h.at(15, () => connect(2));
    h.at(20, () => connect(3));
    expect(h.run()).toEqual(['1 connected 1', '11 start 1 on 0', '15 connected 2', '20 connected 3', '25 start 2 on 0', '35 start 3 on 0']);
    expect(pool.map((w) => w.peakOpen)).toEqual([3, 0]);
  });

  it('a connection that comes while a worker is busy goes to a sleeper; the busy one finds the queue empty when its loop polls', () => {
    // Worker 0's loop runs something else 0-500 µs. c1 at 100 wakes both: worker 0 cannot
    // accept until 500; worker 1, asleep, accepts at once (100-110). At 500 worker 0's
    // accept finds nothing.
    const { h, pool, connect } = race(2);
    h.at(0, () => pool[0].loop.acquire(() => h.note('worker 0 busy'), undefined));
    h.at(500, () => pool[0].loop.release());
    h.at(100, () => connect(1));
    expect(h.run()).toEqual(['0 worker 0 busy', '100 connected 1', '110 start 1 on 1']);
    expect(pool.map((w) => w.peakOpen)).toEqual([0, 1]);
    expect(pool[0].loop.used).toBe(0);
  });

  it('a busy worker whose loop gets to its poll while connections still wait takes its share', () => {
    // Worker 0 is busy 0-15 µs; c1-c4 at 1. Worker 1 accepts c1 (1-11), c2 (11-21), ...;
    // worker 0's loop polls at 15 and accepts c3 (15-25); worker 1 takes c4 at 21 (21-31);
    // worker 0 finds the queue empty at 25, worker 1 at 31.
    const { h, pool, connect } = race(2);
    h.at(0, () => pool[0].loop.acquire(() => {}, undefined));
    h.at(15, () => pool[0].loop.release());
    h.at(1, () => {
      for (let id = 1; id <= 4; id++) connect(id);
    });
    expect(h.run()).toEqual([
      '1 connected 1',
      '1 connected 2',
      '1 connected 3',
      '1 connected 4',
      '11 start 1 on 1',
      '21 start 2 on 1',
      '25 start 3 on 0',
      '31 start 4 on 1',
    ]);
    expect(pool.map((w) => w.peakOpen)).toEqual([1, 3]);
  });

  it('killed in its accept loop: the connection in hand is closed, and the sleepers are woken for the rest', () => {
    // Worker 0 takes c1 (1-11) and c2 (11-21); killed at 15, its sockets close (c1 now, c2
    // when its set-up would have ended); c3 and c4 still wait, and worker 1, woken, takes
    // them (15-25, 25-35).
    const { h, pool, connect } = race(2);
    h.at(1, () => {
      for (let id = 1; id <= 4; id++) connect(id);
    });
    h.at(15, () => pool[0].kill());
    expect(h.run()).toEqual([
      '1 connected 1',
      '1 connected 2',
      '1 connected 3',
      '1 connected 4',
      '11 start 1 on 0',
      '15 closed 1',
      '15 exited 0',
      '21 closed 2',
      '25 start 3 on 1',
      '35 start 4 on 1',
    ]);
  });
});
