// A sweep's output is a function of the scenario, the grid and the seeds only: not of
// the number of threads, nor of how the grid was cut into shards.
import { describe, expect, it, vi } from 'vitest';
import { chartSweep } from '../../../src/analysis/sweep/chartPoints.js';
import { parseVary } from '../../../src/analysis/sweep/vary.js';
import { checkedPoints } from '../../../src/analysis/sweep/grid.js';
import { checkSweep, heaviestPoint, runSweep, type SweepDefinition } from '../../../src/analysis/sweep/sweep.js';
import { parseJson, validateScenario } from '../../../src/scenario/load.js';
import { readFileSync } from 'node:fs';
import { simulate } from '../../../src/model/system.js';
import { summarize } from '../../../src/report/summary.js';
import { sweepText } from '../../../src/analysis/sweep/sweepText.js';
import { plan } from '../../../src/analysis/plan/plan.js';

// Counts the scenarios a sweep makes, each one validated (and once held until its point finished).
const made = vi.hoisted(() => vi.fn());
vi.mock('../../../src/analysis/sweep/grid.js', async (importOriginal) => {
  const grid = await importOriginal<typeof import('../../../src/analysis/sweep/grid.js')>();
  return {
    ...grid,
    pointScenarios: (...args: Parameters<typeof grid.pointScenarios>) => {
      const at = grid.pointScenarios(...args);
      return (point: Parameters<typeof at>[0]) => {
        made(point);
        return at(point);
      };
    },
  };
});

function definition(raw: any, vary: string[], replications: number): SweepDefinition {
  return { name: 'test', source: 'test.json', raw, base: validateScenario(raw, 'test.json'), axes: vary.map(parseVary), replications };
}

// Random enough that every replication differs: exponential handler times, random accepts.
const noisy = {
  description: 'sweep test',
  seed: 7,
  client: { requests: 60, concurrency: 10 },
  machine: { cores: 2 },
  server: { workerClass: 'gthread', workers: 2, threads: 2 },
  app: {
    steps: [
      { kind: 'cpu', time: { dist: 'exponential', mean: '2ms' } },
      { kind: 'sleep', time: { dist: 'exponential', mean: '20ms' } },
    ],
  },
};

describe('checkSweep and heaviestPoint', () => {
  it('refuse a bad value before the first run, though no point of the shard holds it', async () => {
    const bad = definition(noisy, ['server.workers=1,2,0'], 1);
    expect(() => checkSweep(bad)).toThrow(/server\.workers=0.*expected a number > 0/);
    const progress = vi.fn();
    await expect(runSweep(bad, { jobs: 1, shard: { index: 1, count: 3 }, onProgress: progress })).rejects.toThrow(/server\.workers=0/);
    expect(progress).not.toHaveBeenCalled();
  });

  it('name the heaviest point of the whole grid: the first with the most requests, or the last if it has as many', () => {
    const heaviest = (vary: string[]) => heaviestPoint(definition(noisy, vary, 1)).point.index;
    expect(heaviest(['client.requests=40,60,60,50'])).toBe(1);
    expect(heaviest(['client.requests=40,60,50,60'])).toBe(3);
    expect(heaviest(['server.workers=1..3'])).toBe(2);
    expect(() => heaviest(['server.workers=1..3', 'client.requests=60,5'])).toThrow(/client\.requests=5\): at client\.concurrency/);
  });
});

describe('what a sweep holds', () => {
  // A sweep validated and kept every point's scenario, then queued every run, before its
  // first run: gigabytes for a grid of a million points.
  it("makes a point's scenario only when its run is handed out", async () => {
    const def = definition(noisy, ['server.workers=1..200', 'server.threads=1..200'], 2);
    made.mockClear();
    const stop = new AbortController();
    let before = -1;
    const out = await runSweep(def, {
      jobs: 1,
      signal: stop.signal,
      onProgress: (done) => {
        if (done === 1) before = made.mock.calls.length;
        if (done === 4) stop.abort();
      },
    });
    // Before the first run: the checked points (every value of each axis, and the one corner
    // not among them), and the first point's.
    expect(checkedPoints(def.axes)).toHaveLength(200 + 199 + 1);
    expect(before).toBe(checkedPoints(def.axes).length + 1);
    // Four runs: two points of two replications each, each point made once.
    expect(made.mock.calls.length).toBe(before + 1);
    expect(out.points.map((p) => p.index)).toEqual([0, 1]);
    expect(out.missing).toHaveLength(40_000 - 2);
  });
});

