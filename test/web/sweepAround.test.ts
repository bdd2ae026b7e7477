// The sweep beside a run: the same what-if at loads around the current one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/load.js';
import { sweepAround } from '../../src/web/sweepAround.js';
import { scenario } from '../helpers.js';

const load = (name: string) => validateScenario(JSON.parse(readFileSync(`scenarios/${name}.json`, 'utf8')), name);

describe('the sweep around a what-if', () => {
  it('raises -n with -c where the scenario sends one request per hey worker, as the article did', () => {
    expect(sweepAround(load('gevent-100'))).toEqual({
      x: 'client.concurrency',
      xTitle: 'client.concurrency = client.requests (hey -c = -n)',
      paths: ['client.concurrency', 'client.requests'],
      values: [25, 50, 75, 90, 100, 110, 125, 150, 200],
      current: 100,
    });
  });

  it('keeps -c at most -n otherwise (hey refuses more)', () => {
    const plan = sweepAround(scenario({ client: { requests: 120, concurrency: 100 } }))!;
    expect(plan.paths).toEqual(['client.concurrency']);
    expect(plan.values).toEqual([25, 50, 75, 90, 100, 110]);
  });

  it('never goes below one hey worker, and has no duplicates at small loads', () => {
    expect(sweepAround(scenario({ client: { requests: 2, concurrency: 2 } }))!.values).toEqual([1, 2, 3, 4]);
  });

  it('varies the rate of an open loop', () => {
    const plan = sweepAround(load('plan-800'))!;
    expect(plan.x).toBe('client.arrivals.rate');
    expect(plan.values).toEqual([200, 400, 600, 720, 800, 880, 1000, 1200, 1600]);
  });

  it('has nothing to vary when the arrival rate steps over time', () => {
    expect(sweepAround(load('open-loop-poisson'))).toBeUndefined();
  });
});
