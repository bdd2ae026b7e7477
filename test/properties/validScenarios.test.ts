// Random valid scenarios: each is accepted, runs within its budgets with every invariant
// intact, and gives byte-identical JSON when run again with the same seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findViolations } from '../../src/check/invariants.js';
import { simulate, type RunResult } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { validateScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { PROPERTY_SEED, PROPERTY_TIMEOUT, VALID_RUNS } from './properties.js';
import { validScenario, type RawScenario } from './validScenarios.js';

function runJson(raw: RawScenario) {
  const scenario = validateScenario(structuredClone(raw), 'generated.json');
  const result = simulate(scenario);
  return { json: JSON.stringify(summarize(result, 'generated', scenario.seed)), violations: findViolations(result), result, scenario };
}

/** How the run's machine scheduled its cores, to check that the generator reaches every way. */
function scheduling(s: Scenario): string[] {
  const m = s.machine;
  const several = m.cores > 1 ? 'several cores, ' : '';
  return [
    m.scheduler === 'fifo' ? 'fifo' : `${several}${m.runQueues} run queues, task groups ${m.taskGroups}`,
    ...(s.client.cores !== undefined ? ['client on its own host'] : s.client.taskGroup === 'server' ? ["client in gunicorn's group"] : []),
    ...(s.database?.cores !== undefined ? ['database on its own host'] : []),
    ...(s.fleet !== undefined ? ['fleet'] : []),
  ];
}

/** The mechanisms a run went through, to check that the generator reaches them all. */
function mechanisms(r: RunResult): string[] {
  const errors = [...r.recorder.errors.keys()].join('\n');
  return [
    r.server.workerClass,
    r.complete ? 'complete' : 'partial',
    ...(r.server.kills > 0 ? ['worker killed'] : []),
    ...(r.server.restarts > 0 ? ['worker restarted'] : []),
    ...(r.listener.synDrops > 0 ? ['SYN dropped'] : []),
    ...((r.database?.refused ?? 0) > 0 ? ['database refused'] : []),
    ...(errors.includes('Client.Timeout') ? ['client timeout'] : []),
    ...(errors.includes('EOF') ? ['EOF'] : []),
    ...((r.recorder.statusCodes.get(500) ?? 0) > 0 ? ['500'] : []),
  ];
}

describe('random valid scenarios', () => {
  it(
    `keep every invariant and give the same bytes for the same seed (${VALID_RUNS} scenarios)`,
    () => {
      const seen = new Map<string, number>();
      fc.assert(
        fc.property(validScenario, (raw) => {
          const first = runJson(raw);
          expect(first.violations).toEqual([]);
          expect(runJson(raw).json).toBe(first.json);
          for (const m of [...mechanisms(first.result), ...scheduling(first.scenario)]) seen.set(m, (seen.get(m) ?? 0) + 1);
        }),
        { seed: PROPERTY_SEED, numRuns: VALID_RUNS },
      );
      // The generator must reach every mechanism, and mostly make runs that end (the
      // invariants of complete runs, Little's law among them, apply only to those).
      expect(seen.get('complete')).toBeGreaterThan(VALID_RUNS * 0.8);
      for (const m of [
        'sync',
        'gthread',
        'gevent',
        'eventlet',
        'uvicorn.workers.UvicornWorker',
        'partial',
        'worker killed',
        'worker restarted',
        'SYN dropped',
        'database refused',
        'client timeout',
        'EOF',
        '500',
        'fifo',
        ...['shared', 'per-core'].flatMap((q) =>
          ['none', 'session', 'service'].map((g) => `several cores, ${q} run queues, task groups ${g}`),
        ),
        'client on its own host',
        "client in gunicorn's group",
        'database on its own host',
        'fleet',
      ]) {
        expect(seen.get(m) ?? 0, m).toBeGreaterThan(0);
      }
    },
    PROPERTY_TIMEOUT,
  );
});