describe('sim sweep', () => {
  it('gives byte-identical output on one thread and on two', async () => {
    const def = definition(noisy, ['server.workers=1..3', 'client.concurrency=5,10'], 3);
    const one = JSON.stringify(await runSweep(def, { jobs: 1 }));
    const two = JSON.stringify(await runSweep(def, { jobs: 2 }));
    expect(two).toBe(one);
    // Not trivially equal: the replications differ, so every point has a real interval.
    const points = JSON.parse(one).points;
    expect(points).toHaveLength(6);
    for (const p of points) expect(p.requestsPerSec.ci95[1]).toBeGreaterThan(p.requestsPerSec.ci95[0]);
  });

  // Hardening 6: a point stopped at a budget read as a finished one (290 of 1000 requests,
  // Requests/sec and p99 of those), and sim plan could take it as meeting its targets.
  it('marks a point whose runs stopped at a budget, says so under the table, and a plan does not take it', async () => {
    const raw = { ...noisy, limits: { maxSimTime: 0.2 } };
    const out = await runSweep(definition(raw, ['client.requests=20,600'], 2), { jobs: 1 });
    expect(out.points.map((p) => p.partial)).toEqual([undefined, 2]);
    expect(sweepText(out)).toContain(
      'PARTIAL: 1 of 2 points stopped at a budget before every request ended, their figures of the requests that did (raise limits.maxEvents or limits.maxSimTime with --set, or send fewer requests): client.requests=600 (2 of 2 runs)',
    );
    const points = out.points.map((result) => ({
      result,
      scenario: validateScenario({ ...raw, client: { ...raw.client, requests: result.values['client.requests'] } }, 't'),
    }));
    const p = plan(out.sweep, points, { requestsPerSec: 1, p99: 10, maxErrors: 1000 });
    expect(p.candidates.find((c) => c.point.values['client.requests'] === 600)!.misses).toContain(
      'stopped at a budget before every request ended (limits.maxEvents, limits.maxSimTime)',
    );
  });

  it('runs replication 0 with the base seed, so a point without replications is sim run', async () => {
    const out = await runSweep(definition(noisy, ['server.workers=3'], 1), { jobs: 1 });
    const run = summarize(simulate(validateScenario({ ...noisy, server: { ...noisy.server, workers: 3 } }, 't')), 't', 7);
    expect(out.sweep.seeds).toEqual([7]);
    expect(out.points[0].requestsPerSec.mean).toBe(run.summary.requestsPerSec);
    expect(out.points[0].latency.p90!.mean).toBe(run.latency.p90);
  });

  it("runs replications at the machine's speeds of consecutive seeds, though their seeds are hashed", async () => {
    // Nothing random but the machine's speed: each replication's figures are its speed's.
    const steady = {
      description: 'speeds',
      seed: 3,
      client: { requests: 20, concurrency: 1 },
      machine: { cores: 1, speedVariation: 0.2 },
      server: { workerClass: 'sync', workers: 1 },
      app: { steps: [{ kind: 'cpu', time: '10ms' }] },
    };
    const out = await runSweep(definition(steady, ['server.workers=1'], 5), { jobs: 1 });
    const rates = [3, 4, 5, 6, 7].map(
      (seed) => summarize(simulate(validateScenario({ ...steady, seed }, 't')), 't', seed).summary.requestsPerSec,
    );
    expect(new Set(rates).size).toBe(5);
    expect(out.sweep.seeds.slice(1)).not.toEqual([4, 5, 6, 7]);
    expect(out.points[0].requestsPerSec.range).toEqual([Math.min(...rates), Math.max(...rates)]);
    expect(out.points[0].requestsPerSec.mean).toBeCloseTo(rates.reduce((a, b) => a + b, 0) / 5, 9);
  });

  it("reproduces the article's curve: a linear rise to ~84 req/s, then 500s past 100 connections", async () => {
    const path = 'scenarios/sweep-article.json';
    const raw = parseJson(readFileSync(path, 'utf8'), path);
    const base = validateScenario(raw, path);
    const out = await runSweep(
      { name: 'sweep-article', source: path, raw, base, axes: base.sweep!.vary.map(parseVary), replications: 1 },
      { jobs: 1 },
    );
    expect(out.points.map((p) => p.values['client.concurrency'])).toEqual(Array.from({ length: 29 }, (_, i) => 10 + 5 * i));
    let lastTotal = 0;
    for (const p of out.points) {
      const c = p.values['client.concurrency'] as number;
      const fiveHundreds = p.statusCodes['500'] ?? 0;
      // hey's Requests/sec = c / Total, Total a little over the second of the query at c = 10
      // and growing with c, then longer with each refusal, whose error the worker handles while others still
      // connect (the article's -c 125: 1.272 s).
      const total = c / p.requestsPerSec.mean;
      expect(total).toBeGreaterThan(Math.max(1.02, lastTotal));
      expect(total).toBeLessThan(c <= 100 ? 1.2 : 1.3);
      lastTotal = total;
      expect(fiveHundreds).toBe(Math.max(0, c - 100));
      expect(p.bottleneck).toMatch(c > 100 ? /^PostgreSQL max_connections/ : /^DB query/);
    }
    expect(out.points[18].requestsPerSec.mean).toBeCloseTo(83.97, 2); // c = 100, the article's 83.9704
  });
});

describe('the sweep as chart data', () => {
  it('gives each point its numbers, curve, Requests/sec by outcome, p50/p99 and 95 % bounds', async () => {
    const out = await runSweep(definition(noisy, ['client.concurrency=5,10', 'server.workers=1,2'], 3), { jobs: 1 });
    const chart = chartSweep(out);
    expect(chart.x).toBe('client.concurrency');
    expect(chart.points.map((p) => [p.parameters['client.concurrency'], p.series])).toEqual([
      // One more swept field: its values label the curves, its name in words titles the legend.
      [5, '1'],
      [5, '2'],
      [10, '1'],
      [10, '2'],
    ]);
    expect(chart.seriesTitle).toBe('Gunicorn workers');
    const p = chart.points[0];
    expect(p.requestsPerSec['2xx']).toBe(out.points[0].perSec['2xx'].mean);
    expect(p.interval!.latency!.p50!.low).toBe(out.points[0].latency.p50!.ci95![0]);
    expect(p.latency.p99).toBeNull(); // 60 responses: hey prints no p99
    expect(p.replications).toBe(3);
  });
});
