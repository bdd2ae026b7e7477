// server.cacheRefillCpu: a worker that wakes on a core after other workers ran there pays
// to refill its caches, by how many distinct others did (src/engine/cpu/cacheRefill.ts,
// perCore.ts). Sync workers on one core, each request 1 ms of CPU, 5 ms asleep, 1 ms of
// CPU: two wakes a request.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { validateScenario } from '../../src/scenario/load.js';

const REFILL = [
  { others: 1, cpu: 0 },
  { others: 2, cpu: 0.001 },
];

const STEPS = [
  { kind: 'cpu', time: 0.001 },
  { kind: 'sleep', time: 0.005 },
  { kind: 'cpu', time: 0.001 },
];

function workerCpuPerRequest(workers: number, cacheRefillCpu?: typeof REFILL, steps: unknown[] = STEPS): number {
  const raw = {
    client: { requests: 400, concurrency: workers },
    machine: { cores: 1, runQueues: 'per-core' },
    server: { workerClass: 'sync', workers, requestCpu: 0, acceptCpu: 0, ...(cacheRefillCpu ? { cacheRefillCpu } : {}) },
    app: { steps },
  };
  const r = simulate(validateScenario(raw, 'cache refill'));
  return r.cpu.workers / 400;
}

describe('a cache refill', () => {
  it('costs two workers on a core nothing when one other since does not evict', () => {
    expect(workerCpuPerRequest(2, REFILL)).toBe(workerCpuPerRequest(2));
  });

  it('costs four workers on a core up to one refill per wake, each when two or more others ran since', () => {
    const extra = workerCpuPerRequest(4, REFILL) - workerCpuPerRequest(4);
    // Two wakes a request, each at most 1 ms more; most find two or three others ran since.
    expect(extra).toBeGreaterThan(1000);
    expect(extra).toBeLessThanOrEqual(2000);
  });

  it('is paid at a wake that costs no CPU of its own: a sync worker woken by its IO still runs', () => {
    // 1 ms of CPU, then 5 ms asleep and the response: the wake after the sleep has no work,
    // yet the worker runs again after others did, and refills. Two wakes a request, as above.
    const steps = [
      { kind: 'cpu', time: 0.001 },
      { kind: 'sleep', time: 0.005 },
    ];
    const extra = workerCpuPerRequest(4, REFILL, steps) - workerCpuPerRequest(4, undefined, steps);
    expect(extra).toBeGreaterThan(1000);
    expect(extra).toBeLessThanOrEqual(2000);
  });
});
