import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { heyText } from '../../src/report/heyText.js';
import { summarize } from '../../src/report/summary.js';
import { costsOf } from '../../src/scenario/costs.js';
import { validateScenario } from '../../src/scenario/load.js';
import { atSpeed, speedFactor } from '../../src/scenario/machineSpeed.js';
import { MEASURED_COSTS } from '../../src/scenario/measuredCosts.js';
import type { Step } from '../../src/scenario/schema.js';
import { scenario } from '../helpers.js';

const load = (file: string) => validateScenario(JSON.parse(readFileSync(file, 'utf8')), file);

describe("the machine's speed of the moment: one factor a seed", () => {
  it('is 1 for every seed when the speed does not vary', () => {
    for (const seed of [-7, 0, 1, 2, 12345, 2 ** 40]) expect(speedFactor(seed, 0)).toBe(1);
  });

  it('is 1 for seed 1, the default: a single run is at the median speed', () => {
    expect(speedFactor(1, 0.3)).toBe(1);
  });

  it('is the same for a seed every time, and differs between seeds', () => {
    expect(speedFactor(7, 0.1)).toBe(speedFactor(7, 0.1));
    expect(new Set([2, 3, 4, 5, 6].map((s) => speedFactor(s, 0.1))).size).toBe(5);
  });

  it("spreads consecutive seeds evenly over a lognormal of median 1 and the variation's sigma", () => {
    const sigma = 0.12;
    const logs = Array.from({ length: 1000 }, (_, i) => Math.log(speedFactor(i + 1, sigma)));
    const below = logs.filter((x) => x < 0).length;
    // Evenly, not at random: within a few seeds of half (a random draw would miss by ~16).
    expect(Math.abs(below - 500)).toBeLessThanOrEqual(3);
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(sd / sigma).toBeGreaterThan(0.97);
    expect(sd / sigma).toBeLessThan(1.03);
    // Ten seeds already reach both tails.
    const ten = logs.slice(0, 10).map((x) => x / sigma);
    expect(Math.min(...ten)).toBeLessThan(-1.3);
    expect(Math.max(...ten)).toBeGreaterThan(1.3);
  });
});

