import { describe, expect, it } from 'vitest';
import { run } from '../../helpers.js';

const handler = (seconds: number) => ({ app: { steps: [{ kind: 'sleep' as const, time: seconds }] } });

describe('the hey client', () => {
  it('-q: each worker waits for its own ticker, the first tick after 1/q s', () => {
    // 1 worker, -q 10, 5 requests of 1 ms: sent at 0.1, 0.2, ..., 0.5 s.
    const { summary } = run({ ...handler(0.001), client: { requests: 5, concurrency: 1, rate: 10 } });
    expect(summary.summary.total).toBeCloseTo(0.501, 6);
  });

  it('-q: a request slower than the period sends the next at once, and missed ticks are dropped', () => {
    // -q 10 with 250 ms requests: ticks at 0.1 (sent, ends 0.35), the 0.2 tick waits in
    // the channel (sent at 0.35, ends 0.6), 0.3 to 0.6 dropped but one (sent at 0.6,
    // ends 0.85): Total 0.85 s for 3 requests.
    const { summary } = run({ ...handler(0.25), client: { requests: 3, concurrency: 1, rate: 10 } });
    expect(summary.summary.total).toBeCloseTo(0.85, 6);
  });

  it('-z: sends until the duration is over, then finishes the requests in hand', () => {
    // 2 workers, 300 ms requests, -z 1s: each sends at 0, 0.3, 0.6, 0.9; the last ones
    // end at 1.2 s. 8 responses.
    const { summary } = run({ ...handler(0.3), client: { duration: 1, concurrency: 2 } });
    expect(summary.summary.responses).toBe(8);
    expect(summary.summary.total).toBeCloseTo(1.2, 6);
  });

  it('sends n / c requests per worker and drops the remainder, as hey does', () => {
    const { summary } = run({ ...handler(0.001), client: { requests: 23, concurrency: 5 } });
    expect(summary.summary.requests).toBe(20);
    expect(summary.summary.responses).toBe(20);
  });

  it('with remainder "sent", sends every request: the first n mod c workers one more each (ab -n, locust, k6)', () => {
    // 23 requests of 100 ms on 5 workers and 5 sync workers: 3 workers send 5, 2 send 4;
    // the fifth round is the 3 extra requests, so Total is 5 rounds, 0.5 s.
    const { summary } = run({
      ...handler(0.1),
      client: { requests: 23, concurrency: 5, remainder: 'sent' },
      server: { workerClass: 'sync', workers: 5 },
      database: undefined,
    });
    expect(summary.summary.requests).toBe(23);
    expect(summary.summary.responses).toBe(23);
    expect(summary.summary.total).toBeCloseTo(0.5, 2);
  });

  it('times a request out after -t seconds and reports it as a transport error', () => {
    const { summary } = run({ ...handler(5), client: { requests: 2, concurrency: 1, timeout: 1 } });
    expect(summary.errors).toEqual({
      'Get "http://127.0.0.1:8000": context deadline exceeded (Client.Timeout exceeded while awaiting headers)': 2,
    });
    expect(summary.summary.responses).toBe(0);
    // hey counts every result, errors included, in Requests/sec (requester/report.go).
    expect(summary.summary.requestsPerSec).toBeCloseTo(2 / 2, 6);
  });

  it('closes idle connections beyond min(c, 500) at once, freeing their server slots', () => {
    // 700 one-request workers, 1 gevent worker with 600 greenlets: the first 600 answer at
    // 0.01 s; hey keeps 500 idle and closes 100, whose greenlets let the last 100 in.
    const { summary } = run({ ...handler(0.01), client: { requests: 700, concurrency: 700 }, server: { workerConnections: 600 } });
    expect(summary.summary.total).toBeCloseTo(0.02, 6);
  });
});

describe("a think time between a worker's requests (locust's wait_time, siege -d)", () => {
  it('waits after each result, not before the first request', () => {
    // 1 worker, 3 requests of 10 ms, 1 s think: sent at 0, 1.01, 2.02; Total 2.03 s.
    const { summary } = run({ ...handler(0.01), client: { requests: 3, concurrency: 1, thinkTime: 1 } });
    expect(summary.summary.total).toBeCloseTo(2.03, 6);
    expect(summary.summary.responses).toBe(3);
  });

  it('draws each wait from its distribution (locust between(1, 3): uniform)', () => {
    const { summary } = run({
      ...handler(0.001),
      client: { requests: 200, concurrency: 1, thinkTime: { dist: 'uniform', min: 1, max: 3 } },
    });
    // 199 waits of 2 s on average: within 10 %.
    expect(summary.summary.total / 199).toBeGreaterThan(1.8);
    expect(summary.summary.total / 199).toBeLessThan(2.2);
  });

  it('with -z, stops after the wait that ends past the duration', () => {
    const { summary } = run({ ...handler(0.1), client: { duration: 1, concurrency: 1, thinkTime: 0.4 } });
    // sent at 0, 0.5, 1.0 (the duration is over at 1.0: not sent).
    expect(summary.summary.responses).toBe(2);
  });

  it('is not for an open loop', async () => {
    const { scenario } = await import('../../helpers.js');
    expect(() => scenario({ client: { arrivals: { rate: 10 }, requests: 10, thinkTime: 1 } })).toThrow(
      /at client\.thinkTime: "thinkTime" is for the hey client/,
    );
  });
});

