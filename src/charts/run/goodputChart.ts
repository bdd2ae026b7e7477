// An incident over time: goodput (successful responses per second) against throughput
// (attempts ended per second, whatever their result) and the responses that came after
// their client had given up (work for nobody), with each timeline event shaded over its
// span (or ruled at its instant) and labelled, and the moment goodput recovered. A panel
// of the timeline chart, and a chart of its own.
import type { TopLevelSpec } from 'vega-lite';
import type { IncidentSummary } from '../../report/incident.js';
import type { RunSummary } from '../../report/summary.js';
import type { TimelineData } from '../../stats/timeline.js';
import { runLabel } from './runLabel.js';
import { CONFIG, OUTCOME_COLOR, PANEL_HEIGHT, round, VEGA_LITE_SCHEMA, WIDTH, type Panel } from '../style.js';
import { stepRows, type TimeAxis } from './timelineChart.js';

const SERIES = [
  { key: 'throughput', label: 'throughput: attempts ended/s', color: '#7f7f7f' },
  { key: 'goodput', label: 'goodput: successful responses/s', color: OUTCOME_COLOR['2xx'] },
  { key: 'late', label: 'responses for nobody/s (client gone)', color: '#d62728' },
] as const;

const SHADE = '#fdae6b';
const RECOVERED = '#2ca02c';

export function goodputPanel(incident: IncidentSummary, timeline: TimelineData, end: number, ms: number, x: TimeAxis): Panel {
  const width = timeline.bucketSeconds;
  const good = timeline.count['2xx'].map((n, i) => n + timeline.count['3xx'][i]);
  const of: Record<(typeof SERIES)[number]['key'], number[]> = {
    throughput: timeline.count.attempts,
    goodput: good,
    late: timeline.count.late ?? good.map(() => 0),
  };
  const values = stepRows(timeline, end, (i) => {
    const span = Math.min(width, end - timeline.t[i]);
    return SERIES.map((s) => ({ series: s.label, perSecond: span > 0 ? round(of[s.key][i] / span, 3) : 0 }));
  });
  const spans = incident.timeline.filter((m) => m.until !== null).map((m) => ({ from: m.at, to: m.until, label: m.label }));
  const instants = incident.timeline.filter((m) => m.until === null).map((m) => ({ at: m.at, label: m.label }));
  const recovery = incident.recovery;
  const recovered =
    recovery.recovered === true && incident.window !== null
      ? [{ at: round(incident.window.end + recovery.seconds!, 3), label: `recovered (+${recovery.seconds!.toFixed(1)} s)` }]
      : [];
  const verdict = recovery.recovered === false ? `; ${recovery.verdict}` : '';
  const label = (dy: number) => ({
    type: 'text' as const,
    align: 'left' as const,
    baseline: 'top' as const,
    dx: 3,
    dy,
    fontSize: 10,
    y: 0,
  });
  return {
    title: {
      text: 'Goodput and throughput',
      subtitle: `per ${ms} ms bucket; shaded: the timeline's events${verdict}`,
    },
    width: WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      ...(spans.length > 0
        ? [
            {
              data: { values: spans },
              mark: { type: 'rect' as const, color: SHADE, opacity: 0.25 },
              encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' } },
            },
            {
              data: { values: spans },
              mark: { ...label(2), color: '#a63603' },
              encoding: { x: { ...x, field: 'from' }, text: { field: 'label', type: 'nominal' as const } },
            },
          ]
        : []),
      ...(instants.length > 0
        ? [
            {
              data: { values: instants },
              mark: { type: 'rule' as const, color: '#a63603', strokeDash: [4, 3] },
              encoding: { x: { ...x, field: 'at' } },
            },
            {
              data: { values: instants },
              mark: { ...label(14), color: '#a63603' },
              encoding: { x: { ...x, field: 'at' }, text: { field: 'label', type: 'nominal' as const } },
            },
          ]
        : []),
      ...(recovered.length > 0
        ? [
            {
              data: { values: recovered },
              mark: { type: 'rule' as const, color: RECOVERED, strokeDash: [6, 3], strokeWidth: 1.5 },
              encoding: { x: { ...x, field: 'at' } },
            },
            {
              data: { values: recovered },
              mark: { ...label(26), color: RECOVERED },
              encoding: { x: { ...x, field: 'at' }, text: { field: 'label', type: 'nominal' as const } },
            },
          ]
        : []),
      {
        data: { values },
        mark: { type: 'line' as const, interpolate: 'step-after' as const, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: 'perSecond', type: 'quantitative' as const, title: 'per second' },
          color: {
            field: 'series',
            type: 'nominal' as const,
            title: 'series',
            scale: { domain: SERIES.map((s) => s.label), range: SERIES.map((s) => s.color) },
            legend: { orient: 'right' as const },
          },
          tooltip: [
            { field: 't', type: 'quantitative' as const, title: 'bucket start (s)' },
            { field: 'series', type: 'nominal' as const },
            { field: 'perSecond', type: 'quantitative' as const, title: 'per second' },
          ],
        },
      },
    ],
  };
}

/** The panel as a chart of its own (`goodput.svg`). */
export function goodputChart(summary: RunSummary, timeline: TimelineData): TopLevelSpec {
  const end = summary.summary.total;
  const x: TimeAxis = { field: 't', type: 'quantitative', title: 'Simulated time (s)', scale: { domain: [0, round(end)], nice: false } };
  const panel = goodputPanel(summary.incident!, timeline, end, round(timeline.bucketSeconds * 1000, 3), x);
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: CONFIG,
    ...panel,
    title: { text: 'Goodput over time', subtitle: [runLabel(summary), ...[(panel.title as { subtitle: string }).subtitle]] },
  } as TopLevelSpec;
}
