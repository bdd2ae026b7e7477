import { describe, expect, it } from 'vitest';
import { sweepPoint, type Sweep } from '../../../src/charts/sweep/sweep.js';
import { sweepLatencyChart, sweepThroughputChart } from '../../../src/charts/sweep/sweepCharts.js';
import { concurrencySweep, scenarioRun } from '../fixtures.js';

const rows = (spec: any): any[] => spec.data.values;
const layerMarks = (spec: any) => spec.layer.map((l: any) => l.mark.type);

describe('a sweep point from one run', () => {
  it("splits hey's Requests/sec by how requests ended, adding up to hey's figure", () => {
    const { summary } = scenarioRun('gevent-125');
    const p = sweepPoint(summary, { 'client.concurrency': 125 }, 'patched');
    expect(p.requestsPerSec['2xx']).toBeCloseTo(100 / summary.summary.total, 9);
    expect(p.requestsPerSec['5xx']).toBeCloseTo(25 / summary.summary.total, 9);
    expect(p.requestsPerSec['2xx'] + p.requestsPerSec['5xx'] + p.requestsPerSec.errors).toBeCloseTo(summary.summary.requestsPerSec, 9);
    expect(p.latency).toEqual({ p50: summary.latency.p50, p99: summary.latency.p99 });
  });
});

describe('the sweep charts of gevent-100 at several concurrencies, patched and unpatched', () => {
  const sweep = concurrencySweep([10, 50, 100, 101, 125]);
  const throughput = sweepThroughputChart(sweep);

  it('puts both series in one plot, told apart by colour, outcomes by dash', () => {
    const spec = throughput as any;
    expect(spec.encoding.color.field).toBe('series');
    expect(spec.encoding.color.scale.domain).toEqual(['patched', 'unpatched']);
    expect(spec.layer.find((l: any) => l.mark.type === 'line').encoding.strokeDash.field).toBe('key');
    expect(spec.encoding.x.field).toBe('x');
    expect(spec.encoding.x.title).toBe(sweep.xTitle);
  });

  it('has one row per point and outcome, at the swept value, sorted along x', () => {
    const patched2xx = rows(throughput).filter((r) => r.series === 'patched' && r.key === '2xx');
    expect(patched2xx.map((r) => r.x)).toEqual([10, 50, 100, 101, 125]);
    const p125 = sweep.points.find((p) => p.series === 'patched' && p.parameters['client.concurrency'] === 125)!;
    expect(patched2xx.at(-1).value).toBeCloseTo(p125.requestsPerSec['2xx'], 6);
  });

  it('shows 5xx only for the series that had any, and no band without intervals', () => {
    const fivexx = rows(throughput).filter((r) => r.key === '5xx');
    expect(new Set(fivexx.map((r) => r.series))).toEqual(new Set(['patched']));
    expect(fivexx.filter((r) => r.value > 0).map((r) => r.x)).toEqual([101, 125]);
    expect(layerMarks(throughput)).toEqual(['line', 'point']);
  });

  it('marks a chosen x with a labelled rule that no series claims, only when asked', () => {
    const marked = sweepThroughputChart({ ...sweep, marker: { x: 101, label: 'this what-if' } }) as any;
    expect(layerMarks(marked)).toEqual(['line', 'point', 'rule', 'text']);
    const [rule, text] = marked.layer.slice(2);
    expect(rule.data.values).toEqual([{ x: 101, label: 'this what-if' }]);
    expect(rule.encoding.color).toEqual({ value: '#666' }); // not the series colour scale
    expect(text.encoding.text.field).toBe('label');
    expect(rows(marked)).toEqual(rows(throughput)); // the curves are the same
  });

  it('draws p50 and p99, leaving out the points where hey gives no p99', () => {
    const latency = sweepLatencyChart(sweep);
    const p99 = rows(latency).filter((r) => r.key === 'p99' && r.series === 'patched');
    expect(p99.map((r) => r.x)).toEqual([100, 101, 125]); // hey prints p99 from 100 responses on
    expect((latency as any).title.subtitle.join('\n')).toMatch(/gaps/);
  });
});

