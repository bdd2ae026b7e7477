// The run over simulated time, in three panels on one time axis: where the requests are
// (backlog, running, idle keep-alive), how many PostgreSQL connections are open against
// max_connections, and how fast requests complete, by status. The panels share the
// x domain so a pile-up in the backlog lines up with the 500s it causes.
//
// Values are per bucket of the run's timeline (bounded in number, so a long run keeps a
// small chart); each bucket is drawn as a step over its width.
import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../../report/summary.js';
import type { TimelineData } from '../../stats/timeline.js';
import { runLabel } from './runLabel.js';
import { WAITING_STATE_LABELS, threadPhaseOf } from '../../model/threadPhase.js';
import { goodputPanel } from './goodputChart.js';
import { CONFIG, OUTCOME_COLOR, OUTCOME_LABEL, OUTCOMES, PANEL_HEIGHT, round, VEGA_LITE_SCHEMA, WIDTH, type Panel } from '../style.js';

/**
 * The states drawn, bottom of the stack first: the timeline's gauges, and the requests
 * the gauges do not place (sent, but neither in the backlog nor running: still
 * connecting through SYN retransmits, being written, accepted and waiting for a gthread
 * thread, or between a retry's attempts; its label is the run's, WAITING_STATE_LABELS),
 * derived from the `inSystem` gauge as a remainder of means (means of one bucket add up,
 * so the remainder is exact where it is positive). Idle keep-alive counts connections
 * held open, not requests, so it sits on top.
 */
export const REQUEST_STATES = [
  { key: 'running', label: 'running a handler', color: '#4c78a8' },
  { key: 'waiting', label: WAITING_STATE_LABELS.thread, color: '#b279a2' },
  { key: 'backlog', label: 'in the backlog', color: '#f58518' },
  { key: 'keepalive', label: 'idle keep-alive connections', color: '#9ecae9' },
] as const;

const DB_GAUGE = 'dbConnections';
const PEAK = 'peak in bucket';
const MEAN = 'time-weighted mean';

/** The x encoding every panel shares: simulated seconds from 0 to the end of the run. */
export interface TimeAxis {
  field: 't';
  type: 'quantitative';
  title: string;
  scale: { domain: [number, number]; nice: false };
}

export interface TimelineInput {
  summary: RunSummary;
  timeline: TimelineData;
}

export function timelineChart({ summary, timeline }: TimelineInput): TopLevelSpec {
  // The time axis is the run's: a start-up (uvicorn's pools) comes before hey's Total.
  const startup = summary.simulation.server.startup?.duration ?? 0;
  const end = startup + summary.summary.total;
  const ms = round(timeline.bucketSeconds * 1000, 3);
  const x: TimeAxis = {
    field: 't',
    type: 'quantitative',
    title: 'Simulated time (s)',
    scale: { domain: [0, round(end)], nice: false },
  };
  // A request being retried stays in the system through its backoff, placed by no gauge.
  const retrying = summary.incident?.retries != null ? ', or backing off to retry' : '';
  const panels: Panel[] = [statesPanel(timeline, end, ms, x, `${WAITING_STATE_LABELS[threadPhaseOf(summary)]}${retrying}`)];
  const db = summary.simulation.database;
  if (db !== null && timeline.mean[DB_GAUGE] !== undefined) panels.push(databasePanel(timeline, end, ms, x, db.maxConnections, startup));
  if (timeline.peak[REPLICAS_GAUGE] !== undefined) panels.push(replicasPanel(timeline, end, ms, x, summary.fleet?.scaleEvents ?? []));
  // A run stopped before anything completed has no rate to draw.
  if (OUTCOMES.some((o) => (timeline.count[o] ?? []).some((c) => c > 0))) panels.push(completionsPanel(timeline, end, ms, x));
  // An incident: goodput against throughput, the timeline's events shaded.
  if (summary.incident !== undefined && timeline.count.attempts !== undefined)
    panels.push(goodputPanel(summary.incident, timeline, end, ms, x));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Requests over time', subtitle: runLabel(summary), offset: 12 },
    config: CONFIG,
    spacing: 24,
    vconcat: panels,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  };
}

/**
 * Rows of a step chart: one per bucket and series, and a closing row at the end of the
 * run so the last bucket is drawn over its width (a step-after line stops at its last point).
 */
export function stepRows<T extends object>(timeline: TimelineData, end: number, row: (i: number) => T[]): (T & { t: number })[] {
  const out: (T & { t: number })[] = [];
  const n = timeline.t.length;
  for (let i = 0; i < n; i++) for (const r of row(i)) out.push({ t: round(timeline.t[i]), ...r });
  if (n > 0 && end > timeline.t[n - 1]) for (const r of row(n - 1)) out.push({ t: round(end), ...r });
  return out;
}

