// One gevent worker x 100 on the actors handler at hey -c 100, on the costs measured on
// 2026-12-03 (calibration/measured-linux-2core-rep1203-day.json), with one run queue for
// both cores and with one per core (docs/validation.md, "Per-core run queues"). The worker
// never sleeps; each backend keeps the core it was forked on, so those forked beside the
// worker take its core even while the other idles, and the worker, the bottleneck, gets
// less of a core than one shared queue gives it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { applyOverride } from '../../src/scenario/overrides.js';
import { validateScenario } from '../../src/scenario/load.js';

function run(runQueues: 'shared' | 'per-core', extra: string[]) {
  const raw = JSON.parse(readFileSync('calibration/measured-linux-2core-rep1203-day.json', 'utf8'));
  for (const o of ['server.workerConnections=100', `machine.runQueues=${runQueues}`, ...extra]) applyOverride(raw, o);
  const result = simulate(validateScenario(raw, 'run queues'));
  return { result, rps: summarize(result, 'run queues', 1).summary.requestsPerSec };
}

const actors = [
  'client.requests=1000',
  'client.concurrency=100',
  'app.steps.1.time=0',
  'app.steps.1.cpu=0.0006919',
  'app.steps.1.decodeCpu=0.0000936',
];

describe('run queues', () => {
  it('per core, the CPU-bound worker gets less of a core: fewer requests a second than one shared queue gives', () => {
    const shared = run('shared', actors);
    const perCore = run('per-core', actors);
    expect(perCore.rps).toBeLessThan(shared.rps * 0.95);
    // The same work is done either way (within the seeds' draws): only where it waits changes.
    expect(Math.abs(perCore.result.cpu.workers / shared.result.cpu.workers - 1)).toBeLessThan(0.02);
  });

  it('with nothing waiting for a core (pg_sleep(1), -c 10), where tasks queue makes no difference', () => {
    const idle = ['client.requests=10', 'client.concurrency=10'];
    const shared = run('shared', idle);
    const perCore = run('per-core', idle);
    expect(Math.abs(perCore.rps / shared.rps - 1)).toBeLessThan(0.01);
  });
});