describe('confidence bands', () => {
  const point = (x: number, series: string, rps: number, withInterval: boolean) => ({
    parameters: { 'server.workers': x },
    series,
    requestsPerSec: { '2xx': rps, '5xx': 0, errors: 0 },
    latency: { p50: 0.1 * x, p99: 0.2 * x },
    ...(withInterval ? { replications: 5, interval: { level: 0.95, requestsPerSec: { '2xx': { low: rps - 1, high: rps + 1 } } } } : {}),
  });
  const sweep: Sweep = {
    x: 'server.workers',
    points: [point(1, 'a', 10, true), point(2, 'a', 20, true), point(1, 'b', 5, false), point(2, 'b', 7, false)],
  };

  it('are drawn where replications give intervals, and only there', () => {
    const spec = sweepThroughputChart(sweep) as any;
    expect(layerMarks(spec)).toEqual(['area', 'line', 'point']);
    expect(spec.layer[0].encoding.y.field).toBe('low');
    expect(spec.layer[0].encoding.y2.field).toBe('high');
    const banded = rows(spec).filter((r) => 'low' in r);
    expect(banded.map((r) => [r.series, r.x, r.low, r.high])).toEqual([
      ['a', 1, 9, 11],
      ['a', 2, 19, 21],
    ]);
    expect(spec.title.subtitle).toContain('bands: 95% confidence intervals over replications');
  });

  it('are absent from the latency chart when only throughput has intervals', () => {
    expect(layerMarks(sweepLatencyChart(sweep))).toEqual(['line', 'point']);
  });
});

describe('sweep charts for a design doc', () => {
  const sweep = concurrencySweep([10, 50, 100, 101, 125]);

  it('draws the targets as labelled rules across the plot, only when given', () => {
    const targeted = { ...sweep, target: { requestsPerSec: 80, p99: 0.3 } };
    const throughput = sweepThroughputChart(targeted) as any;
    const latency = sweepLatencyChart(targeted) as any;
    expect(layerMarks(throughput)).toEqual(['line', 'point', 'rule', 'text']);
    const [rule, text] = throughput.layer.slice(2);
    expect(rule.data.values).toEqual([{ y: 80, label: 'target: 80 2xx/s' }]);
    expect(rule.encoding.y.field).toBe('y');
    // Across the whole width, not at some x.
    expect(rule.encoding.x).toEqual({ value: 0 });
    expect(rule.encoding.x2).toEqual({ value: 'width' });
    expect(text.encoding.text.field).toBe('label');
    expect(latency.layer.at(-2).data.values).toEqual([{ y: 0.3, label: 'target: p99 <= 0.3 s' }]);
    expect(layerMarks(sweepThroughputChart(sweep))).toEqual(['line', 'point']);
  });

  it('gives a swept count whole-number ticks and axis titles in words with units', () => {
    const spec = sweepThroughputChart({ ...sweep, xTitle: undefined }) as any;
    expect(spec.encoding.x.axis).toEqual({ tickMinStep: 1, format: 'd' });
    expect(spec.encoding.x.title).toBe('Concurrent clients (hey -c)');
    expect(spec.layer.find((l: any) => l.mark.type === 'line').encoding.y.title).toBe('Requests/sec');
    expect((sweepLatencyChart(sweep) as any).layer.find((l: any) => l.mark.type === 'line').encoding.y.title).toBe('Response time (s)');
    const fractional: Sweep = {
      ...sweep,
      x: 'server.keepalive',
      points: sweep.points.map((p, i) => ({ ...p, parameters: { 'server.keepalive': i / 2 } })),
    };
    expect((sweepThroughputChart(fractional) as any).encoding.x.axis).toBeUndefined();
  });

  it('draws a log y axis with --log-y, leaving out the zeros it cannot show', () => {
    const spec = sweepThroughputChart({ ...sweep, logY: true }) as any;
    const line = spec.layer.find((l: any) => l.mark.type === 'line');
    expect(line.encoding.y.scale).toEqual({ type: 'log' });
    expect(rows(spec).every((r) => r.value > 0)).toBe(true);
  });
});