/** `waiting`: the label of the requests the gauges do not place, the run's (WAITING_STATE_LABELS). */
function statesPanel(timeline: TimelineData, end: number, ms: number, x: TimeAxis, waiting: string): Panel {
  const { mean, peak } = timeline;
  const series: Record<string, { mean: number[]; peak: (number | null)[] }> = {};
  for (const key of ['running', 'backlog', 'keepalive']) if (mean[key] !== undefined) series[key] = { mean: mean[key], peak: peak[key] };
  if (mean.inSystem !== undefined) {
    const placed = (i: number) => (mean.running?.[i] ?? 0) + (mean.backlog?.[i] ?? 0);
    series.waiting = { mean: mean.inSystem.map((v, i) => Math.max(0, v - placed(i))), peak: mean.inSystem.map(() => null) };
  }
  const states = REQUEST_STATES.filter((s) => series[s.key] !== undefined).map((s) => (s.key === 'waiting' ? { ...s, label: waiting } : s));
  const values = stepRows(timeline, end, (i) =>
    states.map((s, order) => ({
      state: s.label,
      order,
      requests: round(series[s.key].mean[i], 3),
      peak: series[s.key].peak[i],
    })),
  );
  return {
    title: { text: 'Requests by state', subtitle: `time-weighted mean per ${ms} ms bucket, stacked` },
    width: WIDTH,
    height: PANEL_HEIGHT,
    data: { values },
    mark: { type: 'area', interpolate: 'step-after' },
    encoding: {
      x,
      y: { field: 'requests', type: 'quantitative', stack: 'zero', title: 'requests' },
      color: {
        field: 'state',
        type: 'nominal',
        title: 'state',
        scale: { domain: states.map((s) => s.label), range: states.map((s) => s.color) },
        legend: { orient: 'right' },
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 't', type: 'quantitative', title: 'bucket start (s)' },
        { field: 'state', type: 'nominal' },
        { field: 'requests', type: 'quantitative', title: 'mean' },
        { field: 'peak', type: 'quantitative', title: 'peak' },
      ],
    },
  };
}

/**
 * `startup`: when the client started, after the workers' start-up (0: none). Refusals
 * (counted when the app connects at start-up) are marked on the limit's line, per bucket.
 */
