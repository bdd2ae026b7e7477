// The plan as text: the answer first, then the runner-up and the margins, then where the
// cheaper configurations fail and what saturates first.
import { validatedText } from '../../report/validated.js';
import { fixed, percent, sweepValue } from '../format.js';
import { relief, type Candidate, type PlanResult } from './plan.js';

export function planText(r: PlanResult): string {
  const t = r.targets;
  const lines = [
    `Plan for ${r.sweep.scenario}: at least ${t.requestsPerSec} 2xx/s, p99 <= ${t.p99} s, at most ${t.maxErrors} 5xx/errors; ` +
      `${r.sweep.points} configurations (${r.sweep.vary.map((v) => `--vary ${v}`).join(' ')})` +
      (r.sweep.replications > 1
        ? r.targets.everyReplication === true
          ? `, in every one of ${r.sweep.replications} replications`
          : `, means of ${r.sweep.replications} replications`
        : ''),
    '',
  ];
  if (r.best === null) {
    lines.push('No configuration in the grid meets the targets.');
    if (r.explanation !== null) lines.push(capitalized(r.explanation.text));
    const closest = r.candidates.at(-1);
    if (closest !== undefined)
      lines.push(`The most expensive one, ${describe(closest)}, ${closest.misses.join(', ')}; bottleneck: ${closest.point.bottleneck}.`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Cheapest:   ${describe(r.best)}`, ...margins(r.best, r));
  if (r.runnerUp !== null) lines.push(`Runner-up:  ${describe(r.runnerUp)}`, ...margins(r.runnerUp, r));
  else lines.push('Runner-up:  none (no other configuration meets the targets)');
  lines.push('');
  const busy = r.best.point.busiest;
  if (busy !== null) {
    lines.push(
      `Saturates first: ${busy.resource}, at ${percent(busy.utilization)} in the cheapest configuration (utilization law U = X D / c); ${relief(busy.resource)}.`,
    );
  }
  if (r.cheaperMiss !== null) {
    const m = r.cheaperMiss;
    lines.push(
      `One step cheaper, ${describe(m)} ${m.misses.join(', ')}; bottleneck: ${m.point.bottleneck}${m.point.busiest ? `; busiest: ${m.point.busiest.resource} ${percent(m.point.busiest.utilization)}.` : '.'}`,
    );
  } else {
    lines.push('Nothing cheaper was in the grid: extend the ranges downwards to find the limit.');
  }
  if (r.validated !== null) lines.push(...validatedLines(r.best, r.validated));
  return `${lines.join('\n')}\n`;
}

/**
 * What the kit's real runs of the answer's kind say of it: the model's error there (simulated
 * over real, less one) turned around, so the cheapest's 2xx/s read as the real runs of the
 * kit would have read them, from the error's 90th percentile to its 10th.
 */
function validatedLines(best: Candidate, v: NonNullable<PlanResult['validated']>): string[] {
  const lines = ['', `Validated:  ${validatedText(v)}`];
  if ('requestsPerSecError' in v) {
    const e = v.requestsPerSecError;
    lines.push(
      `            With the model as far off as it was on 8 in 10 of those, the cheapest's ${fixed(best.served, 2)} 2xx/s would be ${fixed(best.served / (1 + e.p90), 2)} to ${fixed(best.served / (1 + e.p10), 2)} in a real run.`,
    );
    const t = v.p99Error;
    if (t !== undefined && best.p99 !== null)
      lines.push(
        `            Its p99 of ${fixed(best.p99)} s, the same way: ${fixed(best.p99 / (1 + t.p90))} to ${fixed(best.p99 / (1 + t.p10))} s.`,
      );
  }
  return lines;
}

function describe(c: Candidate): string {
  const values = Object.entries(c.point.values)
    .map(([k, v]) => `${k}=${sweepValue(v)}`)
    .join(' ');
  const db =
    c.cost.dbConnections === null
      ? ''
      : `, ${c.cost.dbConnections} PostgreSQL connection${c.cost.dbConnections === 1 ? '' : 's'} at the peak`;
  // One of a kind is singular: "1 sync worker", "1 request (limit_concurrency)".
  const kind = c.cost.connections === 1 ? c.cost.connectionKind.replace(/s( \(|$)/, '$1') : c.cost.connectionKind;
  return `${values} (${c.cost.cores} core${c.cost.cores === 1 ? '' : 's'}, ${c.cost.workers} worker${c.cost.workers === 1 ? '' : 's'}, ${c.cost.connections} ${kind}${db})`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function margins(c: Candidate, r: PlanResult): string[] {
  const t = r.targets;
  return [
    `            ${fixed(c.served, 2)} 2xx/s (${signed(c.served - t.requestsPerSec, 2)} over the target), ` +
      `p99 ${c.p99 === null ? '-' : fixed(c.p99)} s (${c.p99 === null ? '-' : fixed(t.p99 - c.p99)} s to spare), ${c.failedRequests} 5xx/errors`,
  ];
}

function signed(x: number, digits: number): string {
  return (x >= 0 ? '+' : '') + fixed(x, digits);
}
