// The kit's fleet-slow run (calibration/fleet.sh): nginx in front of two instances whose
// handler sleeps 2 s, proxy_read_timeout 1 s, hey -n 20 -c 10. The model, from the measured
// scenario with nothing fitted, gives the statuses nginx gave (19 x 502, 1 x 504) and its
// Total within 1 %: the 502/504 and max_fails mechanisms, not a figure tuned to them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHeyRun } from '../../../src/analysis/calibration/heyRun.js';
import { scenarioForRun } from '../../../src/analysis/calibration/scenarioForRun.js';
import { simulate } from '../../../src/model/system.js';
import { summarize } from '../../../src/report/summary.js';

describe("the kit's fleet-slow run", () => {
  const path = 'calibration/results/fleet-slow.txt';
  const run = parseHeyRun(readFileSync(path, 'utf8'), path);
  const raw = JSON.parse(readFileSync('calibration/measured-linux-2core.json', 'utf8'));
  const sets = [
    'measured={}',
    'app.steps=[{"kind":"sleep","time":2}]',
    'fleet.instances=2',
    'fleet.instancesPerHost=2',
    'fleet.loadBalancer.readTimeout=1',
  ];
  const { scenario } = scenarioForRun(raw, run, sets, 'calibration/measured-linux-2core.json');
  const sim = summarize(simulate(scenario, { timeSeries: false }), 'fleet-slow', scenario.seed);

  it('gets the statuses nginx answered: 19 x 502 (no live upstreams), 1 x 504', () => {
    expect(run.report.statusCodes).toEqual({ '502': 19, '504': 1 });
    expect(sim.statusCodes).toEqual(run.report.statusCodes);
  });

  it('ends when the retried request times out on its second upstream, as the real run did', () => {
    expect(Math.abs(sim.summary.total - run.report.summary.total) / run.report.summary.total).toBeLessThan(0.01);
  });
});
