// `sim fit`'s text: the fitted values, then how well they explain each measured run.
import { percent, table } from './compareText.js';
import type { FitResult } from './fit.js';

export function fitText(result: FitResult): string {
  const out: string[] = [];
  const how = result.converged ? 'converged' : 'stopped at the evaluation limit, NOT converged';
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  out.push(
    `Fitted ${count(result.parameters.length, 'parameter')} to ${count(result.runs.length, 'hey run')} on ${result.targets.join(', ')} (${result.evaluations} evaluations, ${how}):`,
  );
  out.push(
    ...table(
      ['', 'fitted', 'start'],
      result.parameters.map((p) => [p.path, `${p.fitted} s`, `${p.start} s`]),
    ),
  );
  out.push('');
  out.push('Residuals at the fitted values (simulated vs measured):');
  const rows: string[][] = [];
  for (const run of result.runs) {
    for (const r of run.residuals) {
      rows.push([run.source, r.target, fixed(r.measured), fixed(r.simulated), percent(r.relative)]);
    }
  }
  out.push(...table(['', 'target', 'measured', 'simulated', 'difference'], rows));
  out.push(`  RMS relative error: ${(result.rmsRelativeError * 100).toFixed(1)} %`);
  return `${out.join('\n')}\n`;
}

function fixed(v: number | null): string {
  return v === null ? '-' : v.toFixed(4);
}
