// Fuzzing with extreme values (issue 17): scenarios whose fields take the values a hostile
// or careless user would give: 0, -1, fractions, a microsecond and less, every bound and
// one past it, 2^53, 1e15, 1e308, huge lists, strings where numbers belong. Each case must
// either be refused (exit 2, one `sim: ` line per problem, no stack trace, nothing on
// stdout) or run within the event budget and a heap ceiling (exit 0). Seeded, so CI sees
// the same cases every run; bounded by events and memory, never by the wall clock.
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { PROPERTY_SEED, PROPERTY_TIMEOUT } from './properties.js';

const RUNS = 300;
/** The event budget every case runs under (the --max-events flag overrides the file's). */
const MAX_EVENTS = 20_000;
/** The heap a case may leave in use: 20,000 events need a few MB; a leak or an up-front allocation shows. */
const HEAP_CEILING = 600 * 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'sim-fuzz-'));

const extremeNumber = fc.constantFrom(
  0,
  1,
  -1,
  0.5,
  2,
  3,
  127,
  128,
  255,
  1000,
  8192,
  8193,
  10_000,
  10_001,
  65_535,
  100_000,
  262_143,
  262_144,
  1_048_576,
  1_048_577,
  1e6,
  1e7,
  1e7 + 1,
  1e9,
  1e15,
  2 ** 31,
  2 ** 53 - 1,
  2 ** 53,
  1e308,
  1e-7,
  1e-6,
  4e-7,
);
const extremeDuration = fc.oneof(
  { weight: 25, arbitrary: fc.integer({ min: 0, max: 50 }).map((ms) => `${ms}ms`) },
  extremeNumber,
  fc.constantFrom('0.1us', '1us', '0s', '1h', '1000000000s', '2000000000s', '5 parsecs', ''),
);
// Mostly ordinary, one time in fifteen extreme: a case then has one or two extreme fields, so
// many get past validation and run with them.
const extremeCount = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 2, arbitrary: extremeNumber },
  fc.constantFrom('10', null, true, [], {}),
);
const dist = fc.oneof(
  extremeDuration,
  fc.record({ dist: fc.constant('exponential'), mean: extremeDuration }),
  fc.record({ dist: fc.constant('lognormal'), median: extremeDuration, sigma: fc.constantFrom(0, 1, 10, 11) }),
  fc.record({ dist: fc.constant('uniform'), min: extremeDuration, max: extremeDuration }),
  fc.record({
    dist: fc.constant('choice'),
    values: fc.array(extremeDuration, { minLength: 0, maxLength: 3 }),
    weights: fc.array(extremeNumber, { maxLength: 3 }),
  }),
);
const step = fc.oneof(
  fc.record({ kind: fc.constant('sleep'), time: dist }),
  fc.record({ kind: fc.constant('cpu'), time: dist }),
  fc.record({ kind: fc.constant('http'), time: dist, limit: extremeCount }, { requiredKeys: ['kind', 'time'] }),
  fc.constant({ kind: 'dbConnect' }),
  fc.record({ kind: fc.constant('dbQuery'), time: dist, cpu: dist }, { requiredKeys: ['kind'] }),
  fc.constant({ kind: 'dbClose' }),
  fc.record({ kind: fc.constant('cache'), time: dist, covers: fc.constantFrom(1, 2, 1e9), ttl: extremeDuration, keys: extremeCount }),
  fc.record({ kind: fc.constant('cache'), time: dist, covers: fc.constant(1), hitRatio: fc.constantFrom(0, 0.5, 1, 1.5) }),
);
// Mostly the article's handler, with one part made extreme: a run gets far enough to matter.
const steps = fc.oneof(
  { weight: 10, arbitrary: fc.array(step, { minLength: 1, maxLength: 3 }) },
  fc.constant([]),
  { weight: 4, arbitrary: fc.tuple(dist).map(([time]) => [{ kind: 'dbConnect' }, { kind: 'dbQuery', time }, { kind: 'dbClose' }]) },
  fc.constant('many').map(() => Array.from({ length: 10_001 }, () => ({ kind: 'sleep', time: 0.001 }))),
);
const rate = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 2000 }) }, extremeNumber);
const arrivals = fc.oneof(
  { weight: 4, arbitrary: fc.record({ rate }) },
  fc.record({
    steps: fc
      .array(fc.record({ from: extremeDuration, rate }), { minLength: 1, maxLength: 3 })
      .map((l) => l.map((st, i) => (i === 0 ? { ...st, from: 0 } : st))),
  }),
  { weight: 1, arbitrary: fc.constant({ steps: [] }) },
);

