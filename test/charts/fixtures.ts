// Runs for the chart tests: the article's scenarios as they are in scenarios/, and a
// hand-made sweep of the article's gevent scenario (what issue 6's runner will produce).
import { readFileSync } from 'node:fs';
import { simulate } from '../../src/model/system.js';
import { summarize, type RunSummary } from '../../src/report/summary.js';
import { validateScenario } from '../../src/scenario/load.js';
import type { TimelineData } from '../../src/stats/timeline.js';
import { sweepPoint, type Sweep } from '../../src/charts/sweep.js';

export const ARTICLE_SCENARIOS = [
  'gevent-unpatched-10',
  'gevent-10',
  'gevent-50',
  'gevent-75',
  'gevent-100',
  'gevent-101',
  'gevent-125',
  'gevent-4x100-actors',
] as const;

export function articleRun(name: string, change: (raw: any) => void = () => {}): { summary: RunSummary; timeline: TimelineData } {
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
      const { summary } = articleRun('gevent-100', (raw) => {
        raw.client.concurrency = c;
        raw.client.requests = c;
        raw.app.psycogreen = psycogreen;
      });
      return sweepPoint(summary, { 'client.concurrency': c }, psycogreen ? 'patched' : 'unpatched');
    }),
  );
  return { x: 'client.concurrency', xTitle: 'hey -c (concurrent clients, -n = -c)', points };
}
