// Random valid scenarios run by uvicorn's workers on per-core run queues (their accept race
// decided per core: src/model/server/uvicorn.ts, CoreWaiters): each runs with every
// invariant intact and gives byte-identical JSON when run again with the same seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findViolations } from '../../src/check/invariants.js';
import { simulate } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { validateScenario } from '../../src/scenario/load.js';
import { PROPERTY_SEED, PROPERTY_TIMEOUT } from './properties.js';
import { validScenario, type RawScenario } from './validScenarios.js';

const RUNS = 200;

/** The scenario with uvicorn's workers on 2-4 cores with a run queue each (a change of cores in its timeline dropped: that needs one queue). */
const uvicornPerCore = fc.tuple(validScenario, fc.integer({ min: 2, max: 4 })).map(([raw, cores]) => {
  const r = structuredClone(raw) as any;
  r.server = { ...r.server, workerClass: 'uvicorn.workers.UvicornWorker' };
  r.machine = { ...(r.machine ?? {}), cores, runQueues: 'per-core' };
  if (r.timeline !== undefined) {
    r.timeline = r.timeline.filter((e: { change?: string }) => e.change !== 'machine.cores');
    if (r.timeline.length === 0) delete r.timeline;
  }
  return r as RawScenario;
});

function runJson(raw: RawScenario) {
  const scenario = validateScenario(structuredClone(raw), 'generated.json');
  const result = simulate(scenario);
  return { json: JSON.stringify(summarize(result, 'generated', scenario.seed)), violations: findViolations(result) };
}

describe("random valid scenarios, uvicorn's workers on per-core run queues", () => {
  it(
    `keep every invariant and give the same bytes for the same seed (${RUNS} scenarios)`,
    () => {
      fc.assert(
        fc.property(uvicornPerCore, (raw) => {
          const first = runJson(raw);
          expect(first.violations).toEqual([]);
          expect(runJson(raw).json).toBe(first.json);
        }),
        { seed: PROPERTY_SEED, numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );
});
