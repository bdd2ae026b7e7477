// The validation page's rows summed by the kind of stack they ran, and the record of them
// that `sim run` quotes.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHeyRun } from '../../../src/analysis/calibration/heyRun.js';
import { kindTable, kitRecordModule } from '../../../src/analysis/calibration/kindTable.js';
import { scenarioForRun } from '../../../src/analysis/calibration/scenarioForRun.js';
import {
  kindsSection,
  type Side,
  type ValidationPlan,
  type ValidationRow,
  settingsOf,
  spreadOf,
} from '../../../src/analysis/calibration/validation.js';
import { STACK_KINDS, type StackKind, stackKind } from '../../../src/report/stackKind.js';

const side = (rps: number[], f500: number[]): Side => ({
  runs: rps.length,
  requestsPerSec: spreadOf(rps),
  fraction500: spreadOf(f500),
  spread: spreadOf([0]),
  slowest: spreadOf([0]),
  fastest: spreadOf([0]),
  p95: undefined,
  p99: undefined,
});

const row = (
  name: string,
  kind: StackKind | undefined,
  real: number,
  simulated: number,
  storm = false,
  real500 = [0],
  simulated500 = [0],
  p95Error: number | undefined = undefined,
  p99Error: number | undefined = undefined,
): ValidationRow => {
  // The real runs from 5 % under their median to 10 % over it.
  const r = side([0.95 * real, real, 1.1 * real], real500);
  const s = side([simulated], simulated500);
  return {
    config: { name, label: name, set: [], storm },
    real: r,
    simulated: s,
    rpsError: (simulated - real) / real,
    points500: 100 * (s.fraction500.median - r.fraction500.median),
    p95Error,
    p99Error,
    kind,
  };
};