describe('a scenario at another speed', () => {
  const measured = load('calibration/measured-linux-2core.json');
  const slower = atSpeed(measured, 2);

  it('multiplies every CPU cost, and leaves every wait as written', () => {
    const before = costsOf(measured);
    const after = costsOf(slower);
    expect(after.map((c) => c.path)).toEqual(before.map((c) => c.path));
    const values = (v: unknown): number[] =>
      typeof v === 'number' ? [v] : Object.values(v as object).flatMap((x) => (Array.isArray(x) ? x : typeof x === 'number' ? [x] : []));
    before.forEach((cost, i) => {
      const factor = cost.cpu ? 2 : 1;
      expect(values(after[i].value), cost.path).toEqual(values(cost.value).map((x) => x * factor));
    });
    expect(before.filter((c) => c.cpu).length).toBeGreaterThan(10);
    expect(before.some((c) => !c.cpu && c.path === 'database.forkTime')).toBe(true);
  });

  it("multiplies a connect's CPU before its first wait with the rest of it, and not pg_sleep", () => {
    const step = (s: typeof measured, kind: Step['kind']) => s.app.steps!.find((x) => x.kind === kind)!;
    const connect = (s: typeof measured) => step(s, 'dbConnect') as Extract<Step, { kind: 'dbConnect' }>;
    const query = (s: typeof measured) => step(s, 'dbQuery') as Extract<Step, { kind: 'dbQuery' }>;
    expect(connect(slower).startCpu).toBe(2 * connect(measured).startCpu);
    expect(query(slower).time).toEqual(query(measured).time);
  });

  it("multiplies the CPU outside the registry of costs: a fleet's balancer and groups, a worker's cache refill", () => {
    const fleet = scenario({
      machine: { runQueues: 'per-core' },
      server: { requestCpu: 0.001, cacheRefillCpu: [{ others: 2, cpu: 0.0003 }] },
      fleet: { instances: 2, groups: [{ name: 'canary', count: 2, server: { requestCpu: 0.002, workers: 2 } }] },
    });
    const at = atSpeed(fleet, 3);
    expect(at.server.requestCpu).toBeCloseTo(0.003, 12);
    expect(at.server.cacheRefillCpu![0].cpu).toBeCloseTo(0.0009, 12);
    expect(at.fleet!.groups![0].server!.requestCpu).toBeCloseTo(0.006, 12);
    expect(at.fleet!.groups![0].server!.workers).toBe(2);
    expect(at.fleet!.loadBalancer.requestCpu).toBeCloseTo(3 * fleet.fleet!.loadBalancer.requestCpu, 12);
    expect(at.fleet!.loadBalancer.connectionCpu).toBeCloseTo(3 * fleet.fleet!.loadBalancer.connectionCpu, 12);
  });

  it("multiplies pool_pre_ping's ping, its default or as given, once", () => {
    const pinging = (pingCpu?: number) =>
      scenario({
        client: { requests: 20, concurrency: 2 },
        app: { pool: { size: 5, prePing: true, ...(pingCpu !== undefined ? { pingCpu } : {}) }, steps: measured.app.steps },
      });
    expect(atSpeed(pinging(), 2).app.pool!.pingCpu).toBeCloseTo(2 * MEASURED_COSTS.pingCpu, 12);
    expect(atSpeed(pinging(0.0001), 2).app.pool!.pingCpu).toBeCloseTo(0.0002, 12);
    // The run charges the backends what the scenario says: the ping's default, or its own.
    const backends = (pingCpu?: number) => simulate(pinging(pingCpu), { timeSeries: false }).cpu.backends;
    expect(backends(0.001) - backends()).toBeGreaterThan(0);
    // No ping, nothing to scale: the pool stays as written.
    const plain = scenario({ app: { pool: { size: 5 }, steps: measured.app.steps } });
    expect(atSpeed(plain, 2).app.pool).toEqual(plain.app.pool);
  });

  it('leaves the scenario it was given as it was', () => {
    expect(measured).toEqual(load('calibration/measured-linux-2core.json'));
  });
});

describe('a run at the speed drawn for its seed', () => {
  // One sync worker, a handler of 10 ms of CPU and nothing else: Requests/sec is 1/CPU.
  const cpuBound = (speedVariation: number, seed: number) =>
    scenario({
      seed,
      machine: { cores: 1, speedVariation },
      server: { workerClass: 'sync', workers: 1 },
      client: { requests: 50, concurrency: 1 },
      app: { steps: [{ kind: 'cpu', time: 0.01 }] },
      database: undefined,
    });

  it('takes the factor longer for every piece of CPU work, and says so', () => {
    const base = summarize(simulate(cpuBound(0, 2)), 'cpu', 2);
    const result = simulate(cpuBound(0.2, 2));
    const factor = speedFactor(2, 0.2);
    expect(result.machineSpeed).toEqual({ variation: 0.2, factor });
    const s = summarize(result, 'cpu', 2);
    expect(s.summary.requestsPerSec).toBeCloseTo(base.summary.requestsPerSec / factor, 0);
    expect(s.simulation.machineSpeed).toEqual({ variation: 0.2, factor });
    expect(heyText(s)).toContain(`every CPU cost x${factor.toFixed(3)} this run (machine.speedVariation 0.2`);
  });

  it('is the run as written when the speed does not vary, with nothing added to the report', () => {
    const s = summarize(simulate(cpuBound(0, 2)), 'cpu', 2);
    expect(s.simulation.machineSpeed).toBeUndefined();
    expect(heyText(s)).not.toContain('speedVariation');
  });
});
