// How far the calibration kit's real runs say to trust a run's answer: the row of
// docs/validation.md's table "By kind of stack" for the scenario's own kind (stackKind.ts).
// A prediction is only as good as the model has been on real stacks of its kind, and the
// kinds differ several-fold in how far the model scatters; the report says which applies.
import { POINTS_500_TOLERANCE, RPS_TOLERANCE } from '../analysis/calibration/tolerances.js';
import { withSign } from '../analysis/format.js';
import type { Scenario } from '../scenario/schema.js';
import { KIT_RECORD } from './kitRecord.js';
import { STACK_KINDS, stackKind } from './stackKind.js';

/** One kind's row of the page's table, as calibration/validate.mjs writes it into kitRecord.ts. */
export interface KindRecord {
  /** The page's rows of this kind (a configuration priced from two sets of inputs is two rows). */
  rows: number;
  /** Of them, within ±15 % on Requests/sec and 10 points on the 500 fraction. */
  withinTargets: number;
  /** (simulated - real) / real of Requests/sec over the rows: median, and the 10th and 90th percentiles. */
  requestsPerSecError: { median: number; p10: number; p90: number };
  /**
   * (simulated - real) / real of the p95 and p99 latency (hey's "95% in", "99% in") over the
   * same rows: median, 10th and 90th percentiles. No target bounds them; they say how far
   * the tail leans.
   */
  p95Error?: { median: number; p10: number; p90: number };
  p99Error?: { median: number; p10: number; p90: number };
  /**
   * The rows of this kind from series that measured their own machine's costs, priced from
   * those (as the page's table) and again from the defaults as a machine the kit never saw
   * gets them, each series with the median of the others (analysis/calibration/shippedCosts.ts):
   * what a scenario that measured nothing can expect.
   */
  shipped?: { rows: number; withinTargetsOwn: number; withinTargets: number };
  /**
   * Every row of this kind was priced from the defaults and its handler's costs measured on
   * the machine of its runs (as it was predicted before them), not from a series that
   * measured the whole machine.
   */
  pricedFromDefaults?: boolean;
}

/**
 * `simulation.validated` of the JSON report; `costsMeasured`: whether the scenario states any
 * of its costs as measured or fitted (its `measured` and `fitted` blocks).
 */
export type Validated = (({ kind: string } & KindRecord) | { kind: string | null; rows: 0 }) & { costsMeasured: boolean };

export function validatedFor(scenario: Scenario): Validated {
  const kind = stackKind(scenario);
  const record = kind === undefined ? undefined : KIT_RECORD[kind];
  const costsMeasured = Object.keys(scenario.measured ?? {}).length > 0 || Object.keys(scenario.fitted ?? {}).length > 0;
  if (kind === undefined || record === undefined) return { kind: kind === undefined ? null : STACK_KINDS[kind], rows: 0, costsMeasured };
  return { kind: STACK_KINDS[kind], ...record, costsMeasured };
}

/** The report's line. */
export function validatedText(v: Validated): string {
  if (v.rows === 0 || !('withinTargets' in v)) {
    return `not against real runs: the calibration kit has run nothing of this kind${v.kind === null ? '' : ` (${v.kind})`} (docs/validation.md)`;
  }
  const pct = (x: number) => `${withSign(100 * x, 0)} %`;
  const e = v.requestsPerSecError;
  const tail = (name: string, t: KindRecord['p95Error']) =>
    t === undefined ? '' : `; on ${name} median ${pct(t.median)}, 8 in 10 from ${pct(t.p10)} to ${pct(t.p90)}`;
  const shipped =
    v.costsMeasured || v.shipped === undefined
      ? ''
      : `. None of this scenario's costs is stated as measured: priced from the defaults instead of each machine's own costs (the median of the kit's other machines), ${v.shipped.withinTargets} of ${v.shipped.rows} such configurations came within them, against ${v.shipped.withinTargetsOwn} (docs/validation.md, "What measuring buys"; calibration/measure.sh measures yours)`;
  return (
    `${v.kind}: ${v.withinTargets} of the kit's ${v.rows} configurations of this kind within ±${100 * RPS_TOLERANCE} % on Requests/sec and ${POINTS_500_TOLERANCE} points on the 500s of their real runs, priced from ${v.pricedFromDefaults === true ? "the defaults and each handler's costs measured on the machine of its runs" : "each machine's measured costs"} (2-core Linux machines); ` +
    `the model's error on Requests/sec median ${pct(e.median)}, 8 in 10 from ${pct(e.p10)} to ${pct(e.p90)}${tail('the p95 latency', v.p95Error)}${tail('the p99', v.p99Error)} (docs/validation.md, "By kind of stack")${shipped}`
  );
}
