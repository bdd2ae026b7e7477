// How sweep and plan outputs write numbers: seconds and rates with hey's four decimals,
// a ± half-width when replications give an interval, "-" where hey prints nothing.
import type { Estimate } from './math/confidence.js';
import type { SweepValue } from './sweep/vary.js';

export function fixed(x: number, digits = 4): string {
  // -0.0000 reads as a sign error; it is a rounding of a tiny negative.
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

export function withInterval(e: Estimate | null, digits = 4): string {
  if (e === null) return '-';
  if (e.ci95 === undefined) return fixed(e.mean, digits);
  return `${fixed(e.mean, digits)} ±${fixed((e.ci95[1] - e.ci95[0]) / 2, digits)}`;
}

/** A count: whole when it is one (one replication), else a mean with one decimal. */
export function count(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** `x` with its sign, + for zero too, as the validation tables write errors. */
export function withSign(x: number, digits: number): string {
  const text = x.toFixed(digits);
  // A small negative rounds to "-0": zero at the digits shown, signed as the other zeros are.
  return Number(text) === 0 ? `+${text.replace('-', '')}` : `${x >= 0 ? '+' : ''}${text}`;
}

export function percent(x: number): string {
  return `${Math.round(100 * x)} %`;
}

export function sweepValue(v: SweepValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Four significant digits, for the analytic figures beside simulated ones. */
export function sig(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
