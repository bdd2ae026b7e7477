// A sweep as two charts on the same x axis: Requests/sec split by how requests ended,
// and p50/p99 latency. Colour tells the series (patched, unpatched...) apart and the
// dash tells the outcome or percentile, so several series fit in one plot; a shaded
// band is drawn wherever a point carries a confidence interval.
import type { TopLevelSpec } from 'vega-lite';
import type { NamedChart } from '../namedChart.js';
import { CONFIG, OUTCOME_LABEL, round, VEGA_LITE_SCHEMA, WIDTH } from '../style.js';
import { fieldTitle, SWEEP_OUTCOMES, SWEEP_PERCENTILES, type Bounds, type Sweep, type SweepPoint } from './sweep.js';

const HEIGHT = 280;
const SOLID = [1, 0];
const DASHES = [SOLID, [6, 3], [2, 2]];

export function sweepCharts(sweep: Sweep): NamedChart[] {
  return [
    { name: 'sweep-throughput', title: 'Requests/sec', spec: sweepThroughputChart(sweep) },
    { name: 'sweep-latency', title: 'Latency', spec: sweepLatencyChart(sweep) },
    ...(sweep.points.some((p) => p.recovery !== undefined)
      ? [{ name: 'sweep-recovery', title: 'Recovery after the incident', spec: sweepRecoveryChart(sweep) }]
      : []),
  ];
}

/**
 * How long goodput took to come back after the timeline's last event (report/incident.ts);
 * a point where some run did not recover sits at the run's end, on its own dashed curve.
 */
export function sweepRecoveryChart(sweep: Sweep): TopLevelSpec {
  return lineChart(sweep, {
    title: `Recovery time against ${sweep.xTitle ?? fieldTitle(sweep.x)}`,
    what: 'seconds from the last event until goodput stays within 10 % of its level before the incident',
    yTitle: 'Recovery time (s)',
    keyTitle: 'outcome',
    keys: [
      { key: 'recovered', label: 'recovered' },
      { key: 'not', label: 'did not recover (drawn at the end of the load)' },
    ],
    value: (p, key) => {
      const r = p.recovery;
      if (r === undefined) return null;
      if (key === 'recovered') return r.seconds;
      return r.seconds === null ? r.horizon : null;
    },
    bounds: () => undefined,
    gaps: 'each point is on one curve or the other',
  });
}

export function sweepThroughputChart(sweep: Sweep): TopLevelSpec {
  return lineChart(sweep, {
    title: `Requests/sec against ${sweep.xTitle ?? fieldTitle(sweep.x)}`,
    what: "hey's Requests/sec split by how requests ended",
    yTitle: 'Requests/sec',
    keyTitle: 'ended as',
    target:
      sweep.target?.requestsPerSec === undefined
        ? undefined
        : { value: sweep.target.requestsPerSec, label: `target: ${sweep.target.requestsPerSec} 2xx/s` },
    keys: SWEEP_OUTCOMES.map((o) => ({ key: o, label: OUTCOME_LABEL[o] })),
    value: (p, key) => p.requestsPerSec[key as (typeof SWEEP_OUTCOMES)[number]],
    bounds: (p, key) => p.interval?.requestsPerSec?.[key as (typeof SWEEP_OUTCOMES)[number]],
  });
}

export function sweepLatencyChart(sweep: Sweep): TopLevelSpec {
  return lineChart(sweep, {
    title: `Latency against ${sweep.xTitle ?? fieldTitle(sweep.x)}`,
    what: "hey's p50 and p99 response time",
    yTitle: 'Response time (s)',
    keyTitle: 'percentile',
    target: sweep.target?.p99 === undefined ? undefined : { value: sweep.target.p99, label: `target: p99 <= ${sweep.target.p99} s` },
    keys: SWEEP_PERCENTILES.map((p) => ({ key: p, label: p })),
    value: (p, key) => p.latency[key as (typeof SWEEP_PERCENTILES)[number]],
    bounds: (p, key) => p.interval?.latency?.[key as (typeof SWEEP_PERCENTILES)[number]],
  });
}

interface Measure {
  title: string;
  what: string;
  yTitle: string;
  keyTitle: string;
  keys: { key: string; label: string }[];
  value: (p: SweepPoint, key: string) => number | null;
  bounds: (p: SweepPoint, key: string) => Bounds | undefined;
  /** A horizontal rule at this value, labelled. */
  target?: { value: number; label: string };
  /** What a missing value means, for the subtitle (default: hey's missing percentiles). */
  gaps?: string;
}

