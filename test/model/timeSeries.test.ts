// A run may leave out the time series that only charts show (RunOptions.timeSeries):
// `sim run` without --plot or --check does, to go faster. It must not change a single
// figure of the report.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/report/summary.js';
import { parseJson, validateScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/model/system.js';

const files = readdirSync('scenarios').filter(
  (f) => f.endsWith('.json') && !['schema.json', 'sweep-article.json', 'plan-800.json'].includes(f),
);

function load(file: string) {
  const path = `scenarios/${file}`;
  const raw = parseJson(readFileSync(path, 'utf8'), path) as { client: { requests?: number } };
  // The benchmark models are a million requests: 20,000 show the same mechanisms.
  if (file.startsWith('bench-')) raw.client.requests = 20_000;
  return validateScenario(raw, path);
}

describe('a run without time series', () => {
  it.each(files)('%s: reports exactly what a run with them reports', (file) => {
    const s = load(file);
    const full = simulate(s);
    const lean = simulate(s, { timeSeries: false });
    expect(JSON.stringify(summarize(lean, file, s.seed))).toBe(JSON.stringify(summarize(full, file, s.seed)));
    // Requests in the system (Little's law) are still kept...
    expect(lean.timeline.mean.inSystem).toEqual(full.timeline.mean.inSystem);
    // ...and the series only charts use are not.
    expect(full.timeline.mean.running).toBeDefined();
    expect(lean.timeline.mean.running).toBeUndefined();
    expect(lean.timeline.peak.backlog).toBeUndefined();
    expect(full.timeline.count['2xx']).toBeDefined();
    // An incident's report reads completions over time (goodput before and after): kept.
    expect(lean.timeline.count).toEqual(full.incident === undefined ? {} : full.timeline.count);
  });
});
