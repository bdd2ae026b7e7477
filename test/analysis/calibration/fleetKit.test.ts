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

describe("the kit's runs with instances down (nothing listening at their address)", () => {
  const raw = JSON.parse(readFileSync('calibration/measured-linux-2core.json', 'utf8'));
  const trivial = ['measured={}', 'app.steps=[{"kind":"cpu","time":0}]', 'fleet.instances=2', 'fleet.instancesPerHost=2'];
  const simulated = (name: string, down: string) => {
    const path = `calibration/results/${name}.txt`;
    const run = parseHeyRun(readFileSync(path, 'utf8'), path);
    const { scenario } = scenarioForRun(raw, run, [...trivial, `fleet.down=${down}`], 'measured-linux-2core.json');
    const r = simulate(scenario, { timeSeries: false });
    return { run, sim: summarize(r, name, scenario.seed), fleet: r.fleet! };
  };

  it('one down: every request answered, the refused ones retried on the other (proxy_next_upstream error)', () => {
    const { run, sim, fleet } = simulated('fleet-one-down', '[2]');
    expect(run.report.statusCodes).toEqual({ '204': 200 });
    expect(sim.statusCodes).toEqual(run.report.statusCodes);
    // nginx logged 3 refusals: requests already on their way when the first RST came
    // back; the model's refusal is instant, so the first one leaves the instance out.
    expect(fleet.balancer.retries).toBe(1);
    expect(fleet.balancer.upstreams[1].failures).toBe(1);
  });

  it('both down: 502 for every request ("no live upstreams" after the first refusals)', () => {
    const { run, sim } = simulated('fleet-both-down', '[1,2]');
    expect(run.report.statusCodes).toEqual({ '502': 20 });
    expect(sim.statusCodes).toEqual(run.report.statusCodes);
  });
});