function databasePanel(timeline: TimelineData, end: number, ms: number, x: TimeAxis, maxConnections: number, startup = 0): Panel {
  const measures = [
    { label: PEAK, of: timeline.peak[DB_GAUGE] },
    { label: MEAN, of: timeline.mean[DB_GAUGE] },
  ];
  const values = stepRows(timeline, end, (i) => measures.map((m) => ({ measure: m.label, connections: round(m.of[i], 3) })));
  const limit = `max_connections = ${maxConnections}`;
  return {
    title: { text: 'Open PostgreSQL connections', subtitle: `per ${ms} ms bucket; the rule is the server's limit` },
    width: WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      {
        data: { values },
        encoding: {
          x,
          y: { field: 'connections', type: 'quantitative', title: 'connections' },
          color: {
            field: 'measure',
            type: 'nominal',
            title: 'open connections',
            scale: { domain: measures.map((m) => m.label), range: ['#54278f', '#bcbddc'] },
            legend: { orient: 'right' },
          },
          tooltip: [
            { field: 't', type: 'quantitative', title: 'bucket start (s)' },
            { field: 'measure', type: 'nominal' },
            { field: 'connections', type: 'quantitative' },
          ],
        },
        // The mean fills, the peak outlines it: where they part, connections came and went within a bucket.
        layer: [
          { transform: [{ filter: { field: 'measure', equal: MEAN } }], mark: { type: 'area', interpolate: 'step-after' } },
          { transform: [{ filter: { field: 'measure', equal: PEAK } }], mark: { type: 'line', interpolate: 'step-after' } },
        ],
      },
      {
        data: { values: [{ limit: maxConnections, label: limit }] },
        layer: [
          {
            mark: { type: 'rule', color: '#d62728', strokeDash: [6, 4], strokeWidth: 1.5 },
            encoding: { y: { field: 'limit', type: 'quantitative' } },
          },
          {
            mark: { type: 'text', color: '#d62728', align: 'left', baseline: 'bottom', dx: 4, dy: -2, x: 0 },
            encoding: { y: { field: 'limit', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      ...refusalLayers(timeline, maxConnections, startup, x),
    ],
  };
}

const REPLICAS_GAUGE = 'replicas';

/** A fleet's autoscaler: its ready replicas over time, and a rule at each of its decisions. */
function replicasPanel(
  timeline: TimelineData,
  end: number,
  ms: number,
  x: TimeAxis,
  events: { at: number; from: number; to: number }[],
): Panel {
  const values = stepRows(timeline, end, (i) => [{ replicas: timeline.peak[REPLICAS_GAUGE][i] }]);
  return {
    title: {
      text: 'Ready replicas (autoscaling)',
      subtitle: `most per ${ms} ms bucket; each rule is a scale decision, its pods ready later`,
    },
    width: WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', color: '#2ca02c' },
        encoding: {
          x,
          y: { field: 'replicas', type: 'quantitative', title: 'ready replicas' },
          tooltip: [
            { field: 't', type: 'quantitative', title: 'bucket start (s)' },
            { field: 'replicas', type: 'quantitative' },
          ],
        },
      },
      {
        data: { values: events.map((e) => ({ t: round(e.at), label: `${e.from} -> ${e.to}` })) },
        layer: [
          { mark: { type: 'rule', color: '#2ca02c', strokeDash: [4, 3] }, encoding: { x } },
          {
            mark: { type: 'text', color: '#2ca02c', align: 'left', baseline: 'top', dx: 3, y: 0 },
            encoding: { x, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
}

/** Refusals per bucket as crosses on the limit, and the first request's time as a rule, when the run has them. */
function refusalLayers(timeline: TimelineData, maxConnections: number, startup: number, x: TimeAxis): Layer[] {
  const refused = timeline.count.dbRefused;
  const out: Layer[] = [];
  if (refused?.some((n) => n > 0)) {
    const values = refused.flatMap((n, i) => (n > 0 ? [{ t: round(timeline.t[i]), refused: n, limit: maxConnections }] : []));
    out.push({
      data: { values },
      mark: { type: 'point', shape: 'cross', color: '#d62728', filled: true, size: 80 },
      encoding: {
        x,
        y: { field: 'limit', type: 'quantitative' },
        tooltip: [
          { field: 't', type: 'quantitative', title: 'bucket start (s)' },
          { field: 'refused', type: 'quantitative', title: 'connections refused' },
        ],
      },
    });
  }
  if (startup > 0) {
    out.push({
      data: { values: [{ t: round(startup), label: 'first request' }] },
      layer: [
        { mark: { type: 'rule', color: '#555', strokeDash: [2, 2] }, encoding: { x } },
        { mark: { type: 'text', color: '#555', align: 'left', baseline: 'top', dx: 4, y: 0 }, encoding: { x, text: { field: 'label' } } },
      ],
    });
  }
  return out;
}

/** One layer of a layered panel. */
type Layer = Extract<Panel, { layer: unknown }>['layer'][number];

function completionsPanel(timeline: TimelineData, end: number, ms: number, x: TimeAxis): Panel {
  const width = timeline.bucketSeconds;
  const outcomes = OUTCOMES.filter((o) => (timeline.count[o] ?? []).some((c) => c > 0));
  const values = stepRows(timeline, end, (i) => {
    // The last bucket may be cut short by the end of the run: divide by its real span.
    const span = Math.min(width, end - timeline.t[i]);
    return outcomes.map((o, order) => ({
      outcome: OUTCOME_LABEL[o],
      order,
      completions: timeline.count[o][i],
      perSecond: span > 0 ? round(timeline.count[o][i] / span, 3) : 0,
    }));
  });
  return {
    title: { text: 'Completions per second, by status', subtitle: `responses and errors per ${ms} ms bucket, stacked` },
    width: WIDTH,
    height: PANEL_HEIGHT,
    data: { values },
    mark: { type: 'area', interpolate: 'step-after' },
    encoding: {
      x,
      y: { field: 'perSecond', type: 'quantitative', stack: 'zero', title: 'completions/s' },
      color: {
        field: 'outcome',
        type: 'nominal',
        title: 'status',
        scale: { domain: outcomes.map((o) => OUTCOME_LABEL[o]), range: outcomes.map((o) => OUTCOME_COLOR[o]) },
        legend: { orient: 'right' },
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 't', type: 'quantitative', title: 'bucket start (s)' },
        { field: 'outcome', type: 'nominal', title: 'status' },
        { field: 'completions', type: 'quantitative', title: 'in bucket' },
        { field: 'perSecond', type: 'quantitative', title: 'per second' },
      ],
    },
  };
}
