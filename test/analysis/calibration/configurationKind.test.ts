// The validation page's rows summed by the kind of stack they ran.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OTHER_KIND, configurationKind, configurationStem, kindTable } from '../../../src/analysis/calibration/configurationKind.js';
import {
  type Side,
  type ValidationConfig,
  type ValidationPlan,
  type ValidationRow,
  spreadOf,
} from '../../../src/analysis/calibration/validation.js';

const config = (name: string | string[], storm = false): ValidationConfig => ({ name, label: String(name), set: [], storm });

describe("a configuration's kind", () => {
  it("comes from its name's stem, whatever series it belongs to", () => {
    expect(configurationStem(config('a1206a-actors1x100-ka0-c200'))).toBe('actors1x100-ka0-c200');
    expect(configurationStem(config(['rep1203-actors1x100-ka0-c200']))).toBe('actors1x100-ka0-c200');
    expect(configurationStem(config('patched-c10'))).toBe('patched-c10');
    expect(configurationKind(config('a1206a-actors1x100-ka0-c200'))).toBe(configurationKind(config('actors1x100-ka2-c100')));
    expect(configurationKind(config('i1204c-sleep4x30-c150'))).toBe(configurationKind(config('spread-c50')));
  });

  it('puts a storm through PgBouncer or a pool with its stack, any other storm with the storms', () => {
    const storm = configurationKind(config('a1206a-actors4x100-ka2-c1000', true));
    expect(configurationKind(config('pgbouncer-actors4x100-ka2-c1000', true))).not.toBe(storm);
    expect(configurationKind(config('heldout5-8x50-c1000', true))).toBe(storm);
    expect(configurationKind(config('heldout5-4x100-c400', false))).not.toBe(storm);
  });

  it('is known for every configuration the kit has run', () => {
    const plan = JSON.parse(readFileSync('calibration/validation.json', 'utf8')) as ValidationPlan;
    const unknown = plan.configurations.filter((c) => configurationKind(c) === OTHER_KIND).map((c) => c.name);
    expect(unknown).toEqual([]);
  });
});

const side = (rps: number[], f500: number[]): Side => ({
  runs: rps.length,
  requestsPerSec: spreadOf(rps),
  fraction500: spreadOf(f500),
  spread: spreadOf([0]),
  slowest: spreadOf([0]),
  fastest: spreadOf([0]),
});

const row = (name: string, real: number, simulated: number, storm = false, real500 = [0], simulated500 = [0]): ValidationRow => {
  // The real runs from 5 % under their median to 10 % over it.
  const r = side([0.95 * real, real, 1.1 * real], real500);
  const s = side([simulated], simulated500);
  return {
    config: config(name, storm),
    real: r,
    simulated: s,
    rpsError: (simulated - real) / real,
    points500: 100 * (s.fraction500.median - r.fraction500.median),
  };
};

describe('the table by kind', () => {
  const rows = [
    row('a1-patched-c10', 100, 101),
    row('a1-patched-c50', 100, 96),
    row('a1-patched-c100', 100, 130),
    row('a1-actors4x100-ka2-c1000', 200, 210, true, [0.2, 0.3], [0.25, 0.26]),
    row('a1-actors4x100-nokeepalive-c1000', 200, 205, true, [0.2, 0.3], [0.5, 0.6]),
  ];
  const table = kindTable(rows);
  const line = (kind: string) => table.split('\n').find((l) => l.startsWith(`| ${kind} |`));

  it('counts the rows within the targets, and gives the median error and its middle 80 %', () => {
    expect(line(configurationKind(rows[0]!.config))).toBe(
      `| ${configurationKind(rows[0]!.config)} | 3 (3) | 2 | +1 % (-4 % to +30 %) | 3 |  |`,
    );
  });

  it("counts a storm's 500s and whether the seeds' ranges overlap the real runs'", () => {
    const storms = configurationKind(rows[3]!.config);
    expect(line(storms)).toBe(`| ${storms} | 2 (2) | 1 | +4 % (+3 % to +5 %) | 1 | 1 of 2 |`);
  });

  it('counts the real runs of two rows priced from different inputs once', () => {
    const twice = kindTable([row('a1-patched-c10', 100, 101), row('a1-patched-c10', 100, 90)]);
    expect(twice).toContain(`| ${configurationKind(rows[0]!.config)} | 2 (1) | 2 |`);
  });

  it('leaves out a kind no row has', () => {
    expect(line(configurationKind(config('pgbouncer-sleep4x30-c100')))).toBeUndefined();
  });
});
