import { describe, expect, it } from 'vitest';
import { run } from '../../helpers.js';

describe('the arbiter', () => {
  it('boots a replacement that takes every waiting connection it has room for, not just the first', () => {
    // 1 gevent worker with 5 greenlets retires after 5 requests; 10 clients. The first 5
    // are served from 0 to 50 ms while 5 wait in the backlog; the replacement boots at
    // 150 ms and must take all 5 at once (done at 200 ms). Found by the property tests: the
    // listener handed it one queued connection and forgot it was still ready, so the
    // other 4 waited forever (a gevent worker's heartbeats then ran to the time budget).
    const { summary, result } = run({
      app: { steps: [{ kind: 'sleep', time: 0.05 }] },
      client: { requests: 10, concurrency: 10, timeout: 0 },
      server: { workerClass: 'gevent', workerConnections: 5, maxRequests: 5, bootTime: 0.1, keepalive: 0 },
    });
    expect(result.complete).toBe(true);
    expect(result.server.restarts).toBe(2);
    expect(summary.statusCodes).toEqual({ '200': 10 });
    expect(summary.summary.total).toBeCloseTo(0.2, 6);
  });

  it('kills a sync worker whose request outlasts `timeout`; the replacement serves the requests after it', () => {
    // One sync worker, timeout 2 s, replacement ready 0.5 s after a kill. Requests sleep
    // 0.1 s or, one time in five, 5 s. One hey worker sends 50, one after another.
    // A long request is killed at 2 s (the client reads EOF) and the next request waits
    // in the backlog for the replacement: 2.5 s per long request, 0.1 s per short one,
    // except that the run ends at the kill if the last request was a long one.
    const { summary, result } = run({
      app: { steps: [{ kind: 'sleep', time: { dist: 'choice', values: [0.1, 5], weights: [4, 1] } }] },
      client: { requests: 50, concurrency: 1, timeout: 0 },
      server: { workerClass: 'sync', timeout: 2, bootTime: 0.5 },
    });
    const kills = result.server.kills;
    const short = summary.summary.responses;
    expect(kills).toBeGreaterThan(3);
    expect(summary.errors).toEqual({ 'Get "http://127.0.0.1:8000": EOF': kills });
    expect(short + kills).toBe(50);
    expect(summary.statusCodes).toEqual({ '200': short });
    const total = summary.summary.total;
    expect([0.1 * short + 2.5 * kills, 0.1 * short + 2.5 * kills - 0.5].some((t) => Math.abs(t - total) < 1e-6)).toBe(true);
  });

  it.each(['shared', 'fifo'] as const)(
    "stops a killed worker's computation at once: the next requests get the core (%s cores)",
    (scheduler) => {
      // One core, one sync worker, timeout 2 s, replacement ready 0.1 s after a kill. One
      // request in four computes for `slow` seconds and is killed at 2 s; the others
      // compute 0.3 s. SIGKILL ends the computation: what it had left must not stay on the
      // core, where it would slow down (shared) or hold up (fifo) the requests after it,
      // until they too outlast the timeout and are killed in turn. So how long the killed
      // request would have computed changes nothing (the endpoints are drawn from their own
      // stream: both runs route every request alike), a fast request takes 0.3 s (plus
      // 0.1 s in the backlog when it waited for the replacement), and
      // Total = 0.3 s x fast + 2.1 s x killed (2 s if the last request was killed).
      const runWith = (slow: number) =>
        run({
          machine: { cores: 1, scheduler },
          app: {
            endpoints: [
              { name: 'slow', weight: 1, steps: [{ kind: 'cpu', time: slow }] },
              { name: 'fast', weight: 3, steps: [{ kind: 'cpu', time: 0.3 }] },
            ],
          },
          client: { requests: 40, concurrency: 1, timeout: 0 },
          server: { workerClass: 'sync', timeout: 2, bootTime: 0.1 },
        });
      // Everything alike but the count of events (a cancelled task's end still fires, as a no-op).
      const figures = (r: ReturnType<typeof runWith>) => ({ ...r.summary, simulation: { ...r.summary.simulation, events: 0 } });
      const killedLong = runWith(10);
      expect(figures(killedLong)).toEqual(figures(runWith(2.5)));
      const { summary, result } = killedLong;
      const kills = result.server.kills;
      const fast = summary.summary.responses;
      expect(kills).toBeGreaterThan(3);
      expect(summary.errors).toEqual({ 'Get "http://127.0.0.1:8000": EOF': kills });
      expect(fast + kills).toBe(40);
      expect(summary.summary.slowest).toBeLessThanOrEqual(0.4 + 1e-9);
      const total = summary.summary.total;
      expect([0.3 * fast + 2.1 * kills, 0.3 * fast + 2.1 * kills - 0.1].some((t) => Math.abs(t - total) < 1e-6)).toBe(true);
    },
  );

  it('kills a gevent worker whose loop is blocked longer than `timeout`, losing every request in it', () => {
    // 1 gevent worker, psycopg2-like blocking sleep of 3 s, timeout 2 s, 5 clients. The
    // first request holds the loop from 0 to 3 s; the heartbeat greenlet cannot run, the
    // arbiter kills the worker at 2 s: five EOFs.
    const { summary, result } = run({
      app: { steps: [{ kind: 'sleep', time: 3, io: 'blocking' }] },
      client: { requests: 5, concurrency: 5, timeout: 0 },
      server: { workerClass: 'gevent', timeout: 2 },
    });
    expect(result.server.kills).toBe(1);
    expect(summary.errors).toEqual({ 'Get "http://127.0.0.1:8000": EOF': 5 });
    expect(summary.summary.total).toBeCloseTo(2, 6);
  });

  it('does not kill a gevent worker whose requests wait cooperatively, however long', () => {
    const { result, summary } = run({
      app: { steps: [{ kind: 'sleep', time: 60 }] },
      client: { requests: 5, concurrency: 5, timeout: 0 },
      server: { workerClass: 'gevent', timeout: 2 },
    });
    expect(result.server.kills).toBe(0);
    expect(summary.statusCodes).toEqual({ '200': 5 });
  });

  it('closes the database connections of a killed worker', () => {
    const { result } = run({
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 3, io: 'blocking' }, { kind: 'dbClose' }] },
      client: { requests: 3, concurrency: 3, timeout: 0 },
      server: { workerClass: 'gevent', timeout: 2 },
    });
    // All three connect (cooperatively) before the first blocking query stalls the loop.
    expect(result.server.kills).toBe(1);
    expect(result.database?.peakOpen).toBe(3);
    expect(result.database?.openAtEnd).toBe(0);
  });

  it('restarts a worker gracefully after max_requests: no error, a boot time lost each time', () => {
    // 1 sync worker, max_requests 5, boot 0.5 s, 20 sequential requests of 0.1 s:
    // restarts after the 5th, 10th, 15th and 20th; the last one delays nothing, as the
    // run ends with the 20th response: 2 s + 3 x 0.5 s.
    const { summary, result } = run({
      app: { steps: [{ kind: 'sleep', time: 0.1 }] },
      client: { requests: 20, concurrency: 1 },
      server: { workerClass: 'sync', maxRequests: 5, bootTime: 0.5 },
    });
    expect(summary.summary.errors).toBe(0);
    expect(result.server.restarts).toBe(4);
    expect(summary.summary.total).toBeCloseTo(3.5, 6);
  });

  it('draws max_requests_jitter per worker from a seeded stream', () => {
    const restarts = (seed: number) =>
      run({
        seed,
        app: { steps: [{ kind: 'sleep', time: 0.01 }] },
        client: { requests: 200, concurrency: 1 },
        server: { workerClass: 'sync', maxRequests: 10, maxRequestsJitter: 10, bootTime: 0.1 },
      }).result.server.restarts;
    const seen = new Set([1, 2, 3, 4, 5, 6].map(restarts));
    // 200 requests in runs of 10 to 20: between 10 and 19 restarts, varying with the seed.
    for (const r of seen) expect(r).toBeGreaterThanOrEqual(10);
    expect(seen.size).toBeGreaterThan(1);
    expect(restarts(3)).toBe(restarts(3));
  });

  it("cuts a retiring gevent worker's requests at graceful_timeout (max_requests), and lets a sync worker finish its one", () => {
    // A gevent worker retires when its 10th request starts (max_requests 10), with the 10
    // requests of 3 s in flight: graceful_timeout 1 s cuts them all at 1 s (EOF).
    const gevent = run({
      app: { steps: [{ kind: 'sleep', time: 3 }] },
      client: { requests: 10, concurrency: 10, timeout: 0 },
      server: { workerClass: 'gevent', workerConnections: 10, maxRequests: 10, gracefulTimeout: 1, bootTime: 0.5, keepalive: 0 },
    });
    expect(gevent.summary.summary.errors).toBe(10);
    expect(gevent.summary.errors).toEqual({ 'Get "http://127.0.0.1:8000": EOF': 10 });
    expect(gevent.summary.summary.total).toBeCloseTo(1, 6);
    expect(gevent.result.server.restarts).toBe(1);
    const sync = run({
      app: { steps: [{ kind: 'sleep', time: 3 }] },
      client: { requests: 2, concurrency: 1, timeout: 0 },
      server: { workerClass: 'sync', maxRequests: 1, gracefulTimeout: 1, bootTime: 0.5 },
    });
    expect(sync.summary.statusCodes).toEqual({ '200': 2 });
  });

  it('reloads (HUP on the timeline): new workers boot while the old ones finish within graceful_timeout', () => {
    // 2 gevent workers, requests of 2 s arriving at 10/s from 0.1 s; reload at 1 s with
    // graceful_timeout 1.5 s: the old workers' requests sent by 0.5 s end by 2.5 s, those
    // sent at 0.6 to 0.9 s are cut at 2.5 s; the one arriving at 1 s, as the reload
    // happens, waits for the new workers (ready at 1.5 s), as all later ones go to them.
    const { summary, result } = run({
      app: { steps: [{ kind: 'sleep', time: 2 }] },
      client: { arrivals: { process: 'constant', rate: 10 }, duration: 4, timeout: 0 },
      server: { workerClass: 'gevent', workers: 2, gracefulTimeout: 1.5, bootTime: 0.5, keepalive: 0 },
      timeline: [{ at: 1, reload: true }],
    });
    expect(result.complete).toBe(true);
    expect(result.server.restarts).toBe(2);
    expect(summary.incident!.gracefulTimeouts).toBe(2);
    expect(summary.summary.errors).toBe(4);
    expect(summary.statusCodes['200']).toBe(summary.summary.requests - 4);
  });
});
