import { describe, expect, it } from 'vitest';
import { REQUEST_STATES, timelineChart } from '../../../src/charts/run/timelineChart.js';
import { run } from '../../helpers.js';
import { scenarioRun, withoutDatabase } from '../fixtures.js';

type Row = Record<string, any>;
const panels = (spec: any): any[] => spec.vconcat;
const titled = (spec: any, title: string): any => panels(spec).find((p) => p.title.text === title);
const rowsOf = (panel: any): Row[] => panel.data?.values ?? panel.layer[0].data.values;

describe('the timeline chart of gevent-125 (25 requests refused by PostgreSQL)', () => {
  const { summary, timeline } = scenarioRun('gevent-125');
  const spec = timelineChart({ summary, timeline });

  it('has the three panels, on one time axis from 0 to the end of the run', () => {
    expect(panels(spec).map((p) => p.title.text)).toEqual([
      'Requests by state',
      'Open PostgreSQL connections',
      'Completions per second, by status',
    ]);
    const domains = panels(spec).map((p) => JSON.stringify(p.encoding?.x?.scale ?? p.layer[0].encoding.x.scale));
    expect(new Set(domains).size).toBe(1);
    expect(panels(spec)[0].encoding.x.scale.domain).toEqual([0, summary.summary.total]);
  });

  it('draws max_connections as a rule, at the limit, labelled', () => {
    const db = titled(spec, 'Open PostgreSQL connections');
    const limit = db.layer[1];
    expect(limit.data.values).toEqual([{ limit: 100, label: 'max_connections = 100' }]);
    expect(limit.layer.map((l: any) => l.mark.type)).toEqual(['rule', 'text']);
    expect(limit.layer[0].encoding.y.field).toBe('limit');
    // The peak reaches the limit: the picture shows the run hitting it.
    const peaks = rowsOf(db)
      .filter((r) => r.measure === 'peak in bucket')
      .map((r) => r.connections);
    expect(Math.max(...peaks)).toBe(100);
  });

  it('counts every completion once, by status class', () => {
    const completions = rowsOf(titled(spec, 'Completions per second, by status'));
    const n = timeline.t.length;
    // The closing row repeats the last bucket; count the buckets only.
    const inBuckets = (outcome: string) =>
      completions.filter((r, i) => r.outcome === outcome && i < n * 2).reduce((a, r) => a + r.completions, 0);
    expect(inBuckets('2xx')).toBe(100);
    expect(inBuckets('5xx')).toBe(25);
    expect(new Set(completions.map((r) => r.outcome))).toEqual(new Set(['2xx', '5xx'])); // no empty series
  });

  it('turns counts into rates over each bucket', () => {
    const completions = rowsOf(titled(spec, 'Completions per second, by status'));
    const full = completions.find((r) => r.completions > 0 && r.t + timeline.bucketSeconds < summary.summary.total)!;
    expect(full.perSecond).toBeCloseTo(full.completions / timeline.bucketSeconds, 3);
  });

  it('stacks the request states with the gauges means, and closes the last step at the end of the run', () => {
    const states = rowsOf(titled(spec, 'Requests by state'));
    const running = states.filter((r) => r.state === 'running a handler');
    expect(running.length).toBe(timeline.t.length + 1);
    expect(running[0].requests).toBeCloseTo(timeline.mean.running[0], 3);
    expect(running.at(-1)!.t).toBe(summary.summary.total);
    expect(running.at(-1)!.requests).toBe(running.at(-2)!.requests);
    // A gevent worker has no threads: its requests outside the backlog and the handlers are connecting or being written.
    const labels = REQUEST_STATES.map((s) => (s.key === 'waiting' ? 'connecting or writing the request' : s.label));
    expect(new Set(states.map((r) => r.state))).toEqual(new Set(labels));
  });

  it('never shows a negative number of requests waiting', () => {
    const waiting = rowsOf(titled(spec, 'Requests by state')).filter((r) => r.state === 'connecting or writing the request');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((r) => r.requests >= 0)).toBe(true);
  });
});

