import { describe, expect, it } from 'vitest';
import { latencyChart } from '../../../src/charts/run/latencyChart.js';
import { run } from '../../helpers.js';
import { scenarioRun } from '../fixtures.js';

const layers = (spec: any) => ({ bars: spec.layer[0], rules: spec.layer[1] });

describe('the latency histogram of gevent-125', () => {
  const { summary } = scenarioRun('gevent-125');
  const { bars, rules } = layers(latencyChart(summary));

  it("has hey's 11 buckets, counting every response", () => {
    expect(bars.data.values).toHaveLength(11);
    expect(bars.data.values.reduce((a: number, b: any) => a + b.responses, 0)).toBe(summary.summary.responses);
    expect(bars.data.values.map((b: any) => b.responses)).toEqual(summary.histogram.map((b) => b.count));
  });

  it('draws each bucket over (previous mark, mark], the way hey counts it', () => {
    const v = bars.data.values;
    expect(v[3].from).toBeCloseTo(summary.histogram[2].mark, 6);
    expect(v[3].to).toBeCloseTo(summary.histogram[3].mark, 6);
    expect(v[0].to).toBeCloseTo(summary.summary.fastest!, 6);
    expect(v[0].from).toBeLessThan(v[0].to); // the fastest bucket is a visible sliver
    expect(bars.encoding.y2).toEqual({ datum: 0 }); // bars stand on the axis
  });

  it("marks each of hey's percentiles with a labelled rule at its value", () => {
    const marked = rules.data.values.map((r: any) => [r.percentile, r.seconds]);
    const expected = Object.entries(summary.latency).filter(([, v]) => v !== null);
    expect(marked.sort()).toEqual(expected.map(([k, v]) => [k, Number(v!.toFixed(6))]).sort());
    expect(rules.layer.map((l: any) => l.mark.type)).toEqual(['rule', 'text', 'text']);
    const p50 = rules.data.values.find((r: any) => r.percentile === 'p50');
    expect(p50.label).toBe(`p50 ${summary.latency.p50!.toFixed(4)} s`);
  });

  it('keeps the labels clear of each other: no two on one row on the same side', () => {
    const rows = rules.data.values.map((r: any) => `${r.side}@${r.labelAt}`);
    expect(new Set(rows).size).toBe(rows.length);
    const top = latencyChart(summary) as any;
    const tallest = Math.max(...summary.histogram.map((b) => b.count));
    expect(rules.data.values.every((r: any) => r.labelAt > tallest)).toBe(true);
    expect(top.layer[0].encoding.y.scale.domain[1]).toBeGreaterThan(Math.max(...rules.data.values.map((r: any) => r.labelAt)));
  });
});

describe('awkward runs', () => {
  it('says so when no request got a response', () => {
    const { summary } = run({ client: { timeout: 0.5 } });
    const spec = latencyChart(summary) as any;
    expect(spec.mark.type).toBe('text');
    expect(spec.data.values[0].message).toMatch(/No responses/);
  });

  it('gives the bar a width when every response took the same time', () => {
    const { summary } = run({ client: { requests: 1, concurrency: 1 } });
    const v = layers(latencyChart(summary)).bars.data.values;
    expect(v[0].responses).toBe(1);
    expect(v[0].to - v[0].from).toBeGreaterThan(0);
  });
});