const scenario = fc.record(
  {
    seed: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 1000 }) }, extremeNumber, fc.constant(-5)),
    client: fc.oneof(
      fc.record(
        { requests: extremeCount, concurrency: fc.constant(1), timeout: extremeDuration, rate, maxIdleConns: extremeCount },
        { requiredKeys: ['requests', 'concurrency'] },
      ),
      // Work beyond the event budget: 1e7 requests are refused before the run (at least one
      // event each); 15,000 pass that check and run into the budget, a partial report.
      fc.record({ requests: fc.constantFrom(1e7, 15_000), concurrency: extremeCount }),
      fc.record(
        { duration: extremeDuration, concurrency: extremeCount, timeout: extremeDuration },
        { requiredKeys: ['duration', 'concurrency'] },
      ),
      fc.record({ requests: extremeCount, arrivals, timeout: extremeDuration }, { requiredKeys: ['requests', 'arrivals'] }),
    ),
    machine: fc.record(
      {
        cores: extremeCount,
        synRetries: extremeCount,
        somaxconn: extremeCount,
        os: fc.constantFrom('linux', 'darwin'),
        scheduler: fc.constantFrom('shared', 'fifo'),
        taskGroups: fc.constantFrom('none', 'session', 'service'),
        runQueues: fc.constantFrom('shared', 'per-core'),
      },
      { requiredKeys: [] },
    ),
    server: fc.record(
      {
        workerClass: fc.constantFrom('sync', 'gthread', 'gevent', 'eventlet', 'uvicorn.workers.UvicornWorker'),
        workers: extremeCount,
        threads: extremeCount,
        workerConnections: extremeCount,
        backlog: extremeCount,
        keepalive: extremeDuration,
        timeout: extremeDuration,
        bootTime: extremeDuration,
        maxRequests: extremeCount,
        maxRequestsJitter: extremeCount,
      },
      { requiredKeys: [] },
    ),
    app: fc.record({ steps }),
    database: fc.record(
      {
        maxConnections: extremeCount,
        superuserReservedConnections: extremeCount,
        forkTime: extremeDuration,
        backendStartTime: extremeDuration,
        backendExitTime: extremeDuration,
        cores: extremeCount,
      },
      { requiredKeys: ['forkTime', 'backendStartTime'] },
    ),
    limits: fc.record({ maxSimTime: extremeDuration }, { requiredKeys: [] }),
  },
  { requiredKeys: ['client', 'server', 'app'] },
);

describe('fuzzing with extreme values', () => {
  it(
    `every scenario is refused with exit 2 or runs within ${MAX_EVENTS} events and the heap ceiling (${RUNS} cases)`,
    async () => {
      let refused = 0;
      /** Refused as predictably beyond the budgets (src/scenario/budgets.ts), with the estimate. */
      let beyond = 0;
      let ran = 0;
      let n = 0;
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const file = join(dir, `fuzz-${n++}.json`);
          writeFileSync(file, JSON.stringify({ description: 'fuzz', ...s }));
          let out = '';
          let err = '';
          const code = await main(['run', file, '--json', '--max-events', String(MAX_EVENTS)], {
            out: (t) => (out += t),
            err: (t) => (err += t),
          });
          expect(err).not.toMatch(/internal error|\n\s+at /);
          for (const line of err.trimEnd().split('\n')) if (line !== '') expect(line).toMatch(/^sim: /);
          if (code === 2) {
            expect(out).toBe('');
            refused++;
            if (err.includes('the run could not finish within its')) beyond++;
            return;
          }
          expect(code).toBe(0);
          const report = JSON.parse(out);
          expect(report.simulation.events).toBeLessThanOrEqual(MAX_EVENTS);
          expect(process.memoryUsage().heapUsed).toBeLessThan(HEAP_CEILING);
          ran++;
        }),
        { seed: PROPERTY_SEED, numRuns: RUNS, endOnFailure: true },
      );
      console.log(`fuzz: ${refused} refused (${beyond} of them beyond the budgets), ${ran} ran`);
      // Both sides are exercised: mostly refusals, the budget check among them, but runs too.
      expect(refused).toBeGreaterThan(RUNS / 4);
      expect(beyond).toBeGreaterThan(0);
      expect(ran).toBeGreaterThan(5);
    },
    PROPERTY_TIMEOUT,
  );
});