describe('the requests waiting outside the backlog and the handlers', () => {
  it('are the requests in the system less those running or in the backlog (gthread: waiting for a thread)', () => {
    // 2 threads, 10 concurrent clients: 8 requests wait for a thread once accepted.
    const { summary, result } = run({
      client: { requests: 10, concurrency: 10 },
      server: { workerClass: 'sync', threads: 2 },
      app: { steps: [{ kind: 'sleep', time: 1 }] },
    });
    const spec = timelineChart({ summary, timeline: result.timeline });
    const rows = rowsOf(titled(spec, 'Requests by state'));
    const at = (state: string, i: number) => rows.filter((r) => r.state === state)[i].requests;
    const i = Math.floor(0.5 / result.timeline.bucketSeconds); // half-way through the first requests
    expect(at('running a handler', i)).toBeCloseTo(2, 3);
    expect(at('connecting or waiting for a thread', i)).toBeCloseTo(8, 3);
  });
});

describe('the requests between the attempts of a retried request', () => {
  it("are waiting too: the label says so, and they fill the backoff's bucket", () => {
    // One client, a 500 after 0.1 s, retried 1 s later: from 0.1 to 1.1 s the request is in
    // no connection and no handler, in the system still.
    const { summary, result } = run({
      client: { requests: 1, concurrency: 1, retries: { count: 1, on: ['5xx'], backoff: 'constant', base: 1 } },
      app: { status: 500, steps: [{ kind: 'sleep', time: 0.1 }] },
      database: undefined,
    });
    const spec = timelineChart({ summary, timeline: result.timeline });
    const rows = rowsOf(titled(spec, 'Requests by state')).filter(
      (r) => r.state === 'connecting or writing the request, or backing off to retry',
    );
    const i = Math.floor(0.6 / result.timeline.bucketSeconds);
    expect(rows[i].requests).toBeCloseTo(1, 3);
  });
});

describe('runs without a database, or where nothing completed', () => {
  it('has no database panel when the app uses no database', () => {
    const { summary, timeline } = withoutDatabase();
    const spec = timelineChart({ summary, timeline });
    expect(panels(spec).map((p) => p.title.text)).toEqual(['Requests by state', 'Completions per second, by status']);
  });

  it('shows the timeouts that end a run on a bucket boundary', () => {
    // Every request times out at 0.5 s, the run's end, a multiple of the buckets' width.
    const { summary, result } = run({ client: { timeout: 0.5 } });
    const spec = timelineChart({ summary, timeline: result.timeline });
    const completions = rowsOf(titled(spec, 'Completions per second, by status'));
    const buckets = completions.slice(0, result.timeline.t.length);
    expect(buckets.reduce((a, r) => a + r.completions, 0)).toBe(10);
    expect(new Set(completions.map((r) => r.outcome))).toEqual(new Set(['errors (no response)']));
  });
});

describe('a long run', () => {
  it('gives a chart of bounded size: at most 240 buckets (and a closing row) per series', () => {
    const { summary, timeline } = scenarioRun('open-loop-poisson'); // 60 s, 26,000 requests
    const spec = timelineChart({ summary, timeline });
    expect(timeline.t.length).toBeLessThanOrEqual(240);
    for (const panel of panels(spec)) {
      const rows = rowsOf(panel);
      const series = new Set(rows.map((r) => r.state ?? r.measure ?? r.outcome)).size;
      expect(rows.length).toBeLessThanOrEqual(241 * series);
    }
  });
});

describe('the timeline chart of fleet-autoscaling (an autoscaler meets a rate step)', () => {
  const { summary, timeline } = scenarioRun('fleet-autoscaling');
  const spec = timelineChart({ summary, timeline });
  const replicas = titled(spec, 'Ready replicas (autoscaling)');

  it('has a panel of ready replicas, after the requests and before the completions', () => {
    expect(panels(spec).map((p) => p.title.text)).toEqual([
      'Requests by state',
      'Ready replicas (autoscaling)',
      'Completions per second, by status',
    ]);
  });

  it('draws the replicas rising from 2, and a labelled rule at each scale decision', () => {
    const counts = rowsOf(replicas).map((r) => r.replicas);
    expect(counts[0]).toBe(2);
    expect(Math.max(...counts)).toBe(summary.fleet!.scaleEvents.at(-1)!.to);
    const rules = replicas.layer[1].data.values;
    expect(rules).toEqual(summary.fleet!.scaleEvents.map((e) => ({ t: e.at, label: `${e.from} -> ${e.to}` })));
  });

  it('has no such panel without an autoscaler', () => {
    const plain = scenarioRun('gevent-125');
    expect(panels(timelineChart(plain)).some((p) => p.title.text.startsWith('Ready replicas'))).toBe(false);
  });
});
