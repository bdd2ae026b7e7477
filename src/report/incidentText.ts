// The incident section of the text report (report/incident.ts computes it).
import type { IncidentSummary, Rates } from './incident.js';

export function incidentText(s: IncidentSummary): string[] {
  const out = ['', 'Incident:'];
  for (const m of s.timeline) out.push(`  ${m.until === null ? `at ${m.at} s` : `${m.at}-${m.until} s`}:\t${m.label}`);
  const rates = (r: Rates) => {
    const f = (x: number | null) => (x === null ? '-' : x.toFixed(1));
    return s.window === null ? `${f(r.before)}/s` : `before ${f(r.before)}/s, during ${f(r.during)}/s, after ${f(r.after)}/s`;
  };
  out.push(`  Goodput:\t${rates(s.goodput)} (successful responses)`);
  out.push(`  Throughput:\t${rates(s.throughput)} (attempts ended, any result)`);
  if (s.window !== null)
    out.push(`  Recovered:\t${s.recovery.recovered === true ? 'yes' : s.recovery.recovered === false ? 'no' : '-'}: ${s.recovery.verdict}`);
  const r = s.retries;
  if (r !== null) {
    out.push(`  Retries:\t${r.attempts} attempts for ${r.requests} requests: amplification ${r.amplification.toFixed(2)}`);
    const causes = Object.entries(r.byCause)
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `${c} ${n}`);
    out.push(
      `  Retried:\t${causes.length > 0 ? causes.join(', ') : 'none'}; denied by the budget ${r.deniedByBudget}, out of retries ${r.exhausted}`,
    );
    out.push(
      `  Attempts:\t${Object.entries(r.attemptsPerRequest)
        .map(([k, n]) => `${n} x ${k}`)
        .join(', ')} (requests x attempts each)`,
    );
  }
  out.push(`  Late:\t\t${s.lateResponses} responses after their attempt was given up (work for nobody)`);
  if (s.statementTimeouts !== null) out.push(`  statement_timeout:\t${s.statementTimeouts} queries cancelled`);
  if (s.httpTimeouts > 0) out.push(`  HTTP timeouts:\t${s.httpTimeouts} outbound calls given up`);
  if (s.gracefulTimeouts > 0) out.push(`  Graceful:\t${s.gracefulTimeouts} workers ran out of graceful_timeout, their requests killed`);
  if (s.breakers !== null) out.push(`  Breakers:\topened ${s.breakers.opened} times, refused ${s.breakers.rejected} calls`);
  return out;
}
