import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import type { NamedChart } from '../../src/charts/namedChart.js';
import { runCharts } from '../../src/charts/run/runCharts.js';
import { sweepCharts } from '../../src/charts/sweep/sweepCharts.js';
import { simulate } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { run, scenario } from '../helpers.js';
import { SCENARIOS, scenarioRun, concurrencySweep, withoutDatabase, incidentRun } from './fixtures.js';
import { compileWarnings, schemaErrors } from './vegaLiteSchema.js';

/** Every kind of chart the code emits, including the awkward runs. */
function everyChart(): [string, NamedChart][] {
  const out: [string, NamedChart][] = [];
  const add = (label: string, charts: NamedChart[]) => {
    for (const c of charts) out.push([`${label} ${c.name}`, c]);
  };
  for (const name of SCENARIOS) {
    const { summary, timeline } = scenarioRun(name);
    add(name, runCharts(summary, timeline));
  }
  const noDatabase = withoutDatabase();
  add('no database', runCharts(noDatabase.summary, noDatabase.timeline));
  const allTimedOut = run({ client: { timeout: 0.5 } });
  expect(allTimedOut.summary.summary.responses).toBe(0);
  add('no responses', runCharts(allTimedOut.summary, allTimedOut.result.timeline));
  const one = run({ client: { requests: 1, concurrency: 1 } });
  add('one response', runCharts(one.summary, one.result.timeline));
  const s = scenario();
  const partial = simulate(s, { maxEvents: 20 });
  add('partial run', runCharts(summarize(partial, 'partial', s.seed), partial.timeline));
  const incident = incidentRun();
  add('incident', runCharts(incident.summary, incident.result.timeline));
  const sweep = concurrencySweep([10, 100, 125]);
  add('sweep', sweepCharts(sweep));
  add(
    'sweep with recovery',
    sweepCharts({
      ...sweep,
      points: sweep.points.map((p, i) => ({ ...p, recovery: { seconds: i === 0 ? null : 3 * i, horizon: 20 } })),
    }),
  );
  add('sweep with a marker', sweepCharts({ ...sweep, marker: { x: 100, label: 'this what-if' } }));
  add(
    'sweep with bands',
    sweepCharts({
      ...sweep,
      points: sweep.points.map((p) => ({
        ...p,
        replications: 5,
        interval: { level: 0.95, requestsPerSec: { '2xx': { low: 0, high: 200 } }, latency: { p50: { low: 0, high: 2 } } },
      })),
    }),
  );
  return out;
}

describe('every emitted Vega-Lite spec', () => {
  const charts = everyChart();

  it.each(charts)('%s validates against the vega-lite schema and compiles without warnings', async (_, chart) => {
    expect(schemaErrors(chart.spec)).toEqual([]);
    expect(await compileWarnings(chart.spec)).toEqual([]);
  });

  it('a broken spec is caught (the check can fail)', () => {
    const broken = { ...charts[0][1].spec, vconcat: [{ mark: 'lines', encoding: {} }] } as unknown as TopLevelSpec;
    expect(schemaErrors(broken).length).toBeGreaterThan(0);
  });

  const committed = existsSync('plots')
    ? readdirSync('plots', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.vl.json'))
    : [];
  it('the committed example charts exist', () => {
    expect(committed.length).toBeGreaterThanOrEqual(6);
  });
  it.each(committed)('plots/%s validates and compiles', async (file) => {
    const spec = JSON.parse(readFileSync(join('plots', file), 'utf8'));
    expect(schemaErrors(spec)).toEqual([]);
    expect(await compileWarnings(spec)).toEqual([]);
  });
});