describe('the table by kind', () => {
  const rows = [
    row('a1-patched-c10', 'waitingQuery', 100, 101),
    row('a1-patched-c50', 'waitingQuery', 100, 96),
    row('a1-patched-c100', 'waitingQuery', 100, 130),
    row('a1-actors4x100-ka2-c1000', 'storm', 200, 210, true, [0.2, 0.3], [0.25, 0.26]),
    row('a1-actors4x100-nokeepalive-c1000', 'storm', 200, 205, true, [0.2, 0.3], [0.5, 0.6]),
  ];
  const table = kindTable(rows);
  const line = (kind: StackKind | 'other') =>
    table.split('\n').find((l) => l.startsWith(`| ${kind === 'other' ? kind : STACK_KINDS[kind]} |`));

  it('counts the rows within the targets, and gives the median error and its middle 80 %', () => {
    expect(line('waitingQuery')).toBe(`| ${STACK_KINDS.waitingQuery} | 3 (3) | 2 | +1 % (-4 % to +30 %) | 3 |  |  |  |`);
  });

  it("counts a storm's 500s and whether the seeds' ranges overlap the real runs'", () => {
    expect(line('storm')).toBe(`| ${STACK_KINDS.storm} | 2 (2) | 1 | +4 % (+3 % to +5 %) | 1 | 1 of 2 |  |  |`);
  });

  it("heads the page with every row's count within the targets, the targets, then the table", () => {
    const [headline, blank, ...table] = kindsSection(rows).split('\n');
    expect(headline).toBe(
      `Every machine and series together, 3 of 5 rows within the targets (±15 % on Requests/sec and 10 points on the 500 fraction):`,
    );
    expect(blank).toBe('');
    expect(table.join('\n')).toBe(kindTable(rows));
  });

  it('counts the real runs of two rows priced from different inputs once', () => {
    const twice = kindTable([row('a1-patched-c10', 'waitingQuery', 100, 101), row('a1-patched-c10', 'waitingQuery', 100, 90)]);
    expect(twice).toContain(`| ${STACK_KINDS.waitingQuery} | 2 (1) | 2 |`);
  });

  it('leaves out a kind no row has, and puts a row of no kind last, as other', () => {
    expect(line('pgbouncer')).toBeUndefined();
    const withOther = kindTable([...rows, row('a1-eventlet-c10', undefined, 100, 100)]);
    expect(withOther.split('\n').at(-1)).toBe('| other | 1 (1) | 1 | +0 % (+0 % to +0 %) | 1 |  |  |  |');
  });

  it('gives the error on the p95 and p99 latency by kind, over the rows that have them', () => {
    const tails = [
      row('a1-actors-c10', 'oneWorker', 100, 100, false, [0], [0], -0.2, -0.3),
      row('a1-actors-c50', 'oneWorker', 100, 100, false, [0], [0], -0.1, -0.4),
      row('a1-actors-c100', 'oneWorker', 100, 100, false, [0], [0], 0.1, undefined),
      row('a1-actors-c150', 'oneWorker', 100, 100),
    ];
    const tailLine = kindTable(tails)
      .split('\n')
      .find((l) => l.startsWith(`| ${STACK_KINDS.oneWorker} |`));
    expect(tailLine).toBe(
      `| ${STACK_KINDS.oneWorker} | 4 (4) | 4 | +0 % (+0 % to +0 %) | 4 |  | -10 % (-20 % to +10 %) | -35 % (-40 % to -30 %) |`,
    );
    const module = kitRecordModule(tails);
    expect(module).toContain('    p95Error: { median: -0.1, p10: -0.2, p90: 0.1 },');
    expect(module).toContain('    p99Error: { median: -0.35, p10: -0.4, p90: -0.3 },');
  });

  it('is what sim run quotes, rounded to four places, with no row for other', () => {
    const module = kitRecordModule([...rows, row('a1-eventlet-c10', undefined, 100, 100)]);
    expect(module).toContain(
      [
        '  waitingQuery: {',
        '    rows: 3,',
        '    withinTargets: 2,',
        '    requestsPerSecError: { median: 0.01, p10: -0.04, p90: 0.3 },',
        '  },',
      ].join('\n'),
    );
    expect(module).toContain('    requestsPerSecError: { median: 0.0375, p10: 0.025, p90: 0.05 },');
    expect(module).not.toContain('other');
    expect(module).not.toContain('shipped');
  });

  it("adds, from the rows priced again with the shipped costs, how many of the kind's were within the targets either way", () => {
    // The two storms and the first waiting row priced again: the first storm now 30 % high, the waiting row still within.
    const transfer = {
      indices: [0, 3, 4],
      rows: [row('a1-patched-c10', 'waitingQuery', 100, 105), row('a1-actors4x100-ka2-c1000', 'storm', 200, 260, true), rows[4]!],
    };
    const module = kitRecordModule(rows, transfer);
    expect(module).toContain('    shipped: { rows: 1, withinTargetsOwn: 1, withinTargets: 1 },');
    expect(module).toContain('    shipped: { rows: 2, withinTargetsOwn: 1, withinTargets: 0 },');
  });
});

describe("the kit's configurations", () => {
  it('each have a kind of stack', () => {
    const plan = JSON.parse(readFileSync('calibration/validation.json', 'utf8')) as ValidationPlan;
    const files = readdirSync('calibration/results');
    const raws = new Map<string, unknown>();
    const unknown = plan.configurations.filter((config) => {
      const names = Array.isArray(config.name) ? config.name : [config.name];
      const first = files.filter((f) => names.some((n) => f.startsWith(`${n}.r`) && /\.r\d+\.txt$/.test(f))).sort()[0]!;
      const run = parseHeyRun(readFileSync(`calibration/results/${first}`, 'utf8'), first);
      const file = config.scenario ?? plan.scenario;
      if (!raws.has(file)) raws.set(file, JSON.parse(readFileSync(file, 'utf8')));
      return stackKind(scenarioForRun(raws.get(file), run, settingsOf(plan, config), file).scenario) === undefined;
    });
    expect(unknown.map((c) => c.name)).toEqual([]);
  });
});
