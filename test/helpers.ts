// Builders for tests: a small valid scenario, changed field by field.
import { validateScenario } from '../src/scenario/load.js';
import { MEASURED_COSTS } from '../src/scenario/measuredCosts.js';
import type { Scenario, ScenarioInput } from '../src/scenario/schema.js';
import { simulate, type RunResult } from '../src/model/system.js';
import { summarize, type RunSummary } from '../src/report/summary.js';

type DeepPartial<T> = {
  [K in keyof T]?: NonNullable<T[K]> extends readonly unknown[]
    ? T[K]
    : NonNullable<T[K]> extends object
      ? DeepPartial<NonNullable<T[K]>>
      : T[K];
};

export function scenario(changes: DeepPartial<ScenarioInput> = {}): Scenario {
  const base: ScenarioInput = {
    description: 'test',
    // Every CPU cost is 0 unless a test sets it (withoutCosts, below): the figures are derived by hand.
    client: { requests: 10, concurrency: 10, timeout: 0 },
    server: { workerClass: 'gevent', workers: 1, workerConnections: 1000 },
    app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 1 }, { kind: 'dbClose' }] },
    database: { superuser: true, forkTime: 0.002, backendStartTime: 0.01 },
  };
  // An open-loop client replaces hey's options rather than adding to them.
  if (changes.client?.arrivals !== undefined) base.client = { timeout: 0 };
  // Endpoints replace the single list of steps.
  if (changes.app?.endpoints !== undefined) delete base.app.steps;
  return validateScenario(withoutCosts(merge(base, changes)), 'test');
}

function merge(a: any, b: any): any {
  if (b === undefined) return a;
  if (Array.isArray(b) || typeof b !== 'object' || b === null) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = merge(a?.[k], v);
  return out;
}

export function run(changes: DeepPartial<ScenarioInput> = {}): { result: RunResult; summary: RunSummary } {
  const s = scenario(changes);
  const result = simulate(s);
  return { result, summary: summarize(result, 'test', s.seed) };
}

/**
 * `raw` with every CPU cost it does not state set to 0 (the defaults are the costs measured
 * on Linux): for tests whose figures are derived by hand from the costs they state.
 */
export function withoutCosts<T>(raw: T): T {
  const r = structuredClone(raw) as any;
  // The costs with a measured default, by section (src/scenario/measuredCosts.ts).
  const sections = { client: MEASURED_COSTS.client, server: MEASURED_COSTS.server, database: MEASURED_COSTS.database };
  for (const [section, costs] of Object.entries(sections)) {
    if (section !== 'database') r[section] ??= {};
    if (r[section] === undefined || r[section] === null) continue;
    for (const k of Object.keys(costs)) r[section][k] ??= 0;
  }
  const lists = [r.app?.steps ?? [], ...(r.app?.endpoints ?? []).map((e: any) => e.steps ?? [])];
  for (const steps of lists) {
    for (const step of steps) {
      if (step.kind !== 'dbConnect') continue;
      step.cpu ??= 0;
      step.startCpu ??= 0;
      step.backToBackShare ??= 0;
      step.turnCpu ??= 0;
      step.contendedCpu ??= 0;
    }
  }
  return r;
}

/**
 * One core, one gevent worker, 10 ms of Python per request: the CPU is the bottleneck. The
 * --sensitivity tests (its function and its command line) move its costs.
 */
export const cpuBound = {
  description: 'CPU-bound',
  client: { requests: 200, concurrency: 10, timeout: 0 },
  machine: { cores: 1 },
  server: { workerClass: 'gevent', workers: 1 },
  app: { steps: [{ kind: 'cpu', time: '10ms' }, { kind: 'dbConnect' }, { kind: 'dbQuery', time: '1ms' }, { kind: 'dbClose' }] },
  database: { superuser: true, forkTime: 0.001, backendStartTime: 0.002, backendExitTime: 0.001 },
};

/**
 * gthread workers whose handler takes a random time (1 ms of CPU, then a sleep of mean
 * `sleep`): different seeds give different runs, so a sweep's replications and shards
 * differ, and a run is small enough to sweep many times in a test.
 */
export function gthreadSweep(o: { description: string; seed: number; requests: number; concurrency: number; sleep: string }) {
  return {
    description: o.description,
    seed: o.seed,
    client: { requests: o.requests, concurrency: o.concurrency },
    server: { workerClass: 'gthread', threads: 2 },
    app: {
      steps: [
        { kind: 'cpu', time: { dist: 'exponential', mean: '1ms' } },
        { kind: 'sleep', time: { dist: 'exponential', mean: o.sleep } },
      ],
    },
  };
}
