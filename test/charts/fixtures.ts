// Runs for the chart tests: the article's scenarios as they are in scenarios/, and a
// hand-made sweep of the article's gevent scenario (what issue 6's runner will produce).
import { readdirSync, readFileSync } from 'node:fs';
import { simulate } from '../../src/model/system.js';
import { summarize, type RunSummary } from '../../src/report/summary.js';
import { validateScenario } from '../../src/scenario/load.js';
import type { TimelineData } from '../../src/stats/timeline.js';
import { sweepPoint, type Sweep } from '../../src/charts/sweep/sweep.js';
import { run } from '../helpers.js';

/**
 * Every scenario file the project ships, by name, but the benchmarks' (seconds each, and
 * shaped like open-loop-poisson, which is here).
 */
export const SCENARIOS = readdirSync('scenarios')
  .filter((f) => f.endsWith('.json') && f !== 'schema.json' && !f.startsWith('bench-'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

export function scenarioRun(name: string, change: (raw: any) => void = () => {}): { summary: RunSummary; timeline: TimelineData } {
  const raw = JSON.parse(readFileSync(`scenarios/${name}.json`, 'utf8'));
  change(raw);
  const scenario = validateScenario(raw, name);
  const result = simulate(scenario);
  return { summary: summarize(result, name, scenario.seed), timeline: result.timeline };
}

/** gevent-100 at -c = -n in `concurrencies`, with psycogreen (patched) and without. */
export function concurrencySweep(concurrencies: readonly number[]): Sweep {
  const points = [true, false].flatMap((psycogreen) =>
    concurrencies.map((c) => {
      const { summary } = scenarioRun('gevent-100', (raw) => {
        raw.client.concurrency = c;
        raw.client.requests = c;
        raw.app.psycogreen = psycogreen;
      });
      return sweepPoint(summary, { 'client.concurrency': c }, psycogreen ? 'patched' : 'unpatched');
    }),
  );
  return { x: 'client.concurrency', xTitle: 'hey -c (concurrent clients, -n = -c)', points };
}

/** A run whose app uses no database (the test helper's scenario always has one). */
export function withoutDatabase(): { summary: RunSummary; timeline: TimelineData } {
  const scenario = validateScenario(
    {
      description: 'no database',
      client: { requests: 20, concurrency: 5, timeout: 0 },
      server: { workerClass: 'gevent' },
      app: { steps: [{ kind: 'sleep', time: 0.01 }] },
    },
    'no database',
  );
  const result = simulate(scenario);
  return { summary: summarize(result, 'no database', scenario.seed), timeline: result.timeline };
}

/** A short incident: Poisson arrivals, a slowdown from 2 to 4 s with a worker killed at 3 s, retries. */
export function incidentRun() {
  return run({
    client: { arrivals: { rate: 50 }, duration: 8, timeout: 0.5, retries: { count: 2, jitter: 'full' } },
    server: { workers: 2 },
    app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: 0.05 }, { kind: 'dbClose' }], pool: { size: 5, maxOverflow: 0 } },
    timeline: [
      { at: 2, until: 4, change: 'database.queryTime', multiply: 20, note: 'slow disk' },
      { at: 3, killWorkers: 1 },
    ],
  });
}
