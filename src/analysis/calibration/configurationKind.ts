// The validation page's rows summed by the kind of stack they ran, so that a reader
// planning one kind (a storm, a PgBouncer, one worker on a query) sees how the model has
// done on that kind across every machine and series, not only on the whole table.
// A row's kind comes from its name in calibration/validation.json (the kit's
// results/NAME.rN.txt), whose stem names the script and stack that ran it.
import { withSign } from '../format.js';
import { POINTS_500_TOLERANCE, RPS_TOLERANCE, rangesOverlap, spreadOf, withinTargets } from './targets.js';
import type { ValidationConfig, ValidationRow } from './validation.js';

/** The kinds, in the page's order: the first whose test matches a configuration is its kind. */
const KINDS: { label: string; matches: (config: ValidationConfig, stem: string) => boolean }[] = [
  { label: 'PgBouncer in front of PostgreSQL', matches: (_, stem) => stem.startsWith('pgbouncer-') },
  { label: "SQLAlchemy's pool in gevent workers", matches: (_, stem) => /^(pool|poolworkers|drift-wait10)-/.test(stem) },
  { label: 'uvicorn workers (asyncpg; a def endpoint)', matches: (_, stem) => stem.startsWith('uvicorn-') },
  { label: 'a fleet behind nginx or haproxy, a CPU quota', matches: (_, stem) => stem.startsWith('fleet') },
  { label: 'gthread workers', matches: (_, stem) => stem.startsWith('gthread-') },
  { label: 'sync workers', matches: (_, stem) => stem.startsWith('sync') },
  { label: 'gevent, a trivial handler (hey and the worker alone)', matches: (_, stem) => stem.startsWith('wakeup-direct') },
  { label: 'gevent storms: connections opened at once, PostgreSQL full', matches: (config) => config.storm === true },
  {
    label: 'gevent, pg_sleep(1)',
    matches: (_, stem) => /^((un)?patched|spread|sleep4x|pinned-(shared|pg-apart|one-core))/.test(stem),
  },
  { label: 'gevent, one worker x 100 on the actors query', matches: (_, stem) => /^(actors1x100|ratio-1x)/.test(stem) },
  {
    label: 'gevent, several workers on the actors query, short of a storm',
    matches: (_, stem) => /^(actors|actors4x100|ratio-2x|heldout\d*|pinned-storm|drift-actors4x100)-/.test(stem),
  },
];

/** What no kind matches: a new script's rows, until it is given one. */
export const OTHER_KIND = 'other';

/** The name's stem: without the series' prefix (a1206a-, i1204c-, d1203b-, rep1203-, ...). */
export function configurationStem(config: ValidationConfig): string {
  const name = Array.isArray(config.name) ? config.name[0]! : config.name;
  return name.replace(/^([aid]\d{4}[a-z]*|rep\d{4})-/, '');
}

/** The kind of stack a configuration ran (a label of the page's table). */
export function configurationKind(config: ValidationConfig): string {
  const stem = configurationStem(config);
  return KINDS.find((k) => k.matches(config, stem))?.label ?? OTHER_KIND;
}

/** A sorted list's `q` quantile (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * The page's table by kind: how many rows (a kit run priced from two sets of inputs, or
 * with a mechanism on and off, is two rows of the same real runs), how many within both targets, the error on Requests/sec
 * (its median says which way the model leans, the middle 80 % how far it scatters), the
 * 500s within their points, and for storms how many seeds' ranges overlap the real runs'.
 */
export function kindTable(rows: readonly ValidationRow[]): string {
  const byKind = new Map<string, ValidationRow[]>();
  const order = [...KINDS.map((k) => k.label), OTHER_KIND];
  for (const label of order) byKind.set(label, []);
  for (const r of rows) byKind.get(configurationKind(r.config))!.push(r);
  const pct = (x: number) => `${withSign(100 * x, 0)} %`;
  const lines = [
    `| kind of stack | rows (their real runs) | within the targets | Requests/sec error, median (middle 80 %) | 500s within ${POINTS_500_TOLERANCE} points | storms: ranges overlap |`,
    '|---|---|---|---|---|---|',
  ];
  for (const [label, list] of byKind) {
    if (list.length === 0) continue;
    const errors = list.map((r) => r.rpsError).sort((a, b) => a - b);
    const storms = list.filter((r) => r.config.storm === true);
    lines.push(
      `| ${label} | ${list.length} (${new Set(list.map((r) => String(r.config.name))).size}) | ${list.filter(withinTargets).length} | ${pct(spreadOf(errors).median)} (${pct(quantile(errors, 0.1))} to ${pct(
        quantile(errors, 0.9),
      )}) | ${list.filter((r) => Math.abs(r.points500) <= POINTS_500_TOLERANCE).length} | ${
        storms.length === 0 ? '' : `${storms.filter(rangesOverlap).length} of ${storms.length}`
      } |`,
    );
  }
  return [
    `Within the targets: ±${100 * RPS_TOLERANCE} % on Requests/sec and ${POINTS_500_TOLERANCE} points on the 500 fraction.`,
    '',
    ...lines,
  ].join('\n');
}
