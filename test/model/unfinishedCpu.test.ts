// A run stopped partway (a budget, a limit) counts the CPU that ran by then: not the whole
// of the pieces still running or waiting for a core or a thread, which each process counted
// when it gave them (the backends, the postmaster, PgBouncer, hey), nor nothing of a
// worker's piece under way (which counts when done).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { validateScenario } from '../../src/scenario/load.js';
import { run } from '../helpers.js';

const seconds = (us: number) => us / 1e6;

describe('the CPU of a run stopped partway', () => {
  it("counts a query's CPU up to the stop, not the whole it was given", () => {
    // Ten queries of 100 s of CPU on 4 cores, stopped at 10 s: the backends did at most
    // 4 x 10 s (they started once connected, 12 ms in). Counted as given: 1000 s.
    const { result, summary } = run({
      machine: { cores: 4 },
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', cpu: 100 }, { kind: 'dbClose' }] },
      limits: { maxSimTime: '10s' },
    });
    expect(result.stopReason).toBe('maxSimTime');
    expect(seconds(result.cpu.backends)).toBeGreaterThan(39.9);
    expect(seconds(result.cpu.backends)).toBeLessThanOrEqual(40);
    expect(summary.simulation.cpu.backends).toBeLessThanOrEqual(40);
  });

  it("counts the workers' pieces under way for their part done, and hey's pieces waiting for a thread not at all", () => {
    // hey's 10 requests each take 5 s of its CPU on 4 threads; 4 sync workers each run
    // 100 s. 0-5 s: hey's first 4 pieces on the 4 cores; 5-10 s: hey's next 4 and the 4
    // workers share them (half a core each). hey: 4 x 5 + 4 x 2.5 = 30 s (given 50 s), the
    // workers 4 x 2.5 = 10 s (counted when done: 0 s): the cores' 40 s.
    const { result } = run({
      client: { requests: 10, concurrency: 10, requestCpu: 5 },
      machine: { cores: 4 },
      server: { workerClass: 'sync', workers: 4 },
      app: { steps: [{ kind: 'cpu', time: 100 }] },
      database: undefined,
      limits: { maxSimTime: '10s' },
    });
    expect(result.stopReason).toBe('maxSimTime');
    expect(seconds(result.cpu.client)).toBe(30);
    expect(seconds(result.cpu.workers)).toBe(10);
  });

  it("counts a worker's boot for its part done", () => {
    // Two UvicornWorkers boot (20 s of CPU each, their pools to open after) on 1 core,
    // forked 0-0.1 s apart: stopped at 4 s, the core's 4 s between them, not 40 s.
    const { result } = run({
      machine: { cores: 1 },
      server: { workerClass: 'uvicorn.workers.UvicornWorker', workers: 2, bootCpu: 20 },
      app: {
        driver: 'asyncpg',
        handler: 'async',
        asyncpgPool: { minSize: 2, maxSize: 2 },
        steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.1 }, { kind: 'dbClose' }],
      },
      limits: { maxSimTime: '4s' },
    });
    expect(result.stopReason).toBe('maxSimTime');
    expect(seconds(result.cpu.workers)).toBeGreaterThan(3.9);
    expect(seconds(result.cpu.workers)).toBeLessThanOrEqual(4);
  });

  it("counts PgBouncer's logins and a query under statement_timeout for their part done", () => {
    // PgBouncer logs its clients in one at a time on its one thread, 10 s of CPU each:
    // stopped at 5 s it did 5 s (given 10 s when the first login took the thread). A query
    // of 100 s under a 50 s statement_timeout, alone on 1 core, stopped at 10 s: its backend
    // did not quite 10 s (its start-up came first), where 100 s was given.
    const bounced = run({
      client: { requests: 3, concurrency: 3 },
      database: { pgbouncer: { loginCpu: 10 } },
      limits: { maxSimTime: '5s' },
    }).result;
    expect(bounced.stopReason).toBe('maxSimTime');
    expect(seconds(bounced.database!.pgbouncer!.cpuUsed)).toBeCloseTo(5, 1);
    const timed = run({
      client: { requests: 1, concurrency: 1 },
      machine: { cores: 1 },
      app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', cpu: 100 }, { kind: 'dbClose' }] },
      database: { statementTimeout: 50 },
      limits: { maxSimTime: '10s' },
    }).result;
    expect(timed.stopReason).toBe('maxSimTime');
    expect(seconds(timed.cpu.backends)).toBeLessThanOrEqual(10);
    expect(seconds(timed.cpu.backends)).toBeGreaterThan(9.9);
  });

  it('finds the process of every piece unfinished, in every scenario shipped, stopped early at two budgets', () => {
    // An unfinished piece no process owns would stay counted as given (evidence.unownedCpuTasks;
    // an invariant, which the tests' simulate checks too).
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.json') && !/schema|sweep-article/.test(f));
    expect(files.length).toBeGreaterThan(30);
    let cut = 0;
    for (const f of files) {
      const s = validateScenario(JSON.parse(readFileSync(`scenarios/${f}`, 'utf8')), f);
      for (const maxEvents of [400, 4000]) {
        const result = simulate(s, { maxEvents, timeSeries: false });
        if (!result.complete) cut++;
        expect(result.evidence.unownedCpuTasks, `${f} at ${maxEvents} events`).toBe(0);
      }
    }
    expect(cut).toBeGreaterThan(40);
  });
});
