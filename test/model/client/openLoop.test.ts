import { describe, expect, it } from 'vitest';
import { Arrivals } from '../../../src/model/client/arrivals.js';
import { RandomStreams } from '../../../src/engine/random.js';
import { run } from '../../helpers.js';

// One sync worker with a 10 ms handler serves at most 100 requests/s.
const server = {
  app: { steps: [{ kind: 'sleep' as const, time: 0.01 }] },
  server: { workerClass: 'sync' as const, backlog: 100000 },
  machine: { somaxconn: 100000 },
};

/** Mean of each quarter of the arrival period (the drain after it is left out). */
function quarters(values: number[], t: number[], until: number): number[] {
  values = values.filter((_, i) => t[i] < until);
  const q = Math.floor(values.length / 4);
  return [0, 1, 2, 3].map((i) => values.slice(i * q, (i + 1) * q).reduce((a, b) => a + b, 0) / q);
}

describe('open-loop arrivals', () => {
  it('below capacity: the queue stays flat over the run', () => {
    const { result } = run({ ...server, client: { arrivals: { rate: 50 }, duration: 200, timeout: 0 } });
    const q = quarters(result.timeline.mean.inSystem, result.timeline.t, 200);
    // M/D/1 at 50 % load: about 0.75 requests in the system, the same in every quarter.
    for (const v of q) expect(v).toBeLessThan(1.5);
  });

  it('above capacity: the backlog and the latency grow without bound', () => {
    const { result, summary } = run({ ...server, client: { arrivals: { rate: 150 }, duration: 60, timeout: 0 } });
    const q = quarters(result.timeline.mean.backlog, result.timeline.t, 60);
    // 50 more arrivals than departures each second: about 375, 1125, 1875, 2625 waiting.
    expect(q[0]).toBeGreaterThan(200);
    for (let i = 1; i < 4; i++) expect(q[i]).toBeGreaterThan(q[i - 1] + 500);
    expect(summary.latency.p99!).toBeGreaterThan(25);
  });

  it("satisfies Little's law within 2 % on a long stable run", () => {
    const { summary } = run({ ...server, client: { arrivals: { rate: 80 }, requests: 50000, timeout: 0 } });
    const { meanInSystem, throughputTimesMeanTime } = summary.simulation.littlesLaw;
    expect(meanInSystem).toBeGreaterThan(1);
    expect(Math.abs(meanInSystem / throughputTimesMeanTime - 1)).toBeLessThan(0.02);
  });

  it('sends each request on a new connection', () => {
    const { summary } = run({
      ...server,
      server: { workerClass: 'gevent', workerConnections: 1, keepalive: 5 },
      client: { arrivals: { rate: 10, process: 'constant' }, requests: 5 },
    });
    // Constant arrivals at 0.1 ... 0.5 s; without reuse no slot is held for keep-alive.
    expect(summary.summary.total).toBeCloseTo(0.51, 6);
  });

  it('follows rate steps', () => {
    const arrivals = new Arrivals(
      'poisson',
      [
        { from: 0, rate: 100 },
        { from: 10_000_000, rate: 0 },
        { from: 20_000_000, rate: 1000 },
      ],
      new RandomStreams(1).stream('a'),
    );
    let t = 0;
    const counts = [0, 0, 0];
    for (t = arrivals.next(t); t < 30_000_000; t = arrivals.next(t)) counts[Math.floor(t / 10_000_000)]++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[0] - 1000)).toBeLessThan(5 * Math.sqrt(1000));
    expect(Math.abs(counts[2] - 10000)).toBeLessThan(5 * Math.sqrt(10000));
  });

  it('rejects hey-only options', async () => {
    expect(() => run({ client: { arrivals: { rate: 10 }, requests: 5, concurrency: 3 } })).toThrow(/"concurrency" is for the hey client/);
  });
});
