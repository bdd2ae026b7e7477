// The sweep as CSV (RFC 4180), one row per point, full precision, for spreadsheets and
// plotting tools. Interval columns stay (empty) without replications, so the columns of
// a sweep do not depend on its options; status columns are the union over the points.
// `partial` is in every row: the replications of the point that stopped at a budget before
// every request ended (JSON's `partial`, the table's PARTIAL: line), 0 for a finished one,
// so a reader can filter on it without knowing whether the column will be there.
import type { Estimate } from '../math/confidence.js';
import type { SweepOutput } from './sweep.js';

/** A line at a time: as one string, the CSV of a million points is hundreds of MB. */
export function* sweepCsv(out: SweepOutput): Generator<string> {
  const paths = out.points.length > 0 ? Object.keys(out.points[0].values) : [];
  const codes = [...new Set(out.points.flatMap((p) => Object.keys(p.statusCodes)))].sort();
  const withCi = (name: string) => [name, `${name}_ci_low`, `${name}_ci_high`];
  const header = [
    ...paths,
    'series',
    'replications',
    'partial',
    ...withCi('requests_per_sec'),
    ...withCi('requests_per_sec_2xx'),
    ...withCi('requests_per_sec_5xx'),
    ...withCi('requests_per_sec_errors'),
    ...codes.map((c) => `status_${c}`),
    'errors',
    ...withCi('p50'),
    ...withCi('p90'),
    ...withCi('p99'),
    'db_peak_open',
    'bottleneck',
    'busiest',
    'busiest_utilization',
    'littles_law_L',
    'littles_law_lambda_W',
  ];
  // An incident's columns (report/incident.ts), only when the points have one.
  const incident = out.points.some((p) => p.incident !== undefined);
  if (incident) header.push('recovered_share', ...withCi('recovery_seconds'), ...withCi('amplification'), ...withCi('goodput_after'));
  yield `${header.map(quote).join(',')}\r\n`;
  for (const p of out.points) {
    const row = [
      // An object swept (--vary 'app.pool={"size":5},...') as its JSON, not "[object Object]".
      ...paths.map((path) => {
        const v = p.values[path];
        return typeof v === 'string' ? v : JSON.stringify(v);
      }),
      p.series,
      String(out.sweep.replications),
      String(p.partial ?? 0),
      ...cells(p.requestsPerSec),
      ...cells(p.perSec['2xx']),
      ...cells(p.perSec['5xx']),
      ...cells(p.perSec.errors),
      ...codes.map((c) => String(p.statusCodes[c] ?? 0)),
      String(p.errors.mean),
      ...cells(p.latency.p50),
      ...cells(p.latency.p90),
      ...cells(p.latency.p99),
      p.dbPeakOpen === null ? '' : String(p.dbPeakOpen.mean),
      p.bottleneck,
      p.busiest?.resource ?? '',
      p.busiest === null ? '' : String(p.busiest.utilization),
      String(p.littlesLaw.L.mean),
      String(p.littlesLaw.lambdaW.mean),
      ...(incident
        ? [
            p.incident?.recovered == null ? '' : String(p.incident.recovered),
            ...cells(p.incident?.recoverySeconds ?? null),
            ...cells(p.incident?.amplification ?? null),
            ...cells(p.incident?.goodputAfter ?? null),
          ]
        : []),
    ];
    yield `${row.map(quote).join(',')}\r\n`;
  }
}

function cells(e: Estimate | null): string[] {
  if (e === null) return ['', '', ''];
  return [String(e.mean), e.ci95 ? String(e.ci95[0]) : '', e.ci95 ? String(e.ci95[1]) : ''];
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