describe("wrk2's schedule pacing (client.pacing 'schedule'): coordinated-omission correction", () => {
  it('sends the k-th request of a worker at k / rate, the first at once', () => {
    const { summary } = run({ ...handler(0.001), client: { requests: 3, concurrency: 1, rate: 10, pacing: 'schedule' } });
    expect(summary.summary.total).toBeCloseTo(0.201, 6);
  });

  it('sends a late request at once and counts its latency from when it was due', () => {
    // 250 ms requests at 10/s: due 0, 0.1, 0.2; sent 0, 0.25, 0.5; ended 0.25, 0.5, 0.75.
    // Latencies from the due times: 0.25, 0.4, 0.55 (hey's ticker: 0.25 each, Total 0.85).
    const { summary } = run({ ...handler(0.25), client: { requests: 3, concurrency: 1, rate: 10, pacing: 'schedule' } });
    expect(summary.summary.total).toBeCloseTo(0.75, 6);
    expect(summary.summary.fastest).toBeCloseTo(0.25, 6);
    expect(summary.summary.slowest).toBeCloseTo(0.55, 6);
    expect(summary.summary.average).toBeCloseTo(0.4, 6);
  });

  it('needs a rate', async () => {
    const { scenario } = await import('../../helpers.js');
    expect(() => scenario({ client: { requests: 3, concurrency: 1, pacing: 'schedule' } })).toThrow(
      /at client\.pacing: pacing sets how a rate is kept/,
    );
  });
});

describe("hey's own CPU, on the client's host", () => {
  it('dials every connection before it writes any request (Go runs the goroutines in order)', () => {
    // 3 workers, 1 core for hey alone (client.cores 1): dials at 0-100, 100-200, 200-300 µs;
    // each write (50 µs) was queued behind the remaining dials, so the writes run 300-350,
    // 350-400, 400-450 and the 10 ms handlers end at 10.35, 10.40 and 10.45 ms.
    const { summary } = run({
      ...handler(0.01),
      client: { requests: 3, concurrency: 3, cores: 1, dialCpu: 0.0001, requestCpu: 0.00005 },
    });
    expect(summary.summary.fastest).toBeCloseTo(0.01035, 9);
    expect(summary.summary.slowest).toBeCloseTo(0.01045, 9);
    expect(summary.summary.average).toBeCloseTo(0.0104, 9);
  });

  it('runs on -cpus threads (GOMAXPROCS), not its host cores, when told', () => {
    // 4 workers, hey on a host of 2 cores. Default (2 threads): dials 0-100 and 0-100,
    // 100-200 and 100-200; the writes (50 each) 200-250, 200-250, 250-300, 250-300;
    // 10 ms handlers: the last ends at 10.3 ms. With -cpus 1 everything runs in one line:
    // dials end at 400, writes at 450, 500, 550, 600: the last ends at 10.6 ms.
    const client = { requests: 4, concurrency: 4, cores: 2, dialCpu: 0.0001, requestCpu: 0.00005 };
    const two = run({ ...handler(0.01), client }).summary.summary;
    const one = run({ ...handler(0.01), client: { ...client, cpus: 1 } }).summary.summary;
    expect(two.slowest).toBeCloseTo(0.0103, 9);
    expect(one.fastest).toBeCloseTo(0.01045, 9);
    expect(one.slowest).toBeCloseTo(0.0106, 9);
  });

  it('writes on a kept-alive connection without dialing again', () => {
    // 1 worker, 2 requests: dial 100 + write 50, handler 10 ms (ends 10.15 ms), then only
    // a write of 50: the second ends at 20.2 ms.
    const { summary } = run({
      ...handler(0.01),
      client: { requests: 2, concurrency: 1, cores: 1, dialCpu: 0.0001, requestCpu: 0.00005 },
    });
    expect(summary.summary.total).toBeCloseTo(0.0202, 9);
  });

  it('competes for the cores with the server when they share a host', () => {
    // The handler computes 1 ms on the worker (cpu step); hey's 1 ms write of the second
    // request overlaps it on the one shared core.
    const steps = { app: { steps: [{ kind: 'cpu' as const, time: 0.001 }] } };
    const client = { requests: 2, concurrency: 2, requestCpu: 0.001, timeout: 0 };
    const shared = run({ ...steps, machine: { cores: 1 }, client }).summary.summary.total;
    const apart = run({ ...steps, machine: { cores: 1 }, client: { ...client, cores: 1 } }).summary.summary.total;
    // Apart: writes 0-1, 1-2 ms (hey's core); handlers 1-2, 2-3 ms (the server's): 3 ms.
    expect(apart).toBeCloseTo(0.003, 9);
    expect(shared).toBeGreaterThan(apart);
  });
});
