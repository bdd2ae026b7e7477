// `sim compare`'s text: one table per measured run, then, for several runs, Requests/sec
// of all of them in one table. Figures keep hey's precision (4 decimals).
import { ERROR_PREFIX, type MetricRow, type RunComparison } from './compare.js';

export function compareText(comparisons: readonly RunComparison[], scenarioSource: string): string {
  const out: string[] = [];
  for (const c of comparisons) {
    out.push(`${c.source}${c.command !== undefined ? `: ${c.command}` : ''}`);
    out.push(`  simulated: ${scenarioSource} with ${clientText(c)}`);
    if (!c.complete) out.push('  PARTIAL: the simulation stopped before every request ended');
    out.push('');
    // Error messages are long: they go below the table rather than widen its first column.
    const messages = c.rows.filter((r) => r.metric.startsWith(ERROR_PREFIX));
    const figures = c.rows.filter((r) => !r.metric.startsWith(ERROR_PREFIX));
    out.push(
      ...table(
        ['', 'measured', 'simulated', 'difference'],
        figures.map((r) => [r.metric, figure(r, r.measured), figure(r, r.simulated), percent(r.relative)]),
      ),
    );
    if (messages.length > 0) {
      out.push('  errors by message (measured, simulated):');
      for (const r of messages) out.push(`    [${r.measured}, ${r.simulated}]\t${r.metric.slice(ERROR_PREFIX.length)}`);
    }
    out.push('');
  }
  if (comparisons.length > 1) {
    out.push('Requests/sec');
    const rows = comparisons.map((c) => {
      const r = c.rows[0];
      return [c.source, figure(r, r.measured), figure(r, r.simulated), percent(r.relative)];
    });
    out.push(...table(['', 'measured', 'simulated', 'difference'], rows));
    const errors = comparisons.map((c) => c.rows[0].relative).filter((x): x is number => x !== null);
    if (errors.length > 0) {
      const mean = errors.reduce((a, x) => a + Math.abs(x), 0) / errors.length;
      out.push(`  mean |difference| over ${errors.length} runs: ${(mean * 100).toFixed(1)} %`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function clientText(c: RunComparison): string {
  const k = c.client;
  const origin =
    c.from.requests === c.from.concurrency
      ? ` (from the ${c.from.requests})`
      : ` (-n from the ${c.from.requests}, -c from the ${c.from.concurrency})`;
  if (k.arrivalRate !== undefined) {
    const length = k.duration !== null ? `for ${k.duration}s` : `${k.requests} requests`;
    return `open-loop arrivals at ${k.arrivalRate}/s, ${length} (from the ${c.from.requests}), -t ${k.timeout}, a new connection each`;
  }
  const load = [
    k.duration !== null ? `-z ${k.duration}s` : `-n ${k.requests}`,
    `-c ${k.concurrency}`,
    ...(k.rate !== null ? [`-q ${k.rate}`] : []),
  ].join(' ');
  const paced = k.pacing === 'schedule' ? ", wrk2's schedule (latency from when each request was due)" : '';
  const think = k.thinkTime !== undefined ? `, think time ${JSON.stringify(k.thinkTime)}` : '';
  const timeout =
    k.timeoutMode === 'count'
      ? `--timeout ${k.timeout}s (wrk's: a later response is counted as a timeout, nothing is cancelled)`
      : `-t ${k.timeout}`;
  return `${load}${origin}${paced}${think}, ${timeout}, keep-alive ${k.keepAlive ? 'on' : 'off'}`;
}

function figure(r: MetricRow, v: number | null): string {
  if (v === null) return '-';
  if (r.kind === 'count') return String(v);
  return v.toFixed(4);
}

export function percent(x: number | null): string {
  if (x === null) return '-';
  const p = x * 100;
  // -0.04 % prints as 0.0 %, not -0.0 %.
  const text = Math.abs(p).toFixed(1);
  return `${Number(text) === 0 ? '' : p > 0 ? '+' : '-'}${text} %`;
}

/** Left-aligned first column, right-aligned figures, two spaces of indent. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map(
    (r) =>
      `  ${r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join('  ')
        .trimEnd()}`,
  );
}