function lineChart(sweep: Sweep, m: Measure): TopLevelSpec {
  const points = [...sweep.points].sort((a, b) => a.parameters[sweep.x] - b.parameters[sweep.x]);
  const series = [...new Set(points.map((p) => p.series))];
  // A curve that is zero everywhere (no errors in any run, say) only clutters the plot.
  const shown = (s: string, key: string) => points.some((p) => p.series === s && (m.value(p, key) ?? 0) !== 0);
  const keys = m.keys.filter((k) => series.some((s) => shown(s, k.key)));
  const rows = points.flatMap((p) =>
    keys
      // A log axis has no place for 0.
      .filter((k) => shown(p.series, k.key) && m.value(p, k.key) !== null && (!sweep.logY || m.value(p, k.key)! > 0))
      .map((k) => {
        const b = m.bounds(p, k.key);
        return {
          x: p.parameters[sweep.x],
          series: p.series,
          key: k.label,
          value: round(m.value(p, k.key)!),
          replications: p.replications ?? 1,
          ...(b === undefined ? {} : { low: round(b.low), high: round(b.high) }),
        };
      }),
  );
  const gaps = points.some((p) => keys.some((k) => shown(p.series, k.key) && m.value(p, k.key) === null))
    ? [m.gaps ?? 'gaps: hey gives no such percentile for that few responses']
    : [];
  const levels = [...new Set(points.flatMap((p) => (p.interval === undefined ? [] : [p.interval.level])))];
  const bandNote =
    levels.length === 0 ? [] : [`bands: ${levels.map((l) => `${round(l * 100, 2)}%`).join(', ')} confidence intervals over replications`];
  // A count (workers, clients, connections) gets whole-number ticks: no 3.2 workers.
  const integers = points.every((p) => Number.isInteger(p.parameters[sweep.x]));
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: sweep.xTitle ?? fieldTitle(sweep.x),
    ...(integers ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: sweep.seriesTitle ?? 'series',
    scale: { domain: series },
    // Without this the legend would take the bands' faint opacity.
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, symbolSize: 300, titleLimit: 400 },
  };
  const dash = {
    field: 'key',
    type: 'nominal' as const,
    title: m.keyTitle,
    scale: { domain: keys.map((k) => k.label), range: keys.map((_, i) => DASHES[i % DASHES.length]) },
    // Lines with points would show dots in this legend; the dash is what tells keys apart.
    legend: { symbolType: 'stroke', symbolStrokeColor: '#333', symbolStrokeWidth: 2, symbolSize: 300 },
  };
  const hasBands = rows.some((r) => 'low' in r);
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    title: m.yTitle + (sweep.logY ? ', log scale' : ''),
    ...(sweep.logY ? { scale: { type: 'log' as const } } : {}),
  };
  const tooltip = [
    { field: 'series', type: 'nominal' as const },
    { field: 'x', type: 'quantitative' as const, title: sweep.x },
    { field: 'key', type: 'nominal' as const, title: m.keyTitle },
    { field: 'value', type: 'quantitative' as const, title: m.yTitle },
    ...(hasBands
      ? [
          { field: 'low', type: 'quantitative' as const, title: 'interval low' },
          { field: 'high', type: 'quantitative' as const, title: 'interval high' },
        ]
      : []),
    { field: 'replications', type: 'quantitative' as const },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: m.title, subtitle: [...(sweep.description === undefined ? [] : [sweep.description]), m.what, ...bandNote, ...gaps] },
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    encoding: { x, color },
    layer: [
      ...(hasBands
        ? [
            {
              transform: [{ filter: 'isValid(datum.low)' }],
              mark: { type: 'area' as const, opacity: 0.18 },
              encoding: {
                y: { field: 'low', type: 'quantitative' as const },
                y2: { field: 'high' },
                detail: { field: 'key', type: 'nominal' as const },
              },
            },
          ]
        : []),
      { mark: { type: 'line' as const, strokeWidth: 2 }, encoding: { y, strokeDash: dash } },
      // Points in their own layer: on the line mark they would turn the dash legend into dots.
      {
        mark: { type: 'point' as const, filled: true, size: 40, opacity: 1 },
        encoding: { y, detail: { field: 'key', type: 'nominal' as const }, tooltip },
      },
      ...markerLayers(sweep),
      ...targetLayers(m.target),
    ],
  };
}

/** A dashed dark-red rule across the plot at the target, labelled at its right end. */
function targetLayers(target: Measure['target']) {
  if (target === undefined) return [];
  const data = { values: [{ y: target.value, label: target.label }] };
  const red = { value: '#8b0000' };
  const y = { field: 'y', type: 'quantitative' as const };
  // The layers inherit the chart's x (a swept field these rows lack): across the whole width instead.
  const across = { x: { value: 0 }, x2: { value: 'width' as const } };
  return [
    { data, mark: { type: 'rule' as const, strokeDash: [8, 4], strokeWidth: 1.5 }, encoding: { ...across, y, color: red } },
    {
      data,
      mark: {
        type: 'text' as const,
        align: 'right' as const,
        baseline: 'bottom' as const,
        dx: -4,
        dy: -3,
        fontSize: 11,
        fontWeight: 'bold' as const,
      },
      encoding: { x: { value: 'width' as const }, y, text: { field: 'label', type: 'nominal' as const }, color: red },
    },
  ];
}

/** A grey rule across the plot at the marked x, labelled at its top; grey so no series claims it. */
function markerLayers(sweep: Sweep) {
  if (sweep.marker === undefined) return [];
  const data = { values: [{ x: sweep.marker.x, label: sweep.marker.label }] };
  const grey = { value: '#666' };
  return [
    { data, mark: { type: 'rule' as const, strokeDash: [4, 4], strokeWidth: 1.5 }, encoding: { color: grey } },
    {
      data,
      mark: { type: 'text' as const, align: 'left' as const, baseline: 'top' as const, dx: 4, y: 2, fontSize: 11 },
      encoding: { text: { field: 'label', type: 'nominal' as const }, color: grey },
    },
  ];
}
