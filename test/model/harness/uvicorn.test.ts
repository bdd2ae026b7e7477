// uvicorn's worker alone (UvicornWorker), with a fake app: its connections, its 503s
// beyond limit_concurrency, and its start-up before it serves.
import { describe, expect, it } from 'vitest';
import type { Uniform } from '../../../src/engine/random.js';
import type { App } from '../../../src/model/app.js';
import { PerCoreCpu } from '../../../src/engine/cpu/perCore.js';
import { Listener } from '../../../src/model/listener.js';
import type { HttpRequest } from '../../../src/model/request.js';
import { UvicornWorker } from '../../../src/model/server/uvicorn.js';
import type { WorkerOwner, WorkerSettings } from '../../../src/model/server/worker.js';
import { gauge, harness, loggingClient, noDraws, request, type Harness } from './harness.js';

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
  threadpoolQueue: 'fifo',
};

/** An app whose handler answers 200 after 100 µs, and whose server-side answers (the 503s) go out at once. */
function fakeApp(h: Harness, startup?: { time: number; error?: string }): App {
  return {
    // No accept CPU here (SETTINGS.acceptCpu 0): nothing runs on it, and its one core is never busy.
    cpu: { cores: 1, runnable: () => 0 },
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
  const listener = new Listener(h.sim, 10, [1_000_000], 'first', noDraws, gauge());
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

describe("uvicorn workers racing for the listening socket (libuv's accept loop, every sleeper woken)", () => {
  // 10 µs of the worker's CPU per accepted connection (uvloop's protocol and transport);
  // the app logs which worker started each request ("start 3 on 1").
  const ACCEPT = { ...SETTINGS, acceptCpu: 10, limitConcurrency: 0 };

  /**
   * `workers` uvicorn workers sharing one listener on a host of `cores` cores, where a
   * piece of work ends `work` µs after it starts and counts as runnable meanwhile (no
   * core is idle once `cores` pieces run); `draws`: the random policy's stream (none: 'first').
   */
  function race(workers: number, cores: number, draws?: number[]) {
    const h = harness();
    let d = 0;
    const pick: Uniform = draws === undefined ? noDraws : () => draws[d++ % draws.length];
    const listener = new Listener(h.sim, 100, [1_000_000], draws === undefined ? 'first' : 'random', pick, gauge());
    let runnable = 0;
    const app = {
      db: undefined,
      cpuUsed: 0,
      cpu: {
        cores,
        runnable: () => runnable,
        run: (work: number, fn: (a: unknown, b: unknown) => void, a: unknown, b: unknown) => {
          runnable++;
          h.sim.schedule(
            work,
            () => {
              runnable--;
              fn(a, b);
            },
            undefined,
          );
        },
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
    /** Something else takes a core from `from` to `to` µs (hey dialing, a backend). */
    const busy = (from: number, to: number) => {
      h.at(from, () => runnable++);
      h.at(to, () => runnable--);
    };
    h.at(0, () => {
      for (const w of pool) w.boot();
    });
    return { h, pool, connect, listener, busy };
  }

  const connected = (n: number, at = 1) => Array.from({ length: n }, (_, i) => `${at} connected ${i + 1}`);

  it('50 connections at once, 4 workers asleep, 2 cores: two accept loops split the queue; the other two get a core a slice later and find EAGAIN', () => {
    // c1 wakes the four: worker 0 (first) has an idle core, accepts c1 and sets it up
    // (1-11). c2 wakes 1, 2 and 3: worker 1 takes the second idle core and c2 (1-11);
    // workers 2 and 3 find both cores taken and wait a slice (1.4 ms on 2 cores). c3-c50
    // queue. The two running loops accept in turn: worker 0 the odd ones, worker 1 the
    // even ones, c(2k+1) and c(2k+2) set up from 1 + 10k to 11 + 10k. At 1,401 workers 2
    // and 3 run and find the queue empty.
    const { h, pool, connect } = race(4, 2);
    h.at(1, () => {
      for (let id = 1; id <= 50; id++) connect(id);
    });
    const started: string[] = [];
    for (let k = 0; k < 25; k++) started.push(`${11 + 10 * k} start ${2 * k + 1} on 0`, `${11 + 10 * k} start ${2 * k + 2} on 1`);
    expect(h.run()).toEqual([...connected(50), ...started]);
    expect(pool.map((w) => w.peakOpen)).toEqual([25, 25, 0, 0]);
    expect(pool.map((w) => w.loop.used)).toEqual([0, 0, 0, 0]);
  });

  it('with processor sharing alone (cores to spare) the four loops would split the 50 between them', () => {
    // The same burst on a host that always has an idle core: c1-c4 wake a sleeper each,
    // every loop then takes the next connection as its set-up ends: 13, 13, 12, 12.
    const { h, pool, connect } = race(4, 1e9);
    h.at(1, () => {
      for (let id = 1; id <= 50; id++) connect(id);
    });
    h.run();
    expect(pool.map((w) => w.peakOpen)).toEqual([13, 13, 12, 12]);
  });

  it('a woken worker that waited a slice takes what is still queued', () => {
    // Set-ups of 1 ms: workers 0 and 1 take c1 and c2 (1-1,001) and c3 and c4 (1,001-2,001);
    // workers 2 and 3, woken at 1 with no idle core, run at 1,401 and take c5 and c6.
    const { h, pool, connect } = race(4, 2);
    for (const w of pool) (w as unknown as { settings: typeof ACCEPT }).settings = { ...ACCEPT, acceptCpu: 1000 };
    h.at(1, () => {
      for (let id = 1; id <= 6; id++) connect(id);
    });
    expect(h.run()).toEqual([
      ...connected(6),
      '1001 start 1 on 0',
      '1001 start 2 on 1',
      '2001 start 3 on 0',
      '2001 start 4 on 1',
      '2401 start 5 on 2',
      '2401 start 6 on 3',
    ]);
    expect(pool.map((w) => w.peakOpen)).toEqual([2, 2, 1, 1]);
  });

  it("the sleepers wake in the policy's order (random: drawn from the seeded stream)", () => {
    // Draws of 0: the SYN's choice (unused), then Fisher-Yates from the end swaps each
    // position with 0: [0,1,2,3] -> [3,1,2,0] -> [2,1,3,0] -> [1,2,3,0]. One core: worker 1
    // wakes first, takes c1 and, the core busy, c2 and c3 after it; the others wait a slice
    // (700 µs on 1 core) and find EAGAIN.
    const { h, pool, connect } = race(4, 1, [0]);
    h.at(1, () => {
      for (let id = 1; id <= 3; id++) connect(id);
    });
    expect(h.run()).toEqual([...connected(3), '11 start 1 on 1', '21 start 2 on 1', '31 start 3 on 1']);
    expect(pool.map((w) => w.peakOpen)).toEqual([0, 3, 0, 0]);
  });

  it("hey's dials hold the cores: the worker already accepting takes what comes before the woken ones run", () => {
    // Two cores, one of them taken 0-2,000 µs by another task (hey dialing). c1 at 1:
    // worker 0 takes the idle core. c2-c5 come every 100 µs while it accepts; workers 1-3
    // are woken at 101, find no idle core and wait until 1,501: by then worker 0 has taken
    // all five. A connection at 1,601 finds every worker asleep again and goes to worker 0,
    // the policy's first, the core being idle.
    const { h, pool, connect, busy } = race(4, 2);
    busy(0, 2000);
    for (let id = 1; id <= 5; id++) h.at(1 + 100 * (id - 1), () => connect(id));
    h.at(1601, () => connect(6));
    expect(h.run()).toEqual([
      '1 connected 1',
      '11 start 1 on 0',
      '101 connected 2',
      '111 start 2 on 0',
      '201 connected 3',
      '211 start 3 on 0',
      '301 connected 4',
      '311 start 4 on 0',
      '401 connected 5',
      '411 start 5 on 0',
      '1601 connected 6',
      '1611 start 6 on 0',
    ]);
    expect(pool.map((w) => w.peakOpen)).toEqual([6, 0, 0, 0]);
  });

  it('an accept loop that blocks on EAGAIN hands its core to the oldest woken worker', () => {
    // One core. c1 at 1: worker 0 (1-11). c2 at 5 wakes 1 (waits, first) then 2 and 3.
    // Worker 0 takes c2 at 11 (11-21), finds EAGAIN at 21 and blocks: worker 1 runs at
    // 21 and finds EAGAIN too, blocks, and so on. c3 at 30 wakes them all again: worker 0
    // takes it on the idle core.
    const { h, pool, connect } = race(4, 1);
    h.at(1, () => connect(1));
    h.at(5, () => connect(2));
    h.at(30, () => connect(3));
    // Who holds its loop (in an accept loop, or waiting for a core in one) just before c3: nobody.
    h.at(29, () => h.note(`loops held ${pool.map((w) => w.loop.used).join('')}`));
    h.at(6, () => h.note(`loops held ${pool.map((w) => w.loop.used).join('')}`));
    expect(h.run()).toEqual([
      '1 connected 1',
      '5 connected 2',
      '6 loops held 1111',
      '11 start 1 on 0',
      '21 start 2 on 0',
      '29 loops held 0000',
      '30 connected 3',
      '40 start 3 on 0',
    ]);
    expect(pool.map((w) => w.peakOpen)).toEqual([3, 0, 0, 0]);
  });

  it('a connection that comes while a worker is busy goes to a sleeper; the busy one finds the queue empty when its loop polls', () => {
    // Worker 0's loop runs something else 0-500 µs. c1 at 100 wakes both: worker 0 cannot
    // accept until 500; worker 1, asleep, accepts at once (100-110). At 500 worker 0's
    // accept finds nothing.
    const { h, pool, connect } = race(2, 2);
    h.at(0, () => pool[0].loop.acquire(() => h.note('worker 0 busy'), undefined));
    h.at(500, () => pool[0].loop.release());
    h.at(100, () => connect(1));
    expect(h.run()).toEqual(['0 worker 0 busy', '100 connected 1', '110 start 1 on 1']);
    expect(pool.map((w) => w.peakOpen)).toEqual([0, 1]);
    expect(pool[0].loop.used).toBe(0);
  });

  it('a busy worker whose loop gets to its poll while connections still wait takes its share, whatever the cores', () => {
    // Worker 0 is busy 0-15 µs (running: it needs no core to be woken). c1-c4 at 1: worker
    // 1 accepts c1 (1-11), c2 (11-21), ...; worker 0's loop polls at 15 and accepts c3
    // (15-25); worker 1 takes c4 at 21 (21-31).
    const { h, pool, connect } = race(2, 2);
    h.at(0, () => pool[0].loop.acquire(() => {}, undefined));
    h.at(15, () => pool[0].loop.release());
    h.at(1, () => {
      for (let id = 1; id <= 4; id++) connect(id);
    });
    expect(h.run()).toEqual([...connected(4), '11 start 1 on 1', '21 start 2 on 1', '25 start 3 on 0', '31 start 4 on 1']);
    expect(pool.map((w) => w.peakOpen)).toEqual([1, 3]);
  });

  it('killed in its accept loop: the connection in hand is closed, and its core goes to a woken worker for the rest', () => {
    // One core. Worker 0 takes c1 (1-11) and c2 (11-21); worker 1, woken at 1, waits for
    // the core. Killed at 15, worker 0's sockets close (c1 now, c2 when its set-up would
    // have ended) and worker 1 gets its core: c3 (15-25), c4 (25-35).
    const { h, pool, connect } = race(2, 1);
    h.at(1, () => {
      for (let id = 1; id <= 4; id++) connect(id);
    });
    h.at(15, () => pool[0].kill());
    expect(h.run()).toEqual([
      ...connected(4),
      '11 start 1 on 0',
      '15 closed 1',
      '15 exited 0',
      '21 closed 2',
      '25 start 3 on 1',
      '35 start 4 on 1',
    ]);
  });

  it('killed while it waits for a core: it leaves the line, and the slice timer does nothing', () => {
    // One core. Worker 0 takes c1 and c2 (1-21); worker 1 waits for a core; killed at 5.
    // Worker 0 blocks at 21; nobody is left waiting; 701 passes quietly.
    const { h, pool, connect } = race(2, 1);
    h.at(1, () => {
      connect(1);
      connect(2);
    });
    h.at(5, () => pool[1].kill());
    expect(h.run()).toEqual([...connected(2), '5 exited 1', '11 start 1 on 0', '21 start 2 on 0']);
    expect(pool.map((w) => w.peakOpen)).toEqual([2, 0]);
  });
});

describe("uvicorn workers racing for the listening socket on per-core run queues (Linux's per-CPU runqueues)", () => {
  // 100 µs of the worker's CPU per accepted connection; the app logs which worker started
  // each request and the core it is on ("start 3 on 1 (core 0)").
  const ACCEPT = { ...SETTINGS, acceptCpu: 100, limitConcurrency: 0 };

  /**
   * `workers` uvicorn workers sharing one listener on `cores` cores with a run queue each
   * (PerCoreCpu); worker i last ran on core i % cores, as the arbiter starts them. The
   * policy is 'first': the kernel wakes them in index order.
   */
  function race(workers: number, cores: number) {
    const h = harness();
    const listener = new Listener(h.sim, 100, [1_000_000], 'first', noDraws, gauge());
    const cpu = new PerCoreCpu(h.sim, cores);
    const app = {
      db: undefined,
      cpuUsed: 0,
      cpu,
      start(req: HttpRequest) {
        const w = req.host as UvicornWorker;
        h.note(`start ${req.id} on ${w.index} (core ${w.cpuCore})`);
      },
      killed() {},
    } as unknown as App;
    const owner: WorkerOwner = { notified() {}, exited: (w) => h.note(`exited ${w.index}`) };
    const pool = Array.from({ length: workers }, (_, i) => {
      const w = new UvicornWorker(i, h.sim, listener, app, ACCEPT, { running: gauge(), keepalive: gauge() }, owner);
      w.cpuCore = i % cores;
      return w;
    });
    const client = loggingClient(h);
    const connect = (id: number) => {
      const req = request(id, client);
      req.conn.request = req;
      listener.syn(req.conn);
    };
    /** Another process's `work` µs of CPU on `core` from `at` (hey dialing, a backend): it shares that core alone. */
    const busy = (core: number, at: number, work: number) =>
      h.at(at, () => cpu.run(work, () => {}, undefined, undefined, { cpuCore: core }));
    h.at(0, () => {
      for (const w of pool) w.boot();
    });
    return { h, pool, connect, busy };
  }

  it('a burst with every core busy: each woken worker waits on its own core, which runs it when its other task ends', () => {
    // Workers 0 and 2 last ran on core 0, worker 1 on core 1. Core 0 is busy 0-250 µs,
    // core 1 0-100 µs. c1-c6 at 1 wake the three: no core is idle, so each waits on its
    // previous core's queue (a slice, 1.4 ms, at most). Core 1 goes idle at 100 and runs
    // the worker waiting there, 1: c1 (100-200), c2 (200-300). Core 0 goes idle at 250 and
    // runs the oldest waiting there, 0: c3 (250-350), c5 (350-450); worker 1 takes c4
    // (300-400) and c6 (400-500). At 450 worker 0 finds EAGAIN and blocks: its core goes
    // to worker 2, which finds EAGAIN too.
    const { h, pool, connect, busy } = race(3, 2);
    busy(0, 0, 250);
    busy(1, 0, 100);
    h.at(1, () => {
      for (let id = 1; id <= 6; id++) connect(id);
    });
    expect(h.run()).toEqual([
      ...Array.from({ length: 6 }, (_, i) => `1 connected ${i + 1}`),
      '200 start 1 on 1 (core 1)',
      '300 start 2 on 1 (core 1)',
      '350 start 3 on 0 (core 0)',
      '400 start 4 on 1 (core 1)',
      '450 start 5 on 0 (core 0)',
      '500 start 6 on 1 (core 1)',
    ]);
    expect(pool.map((w) => w.peakOpen)).toEqual([2, 4, 0]);
    expect(pool.map((w) => w.loop.used)).toEqual([0, 0, 0]);
  });

  it("a woken worker whose core is busy goes to an idle one (select_idle_sibling); a core left idle pulls a worker waiting on another's queue", () => {
    // Core 0 busy 0-1,000 µs. c1 at 1 wakes the three: worker 0's core is busy, core 1 is
    // idle, so it runs there and sets c1 up (1-101). Worker 1 (core 1, now busy) and
    // worker 2 (core 0, busy) find no idle core and wait, each on its own core. At 101
    // worker 0 finds EAGAIN and blocks: core 1 goes to worker 1, waiting there, which
    // finds EAGAIN, and is then idle: it pulls worker 2 from core 0's queue
    // (newidle_balance), EAGAIN again. c2 at 201: every worker asleep, core 1 idle; worker
    // 0, first woken, last ran there: it takes c2 (201-301) on core 1.
    const { h, pool, connect, busy } = race(3, 2);
    busy(0, 0, 1000);
    h.at(1, () => connect(1));
    h.at(150, () => h.note(`cores ${pool.map((w) => w.cpuCore).join('')}, loops held ${pool.map((w) => w.loop.used).join('')}`));
    h.at(201, () => connect(2));
    expect(h.run()).toEqual([
      '1 connected 1',
      '101 start 1 on 0 (core 1)',
      '150 cores 111, loops held 000',
      '201 connected 2',
      '301 start 2 on 0 (core 1)',
    ]);
  });

  it('a core left idle pulls the waiting workers one after another while each finds EAGAIN and blocks', () => {
    // Core 0 busy 0-5,000 µs, core 1 0-100 µs. c1 at 1: workers 0 and 2 wait on core 0,
    // worker 1 on core 1. Core 1 goes idle at 100 and runs worker 1: c1 (100-200). At 200
    // worker 1 blocks and core 1, idle, pulls worker 0 from core 0's queue: EAGAIN, it
    // blocks, and core 1 pulls worker 2: EAGAIN. Nobody waits for core 0's slice.
    const { h, pool, connect, busy } = race(3, 2);
    busy(0, 0, 5000);
    busy(1, 0, 100);
    h.at(1, () => connect(1));
    h.at(250, () => h.note(`cores ${pool.map((w) => w.cpuCore).join('')}, loops held ${pool.map((w) => w.loop.used).join('')}`));
    expect(h.run()).toEqual(['1 connected 1', '200 start 1 on 1 (core 1)', '250 cores 111, loops held 000']);
  });

  it('with every core busy throughout, a woken worker runs once a slice has passed, sharing its own core', () => {
    // Both cores busy 0-5,000 µs. c1 at 1: workers 0 (core 0) and 1 (core 1) wait on their
    // cores. At 1,401 (a slice, 1.4 ms on 2 cores) worker 0 runs first, takes c1 and sets
    // it up at half speed beside the other task (1,401-1,601); worker 1 finds EAGAIN.
    const { h, pool, connect, busy } = race(2, 2);
    busy(0, 0, 5000);
    busy(1, 0, 5000);
    h.at(1, () => connect(1));
    expect(h.run()).toEqual(['1 connected 1', '1601 start 1 on 0 (core 0)']);
    expect(pool.map((w) => w.peakOpen)).toEqual([1, 0]);
  });
});
