// The sweep as a table, one row per point in grid order, then the analytic checks that
// apply and any disagreement between simulation and theory.
import { sweepMissing } from '../../messages.js';
import type { SweepPointResult } from './aggregate.js';
import { count, percent, sig, sweepValue, withInterval } from '../format.js';
import { queueingWarnings } from '../theory/queueingCheck.js';
import type { SweepOutput } from './sweep.js';
import { textTable } from '../table.js';

export function sweepText(out: SweepOutput): string {
  const paths = out.points.length > 0 ? Object.keys(out.points[0].values) : [];
  const header = [
    ...paths,
    'Requests/sec',
    '2xx',
    '5xx',
    'errors',
    'p50',
    'p90',
    'p99',
    'DB peak',
    'bottleneck',
    'busiest (U = XD/c)',
    'L',
    'λW',
  ];
  const incident = out.points.some((p) => p.incident !== undefined);
  if (incident) header.push('recovered', 'recovery s', 'amplification', 'goodput after');
  const rows = out.points.map((p) => [
    ...paths.map((path) => sweepValue(p.values[path])),
    withInterval(p.requestsPerSec),
    count(sumStatus(p, '2')),
    count(sumStatus(p, '5')),
    count(p.errors.mean),
    withInterval(p.latency.p50),
    withInterval(p.latency.p90),
    withInterval(p.latency.p99),
    p.dbPeakOpen === null ? '-' : count(p.dbPeakOpen.mean),
    p.bottleneck,
    p.busiest === null ? '-' : `${p.busiest.resource} ${percent(p.busiest.utilization)}`,
    sig(p.littlesLaw.L.mean),
    sig(p.littlesLaw.lambdaW.mean),
    ...(incident ? incidentCells(p) : []),
  ]);
  const { sweep } = out;
  const lines = [
    `Sweep of ${sweep.scenario}: ${sweep.vary.map((v) => `--vary ${v}`).join(' ')}, ${sweep.points} points` +
      (sweep.replications > 1 ? `, ${sweep.replications} replications (mean ±95 % CI half-width)` : '') +
      (out.shard !== undefined ? `; shard ${out.shard.index}/${out.shard.count}` : ''),
    '',
    textTable(header, rows),
    "L: mean requests in the system, measured; λW: throughput x mean time in the system (Little's law).",
  ];
  const partial = partialLine(out);
  if (partial !== undefined) lines.push('', partial);
  if (out.missing !== undefined) lines.push('', sweepMissing(out.missing.length, out.points.length + out.missing.length));
  // concat, not push(...): a line or more per point would be as many arguments, more than the stack holds.
  const checks = out.points.flatMap(queueingLines);
  const warnings = sweepWarnings(out).map((w) => `warning: ${w}`);
  const all = lines.concat(checks.length > 0 ? ['', 'Queueing theory:'] : [], checks, warnings.length > 0 ? [''] : [], warnings);
  return `${all.join('\n')}\n`;
}

/** Disagreements between the simulation and the analytic checks, one line each. */
export function sweepWarnings(out: SweepOutput): string[] {
  return out.points.flatMap((p) => queueingWarnings(p.queueing).map((w) => `point ${p.index} (${at(p)}): ${w}`));
}

function queueingLines(p: SweepPointResult): string[] {
  const q = p.queueing;
  if (q === undefined) return [];
  const head = `  ${at(p)}: ${q.formula} (${q.model}, c=${q.c}, λ=${sig(q.lambda)}/s, μ=${sig(q.mu)}/s, ρ=${sig(q.rho)})`;
  if (q.note !== undefined) return [`${head}: ${q.note}`];
  return [
    `${head}:`,
    ...q.comparisons.map((c) => {
      const verdict = c.agrees === null ? '' : c.agrees ? '  within the 95 % CI' : '  OUTSIDE the 95 % CI';
      return `    ${c.measure}: theory ${sig(c.predicted)}, simulated ${withInterval(c.simulated, 5)}${verdict}`;
    }),
  ];
}

/** Recovered (the share of replications), its time, attempts per request, goodput after the incident. */
function incidentCells(p: SweepPointResult): string[] {
  const i = p.incident;
  if (i === undefined) return ['-', '-', '-', '-'];
  const recovered = i.recovered === null ? '-' : i.recovered === 1 ? 'yes' : i.recovered === 0 ? 'no' : percent(i.recovered);
  return [
    recovered,
    i.recoverySeconds === null ? '-' : withInterval(i.recoverySeconds),
    i.amplification === null ? '-' : withInterval(i.amplification),
    i.goodputAfter === null ? '-' : withInterval(i.goodputAfter),
  ];
}

function at(p: SweepPointResult): string {
  return Object.entries(p.values)
    .map(([k, v]) => `${k}=${sweepValue(v)}`)
    .join(' ');
}

function sumStatus(p: SweepPointResult, leading: string): number {
  let n = 0;
  for (const [code, c] of Object.entries(p.statusCodes)) if (code.startsWith(leading)) n += c;
  return n;
}

/** Points whose runs stopped at a budget: a sweep says so, as sim run's PARTIAL: line does. */
export function partialLine(out: SweepOutput): string | undefined {
  const cut = out.points.filter((p) => p.partial !== undefined);
  if (cut.length === 0) return undefined;
  const shown = cut.slice(0, PARTIAL_POINTS_SHOWN).map((p) => {
    const runs = out.sweep.replications > 1 ? ` (${p.partial} of ${out.sweep.replications} runs)` : '';
    return `${at(p)}${runs}`;
  });
  const more = cut.length > PARTIAL_POINTS_SHOWN ? `, and ${cut.length - PARTIAL_POINTS_SHOWN} more` : '';
  return `PARTIAL: ${cut.length} of ${out.points.length} points stopped at a budget before every request ended, their figures of the requests that did (raise limits.maxEvents or limits.maxSimTime with --set, or send fewer requests): ${shown.join('; ')}${more}`;
}

/** Partial points named on the line; the JSON marks each (partial). */
const PARTIAL_POINTS_SHOWN = 10;
