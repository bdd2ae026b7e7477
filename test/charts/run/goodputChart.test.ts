// The goodput chart: goodput against throughput over time, the timeline's events shaded
// or ruled where they happened, the recovery marked; also a panel of the timeline chart.
import { describe, expect, it } from 'vitest';
import { goodputChart } from '../../../src/charts/run/goodputChart.js';
import { runCharts } from '../../../src/charts/run/runCharts.js';
import { timelineChart } from '../../../src/charts/run/timelineChart.js';
import { incidentRun } from '../fixtures.js';

const { summary, result } = incidentRun();
const spec = goodputChart(summary, result.timeline) as any;
const layerData = (mark: string) => spec.layer.filter((l: any) => (l.mark.type ?? l.mark) === mark).map((l: any) => l.data.values);

describe('the goodput chart', () => {
  it('shades each event with a span from its start to its end, and rules an instant one', () => {
    expect(layerData('rect')).toEqual([[{ from: 2, to: 4, label: 'slow disk (database.queryTime x20)' }]]);
    expect(layerData('rule')[0]).toEqual([{ at: 3, label: 'kill 1 worker' }]);
  });

  it('draws goodput and throughput per second from the run: their sums are the successes and the attempts', () => {
    const lines = spec.layer.find((l: any) => l.mark.type === 'line').data.values as { t: number; series: string; perSecond: number }[];
    const w = result.timeline.bucketSeconds;
    // Every bucket but the closing row (which repeats the last one at the end of the run).
    const sum = (series: string) =>
      lines
        .filter((r) => r.series.startsWith(series))
        .slice(0, -1)
        .reduce((n, r, i, all) => n + r.perSecond * (i === all.length - 1 ? Math.min(w, summary.summary.total - r.t) : w), 0);
    expect(sum('goodput')).toBeCloseTo(summary.statusCodes['200'] ?? 0, 0);
    expect(sum('throughput')).toBeCloseTo(summary.incident!.retries!.attempts, 0);
  });

  it('is one of the run charts, and a panel of the timeline, only with an incident', () => {
    expect(runCharts(summary, result.timeline).map((c) => c.name)).toContain('goodput');
    const panels = (timelineChart({ summary, timeline: result.timeline }) as any).vconcat.map((p: any) => p.title.text);
    expect(panels).toContain('Goodput and throughput');
    const { incident: _, ...plain } = summary;
    expect(runCharts(plain, result.timeline).map((c) => c.name)).not.toContain('goodput');
  });
});
