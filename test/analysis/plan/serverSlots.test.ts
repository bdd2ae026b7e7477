// What a plan counts as a configuration's connections: each worker class's slots.
import { describe, expect, it } from 'vitest';
import { handlerSlots, slotName } from '../../../src/analysis/plan/serverSlots.js';
import { scenario } from '../../helpers.js';

const UVICORN = 'uvicorn.workers.UvicornWorker' as const;
const sleep = [{ kind: 'sleep' as const, time: 0.05 }];

describe('slots of a uvicorn configuration', () => {
  it("counts the threadpool's threads when every endpoint is a def", () => {
    const s = scenario({
      server: { workerClass: UVICORN, workers: 2 },
      app: { steps: sleep, handler: 'def', threadpool: 40 },
      database: undefined,
    });
    expect([handlerSlots(s), slotName(s)]).toEqual([80, 'threadpool threads']);
  });

  it('counts limit_concurrency when it is set', () => {
    const s = scenario({ server: { workerClass: UVICORN, workers: 2, limitConcurrency: 100 }, app: { steps: sleep }, database: undefined });
    expect([handlerSlots(s), slotName(s)]).toEqual([200, 'requests (limit_concurrency)']);
  });

  it("otherwise has no cap but a process's file descriptors", () => {
    const s = scenario({ server: { workerClass: UVICORN, workers: 1 }, app: { steps: sleep }, database: undefined });
    expect([handlerSlots(s), slotName(s)]).toEqual([1_048_576, 'asyncio tasks']);
  });
});
