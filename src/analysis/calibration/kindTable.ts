// The validation page's rows summed by the kind of stack they ran (report/stackKind.ts), so
// that a reader planning one kind (a storm, a PgBouncer, one worker on a query) sees how the
// model has done on that kind across every machine and series, not only on the whole table.
// The same sums go into report/kitRecord.ts, from which `sim run` quotes its scenario's kind.
import { STACK_KINDS, type StackKind } from '../../report/stackKind.js';
import type { KindRecord } from '../../report/validated.js';
import { withSign } from '../format.js';
import { POINTS_500_TOLERANCE, rangesOverlap, spreadOf, withinTargets } from './targets.js';
import { SHIPPED_SCENARIO, type ShippedTransfer } from './shippedCosts.js';
import type { ValidationRow } from './validation.js';

/** What no kind matches: a configuration unlike anything stackKind() knows. */
export const OTHER_KIND = 'other';

/** A sorted list's `q` quantile (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

interface KindSums extends KindRecord {
  label: string;
  /** The real configurations behind the rows (a configuration priced from two sets of inputs counts once). */
  configurations: number;
  within500: number;
  storms: number;
  stormsOverlapping: number;
}

/** Each kind's sums, in the page's order; kinds no row has are left out. */
export function kindSums(rows: readonly ValidationRow[]): Map<StackKind | typeof OTHER_KIND, KindSums> {
  const byKind = new Map<StackKind | typeof OTHER_KIND, ValidationRow[]>();
  for (const kind of [...(Object.keys(STACK_KINDS) as StackKind[]), OTHER_KIND] as const) byKind.set(kind, []);
  for (const r of rows) byKind.get(r.kind ?? OTHER_KIND)!.push(r);
  const out = new Map<StackKind | typeof OTHER_KIND, KindSums>();
  for (const [kind, list] of byKind) {
    if (list.length === 0) continue;
    const errors = list.map((r) => r.rpsError).sort((a, b) => a - b);
    const storms = list.filter((r) => r.config.storm === true);
    const tail = (errors: (number | undefined)[]) => {
      const have = errors.flatMap((x) => (x === undefined ? [] : [x])).sort((a, b) => a - b);
      return have.length === 0 ? undefined : { median: spreadOf(have).median, p10: quantile(have, 0.1), p90: quantile(have, 0.9) };
    };
    const p95 = tail(list.map((r) => r.p95Error));
    const p99 = tail(list.map((r) => r.p99Error));
    out.set(kind, {
      label: kind === OTHER_KIND ? OTHER_KIND : STACK_KINDS[kind],
      rows: list.length,
      configurations: new Set(list.map((r) => String(r.config.name))).size,
      withinTargets: list.filter(withinTargets).length,
      requestsPerSecError: { median: spreadOf(errors).median, p10: quantile(errors, 0.1), p90: quantile(errors, 0.9) },
      ...(p95 === undefined ? {} : { p95Error: p95 }),
      ...(p99 === undefined ? {} : { p99Error: p99 }),
      within500: list.filter((r) => Math.abs(r.points500) <= POINTS_500_TOLERANCE).length,
      storms: storms.length,
      stormsOverlapping: storms.filter(rangesOverlap).length,
    });
  }
  return out;
}

/**
 * The page's table by kind: how many rows (a kit run priced from two sets of inputs, or
 * with a mechanism on and off, is two rows of the same real runs), how many within both targets, the error on Requests/sec
 * (its median says which way the model leans, the middle 80 % how far it scatters), the
 * 500s within their points, for storms how many seeds' ranges overlap the real runs', and
 * the error on the p95 and p99 latency (hey's "95% in" and "99% in"), which no target
 * bounds: how far to trust the tail of a prediction whose Requests/sec is right.
 */
export function kindTable(rows: readonly ValidationRow[]): string {
  const pct = (x: number) => `${withSign(100 * x, 0)} %`;
  const lines = [
    `| kind of stack | rows (their real runs) | within the targets | Requests/sec error, median (middle 80 %) | 500s within ${POINTS_500_TOLERANCE} points | storms: ranges overlap | p95 latency error, median (middle 80 %) | p99 |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const k of kindSums(rows).values()) {
    const e = k.requestsPerSecError;
    const tail = (t: KindRecord['p95Error']) => (t === undefined ? '' : `${pct(t.median)} (${pct(t.p10)} to ${pct(t.p90)})`);
    lines.push(
      `| ${k.label} | ${k.rows} (${k.configurations}) | ${k.withinTargets} | ${pct(e.median)} (${pct(e.p10)} to ${pct(e.p90)}) | ${k.within500} | ${
        k.storms === 0 ? '' : `${k.stormsOverlapping} of ${k.storms}`
      } | ${tail(k.p95Error)} | ${tail(k.p99Error)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * report/kitRecord.ts: each kind's row of the table, for `sim run` to quote; with `transfer`,
 * the same kind's rows priced from the defaults as a machine the kit never saw gets them
 * (shippedCosts.ts) beside their own.
 */
export function kitRecordModule(rows: readonly ValidationRow[], transfer?: ShippedTransfer): string {
  const round = (x: number) => Number(x.toFixed(4));
  const shipped = (kind: StackKind) => {
    if (transfer === undefined) return [];
    const at = transfer.indices.flatMap((index, i) => (rows[index]!.kind === kind ? [i] : []));
    if (at.length === 0) return [];
    const own = at.filter((i) => withinTargets(rows[transfer.indices[i]!]!)).length;
    const theirs = at.filter((i) => withinTargets(transfer.rows[i]!)).length;
    return [`    shipped: { rows: ${at.length}, withinTargetsOwn: ${own}, withinTargets: ${theirs} },`];
  };
  // A kind whose every row was priced from the shipped defaults (with the handler's own
  // costs measured) says so, where the others were priced from their machine's measured costs.
  const fromDefaults = (kind: StackKind) => rows.filter((r) => r.kind === kind).every((r) => r.config.scenario === SHIPPED_SCENARIO);
  // One property a line, as biome keeps an object written so.
  const entries = [...kindSums(rows)].flatMap(([kind, k]) => {
    if (kind === OTHER_KIND) return [];
    const e = k.requestsPerSecError;
    return [
      `  ${kind}: {`,
      `    rows: ${k.rows},`,
      `    withinTargets: ${k.withinTargets},`,
      `    requestsPerSecError: { median: ${round(e.median)}, p10: ${round(e.p10)}, p90: ${round(e.p90)} },`,
      ...(['p95Error', 'p99Error'] as const).flatMap((field) => {
        const t = k[field];
        return t === undefined ? [] : [`    ${field}: { median: ${round(t.median)}, p10: ${round(t.p10)}, p90: ${round(t.p90)} },`];
      }),
      ...shipped(kind),
      ...(fromDefaults(kind) ? ['    pricedFromDefaults: true,'] : []),
      '  },',
    ];
  });
  return [
    '// Each kind of stack\'s row of docs/validation.md\'s table "By kind of stack": written by',
    '// calibration/validate.mjs with the page, from the same rows (a test checks it is current).',
    "import type { StackKind } from './stackKind.js';",
    "import type { KindRecord } from './validated.js';",
    '',
    'export const KIT_RECORD: Partial<Record<StackKind, KindRecord>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}
