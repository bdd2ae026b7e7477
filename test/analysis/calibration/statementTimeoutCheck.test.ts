// statement_timeout against PostgreSQL 15: the kit's saved run reads back, the model
// agrees with it where it claims to, and docs/validation.md's table is current.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  readStatementTimeoutRun,
  STATEMENT_TIMEOUT_BEGIN,
  STATEMENT_TIMEOUT_END,
  statementTimeoutSection,
} from '../../../src/analysis/calibration/statementTimeoutCheck.js';

const RUN = readFileSync('calibration/results/statement-timeout.txt', 'utf8');

describe('statement_timeout against the real PostgreSQL', () => {
  it('reads the saved run: each query, its median and outcome, the backend kept', () => {
    const run = readStatementTimeoutRun(RUN);
    expect(run.limit).toBe(0.5);
    expect(run.queries.map((q) => q.name)).toEqual(['sleep', 'cpu', 'under']);
    expect(run.queries.every((q) => q.sameBackend)).toBe(true);
    expect(run.queries[0].outcomes).toEqual([
      'psycopg2.errors.QueryCanceled: canceling statement due to statement timeout (SQLSTATE 57014)',
    ]);
  });

  it("docs/validation.md's table is the saved run beside today's model (node calibration/incidents.mjs)", () => {
    const doc = readFileSync('docs/validation.md', 'utf8');
    const section = doc
      .slice(doc.indexOf(STATEMENT_TIMEOUT_BEGIN) + STATEMENT_TIMEOUT_BEGIN.length, doc.indexOf(STATEMENT_TIMEOUT_END))
      .trim();
    expect(section).toBe(statementTimeoutSection(RUN));
  });

  it('the model cancels with the real exception text, within 1 ms of the real sleeping query', () => {
    const rows = statementTimeoutSection(RUN)
      .split('\n')
      .filter((l) => l.startsWith('| SELECT pg_sleep(2)'));
    const [, , real, sim] = rows[0].split('|').map((c) => c.trim());
    expect(Math.abs(Number.parseFloat(real) - Number.parseFloat(sim))).toBeLessThan(0.001);
    expect(rows[0]).toContain('| psycopg2.errors.QueryCanceled: canceling statement due to statement timeout (a 500) |');
  });
});
