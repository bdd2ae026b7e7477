// The sweep in the shape the sweep charts take (src/charts/sweep/sweep.ts): per point the swept
// numbers, the curve, Requests/sec split 2xx/5xx/errors, p50/p99, and the 95 % bounds
// when there are replications. The x axis is the first swept field.
import type { Estimate } from '../math/confidence.js';
import type { Bounds, Sweep as ChartSweep, SweepPoint as ChartPoint } from '../../charts/sweep/sweep.js';
import type { SweepOutput } from './sweep.js';
import { fieldTitle } from '../../charts/sweep/sweep.js';
import type { Axis } from './vary.js';
import { UserError } from '../../scenario/errors.js';

export type { ChartPoint, ChartSweep };

export function chartSweep(out: SweepOutput, options: Pick<ChartSweep, 'target' | 'logY'> = {}): ChartSweep {
  const x = out.points.length > 0 ? Object.keys(out.points[0].values)[0] : '';
  const r = out.sweep.replications;
  const points = out.points.map((p): ChartPoint => {
    const parameters: Record<string, number> = {};
    // Charts plot numbers; a swept string (a worker class) lives in the series label.
    for (const [k, v] of Object.entries(p.values)) if (typeof v === 'number') parameters[k] = v;
    const point: ChartPoint = {
      parameters,
      series: p.series,
      requestsPerSec: { '2xx': p.perSec['2xx'].mean, '5xx': p.perSec['5xx'].mean, errors: p.perSec.errors.mean },
      latency: { p50: p.latency.p50?.mean ?? null, p99: p.latency.p99?.mean ?? null },
    };
    const i = p.incident;
    if (i !== undefined && i.recovered !== null && i.horizon !== null)
      point.recovery = { seconds: i.recovered === 1 ? i.recoverySeconds!.mean : null, horizon: i.horizon };
    if (r > 1) {
      point.replications = r;
      point.interval = {
        level: 0.95,
        requestsPerSec: { '2xx': bounds(p.perSec['2xx']), '5xx': bounds(p.perSec['5xx']), errors: bounds(p.perSec.errors) },
        latency: { p50: bounds(p.latency.p50), p99: bounds(p.latency.p99) },
      };
    }
    return point;
  });
  // One more swept field: its values label the curves, its name in words titles the legend
  // ("Connections per worker (worker_connections)": 10, 20...).
  const one = /^([\w.]+)=([^ =]*)$/;
  const paths = new Set(points.map((p) => one.exec(p.series)?.[1]));
  const byValue = paths.size === 1 && !paths.has(undefined);
  if (byValue) for (const p of points) p.series = one.exec(p.series)![2];
  return {
    x,
    ...(byValue ? { seriesTitle: fieldTitle([...paths][0]!) } : {}),
    description: `${out.sweep.scenario}: ${out.sweep.vary.map((v) => `--vary ${v}`).join(' ')}`,
    points,
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.logY ? { logY: true } : {}),
  };
}

function bounds(e: Estimate | null): Bounds | undefined {
  return e?.ci95 === undefined ? undefined : { low: e.ci95[0], high: e.ci95[1] };
}

/**
 * For --plot, before the runs: the charts plot against the first swept field, as numbers.
 * A first field of words or sections (server.workerClass=sync,gevent, app.pool={...})
 * drew empty charts.
 */
export function checkChartAxis(axes: readonly Axis[]): void {
  const first = axes[0];
  if (first === undefined || first.values.every((v) => typeof v === 'number')) return;
  const numeric = axes.find((a) => a.values.every((v) => typeof v === 'number'));
  throw new UserError(
    `--plot: the charts draw against the first swept field, ${first.paths.join(',')}, and its values are not numbers: ${
      numeric === undefined
        ? 'vary a number first (client.concurrency, server.workers...); the values of the other fields then label the curves'
        : `put --vary ${numeric.expression} first; the values of ${first.paths.join(',')} then label the curves`
    }`,
  );
}
